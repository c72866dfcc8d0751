// Convolution functions with PyTorch's conventions (NCHW inputs, OIHW weights).
export {};
