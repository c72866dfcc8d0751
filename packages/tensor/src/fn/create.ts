// Creating tensors (tensor, zeros, arange, randn, …) lives in ../create.ts, below the op layer,
// because op VJPs need zeros and arange too; the public functions are the same ones.

export * from "../create.ts";
