// Pooling, Gram matrix, normalisation and image functions (NCHW).
export {};
