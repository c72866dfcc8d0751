// Pooling, Gram matrix, normalisation and image functions (NCHW).

export type { Pair } from "./cnn-args.ts";
export * from "./cnn-image.ts";
export * from "./cnn-norm.ts";
export * from "./cnn-pool.ts";
