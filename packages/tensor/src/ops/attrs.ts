// The single list of ops: each name with the attributes it takes. The op table (table.ts) is
// typed against this list, so an op without a shape rule, forward or VJP does not compile.

import type { PadMode } from "../backend/backend.ts";
import type { ConvAttrs } from "../conv/op.ts";
import type { DType } from "../dtype.ts";
import type { CnnAttrs } from "./cnn.ts";

type None = Record<string, never>;

export interface UnaryAttrs {
  neg: None;
  abs: None;
  sign: None;
  exp: None;
  log: None;
  sqrt: None;
  rsqrt: None;
  sin: None;
  cos: None;
  tanh: None;
  sigmoid: None;
  relu: None;
  leakyRelu: { alpha: number };
  square: None;
  floor: None;
  copy: None;
  cast: { dtype: DType };
}

export interface BinaryAttrs {
  add: None;
  sub: None;
  mul: None;
  div: None;
  maximum: None;
  minimum: None;
  pow: None;
  eq: None;
  ne: None;
  lt: None;
  le: None;
  gt: None;
  ge: None;
}

/** Every op. The CNN families (conv.ts, cnn.ts) declare their own attributes beside their rules. */
export interface OpAttrs extends UnaryAttrs, BinaryAttrs, ConvAttrs, CnnAttrs {
  where: None;
  // views
  reshape: { shape: readonly number[] };
  permute: { perm: readonly number[] };
  expand: { shape: readonly number[] };
  slice: { begin: readonly number[]; end: readonly number[]; step: readonly number[] };
  // reductions
  sum: { dims: readonly number[]; keepdim: boolean };
  max: { dims: readonly number[]; keepdim: boolean };
  min: { dims: readonly number[]; keepdim: boolean };
  argmax: { dim: number; keepdim: boolean };
  argmin: { dim: number; keepdim: boolean };
  // routines
  matmul: None;
  concat: { dim: number };
  pad: { before: readonly number[]; after: readonly number[]; mode: PadMode; value: number };
  gather: { dim: number };
  setSlice: { begin: readonly number[]; step: readonly number[] };
}

export type OpName = keyof OpAttrs;
export type ElementwiseName = keyof UnaryAttrs | keyof BinaryAttrs | "where";
