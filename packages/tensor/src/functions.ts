// The functional API in one import: every op and composition, PyTorch-named.

export {
  backward,
  detach,
  grad,
  gradientsAt,
  noGrad,
  sumToShape,
  valueAndGrad,
} from "./autograd.ts";
export * from "./conv/fn.ts";
export * from "./fn/cnn.ts";
export * from "./fn/create.ts";
export * from "./fn/elementwise.ts";
export * from "./fn/lrn.ts";
export * from "./fn/reduce.ts";
export * from "./fn/shape.ts";
