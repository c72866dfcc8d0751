// Arguments of the convolution routines (every backend implements each one).

// biome-ignore lint/suspicious/noEmptyInterface: filled in as the conv routines land
export interface ConvRoutines {}
