// Tensor methods: `x.add(y).relu().sum()` reads like PyTorch. Each one is the function of the
// same name in functions.ts; nothing here computes.

import type { BackwardOptions } from "./autograd.ts";
import type { DType } from "./dtype.ts";
import * as F from "./functions.ts";
import { Tensor } from "./tensor.ts";

type Operand = F.Operand;
type Dims = F.Dims;

declare module "./tensor.ts" {
  interface Tensor {
    add(y: Operand): Tensor;
    sub(y: Operand): Tensor;
    mul(y: Operand): Tensor;
    div(y: Operand): Tensor;
    pow(y: Operand): Tensor;
    maximum(y: Operand): Tensor;
    minimum(y: Operand): Tensor;
    eq(y: Operand): Tensor;
    ne(y: Operand): Tensor;
    lt(y: Operand): Tensor;
    le(y: Operand): Tensor;
    gt(y: Operand): Tensor;
    ge(y: Operand): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    square(): Tensor;
    floor(): Tensor;
    clamp(lo?: number, hi?: number): Tensor;
    cast(dtype: DType): Tensor;
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    max(dim?: Dims, keepdim?: boolean): Tensor;
    min(dim?: Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    logsumexp(dim?: Dims, keepdim?: boolean): Tensor;
    variance(dim?: Dims, opts?: { correction?: number; keepdim?: boolean }): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(dim?: number): Tensor;
    matmul(y: Tensor): Tensor;
    reshape(...shape: number[]): Tensor;
    permute(...dims: number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    expand(...shape: number[]): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    flatten(start?: number, end?: number): Tensor;
    contiguous(): Tensor;
    detach(): Tensor;
    backward(opts?: BackwardOptions): void;
    /** All dims reversed (the matrix transpose for 2-D). */
    readonly T: Tensor;
  }
}

// Methods whose function takes the tensor first and the same arguments after it.
const plain = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "neg",
  "abs",
  "sign",
  "exp",
  "log",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "relu",
  "leakyRelu",
  "square",
  "floor",
  "clamp",
  "cast",
  "sum",
  "mean",
  "max",
  "min",
  "argmax",
  "argmin",
  "logsumexp",
  "variance",
  "softmax",
  "logSoftmax",
  "matmul",
  "transpose",
  "squeeze",
  "unsqueeze",
  "flatten",
  "contiguous",
  "detach",
  "backward",
] as const;

const proto = Tensor.prototype as unknown as Record<string, unknown>;
const fns = F as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of plain) {
  proto[name] = function (this: Tensor, ...args: unknown[]) {
    return fns[name](this, ...args);
  };
}

// Methods that take their list as rest arguments: x.reshape(2, 3), x.permute(1, 0).
proto.reshape = function (this: Tensor, ...shape: number[]) {
  return F.reshape(this, shape);
};
proto.permute = function (this: Tensor, ...dims: number[]) {
  return F.permute(this, dims);
};
proto.expand = function (this: Tensor, ...shape: number[]) {
  return F.expand(this, shape);
};
Object.defineProperty(proto, "T", {
  get(this: Tensor) {
    return F.permute(this, [...Array(this.rank).keys()].reverse());
  },
});
