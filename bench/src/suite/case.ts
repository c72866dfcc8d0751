// What one kernel benchmark is: its inputs, its cost in FLOPs and bytes, and how each engine
// (ours, TF.js, ONNX Runtime) computes the same thing from the same host data.

import type { Tensor } from "@sheep/tensor";
import type * as tfjs from "@tensorflow/tfjs";

export type Tf = typeof tfjs;
export type TfTensor = tfjs.Tensor;

export interface HostTensor {
  shape: number[];
  data: Float32Array<ArrayBuffer>;
}

export type Family =
  | "matmul"
  | "conv"
  | "convGx"
  | "convGw"
  | "maxpool"
  | "gram"
  | "reduce"
  | "elementwise";

export const FAMILIES: readonly Family[] = [
  "matmul",
  "conv",
  "convGx",
  "convGw",
  "maxpool",
  "gram",
  "reduce",
  "elementwise",
];

/** TF.js takes the same host inputs, re-laid-out (NHWC, HWIO) outside the timed region. */
export interface TfjsSpec {
  inputs(host: HostTensor[]): HostTensor[];
  run(tf: Tf, xs: TfTensor[]): TfTensor;
  /** TF.js output → our layout (default: unchanged). */
  toOurs?(data: Float32Array, shape: number[]): Float32Array;
  /** Backends that have no kernel for this op, with the reason shown in the table. */
  unsupported?: Partial<Record<"webgpu" | "wasm", string>>;
}

/** ONNX Runtime runs a one-node model on our layout; the input names match `inputs()`' order. */
export interface OrtSpec {
  model(): Uint8Array<ArrayBuffer>;
  names: string[];
  output: string;
}

export interface KernelCase {
  family: Family;
  /** Unique row name, e.g. "conv3_1 fwd 56²". */
  name: string;
  layer?: string;
  /** How often the layer occurs in VGG16 (conv5_1's shape stands for conv5_1..conv5_3). */
  repeats?: number;
  /** Side of the VGG input the layer belongs to (224 or 64). */
  res?: number;
  shape: string;
  flops: number;
  bytes: number;
  /** Largest relErr that still counts as the same result. */
  tol: number;
  inputs(): HostTensor[];
  ours(xs: Tensor[]): Tensor;
  tfjs?: TfjsSpec;
  ort?: OrtSpec;
}

/** Relative tolerance for float32 results with long sums (conv, matmul: K up to 25088). */
export const TOL = 2e-3;
