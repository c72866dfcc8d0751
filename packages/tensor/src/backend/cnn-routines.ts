// Arguments of the pooling, Gram, normalisation and image routines.

// biome-ignore lint/suspicious/noEmptyInterface: filled in as the CNN routines land
export interface CnnRoutines {}
