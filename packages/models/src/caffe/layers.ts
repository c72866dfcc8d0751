// Caffe's layer types on the engine: for each type, a builder that reads the layer's
// `<type>_param` once and returns its shape rule and its forward. Learned blobs come from the
// weights lookup under caffeTensorName's names (`conv1/7x7_s2.weight`, `.bias`).
// Element-wise and shape layers live in layers-simple.ts.

import {
  add,
  conv2d,
  flatten,
  localResponseNorm,
  matmul,
  type Tensor,
  transpose,
} from "@sheep/tensor";
import { caffeTensorName } from "./blob.ts";
import type { CaffeLayerSpec } from "./net-spec.ts";
import { type CaffePooling, caffePool, caffePoolShape } from "./pool.ts";
import { PbMessage } from "./prototxt.ts";

export type Shape = readonly number[];

/** A layer ready to run: its shape rule and forward, both over all its bottoms and tops. */
export interface CaffeOp {
  shape(ins: readonly Shape[]): Shape[];
  /** `relu`: a ReLU that follows may be fused into this layer's output (Convolution only). */
  forward(ins: readonly Tensor[], relu?: boolean): Tensor[];
  /** Whether forward honours `relu`. */
  readonly fusesRelu?: boolean;
  /** Set on ReLU layers: their negative slope (only a plain ReLU, 0, can be fused). */
  readonly reluSlope?: number;
}

/** Name → tensor: the learned blobs of every layer. */
export type WeightLookup = (name: string) => Tensor | undefined;

export type LayerBuilder = (layer: CaffeLayerSpec, weights: WeightLookup) => CaffeOp;

/** The param message of a layer (`convolution_param`), empty when the file gives none. */
export function paramOf(layer: CaffeLayerSpec, name: string): PbMessage {
  return layer.message.msg(name) ?? new PbMessage();
}

/** A learned blob of `layer`, checked against the shape the layer's params imply (-1: any). */
export function blob(
  layer: CaffeLayerSpec,
  weights: WeightLookup,
  index: number,
  expected: readonly number[],
): Tensor {
  const name = caffeTensorName(layer.name, layer.type, index);
  const t = weights(name);
  if (!t) throw new Error(`no weights "${name}" for ${layer.type} layer "${layer.name}"`);
  const ok = t.rank === expected.length && expected.every((d, i) => d === -1 || d === t.shape[i]);
  if (!ok) {
    const want = expected.map((d) => (d === -1 ? "?" : d)).join(", ");
    throw new Error(`weights "${name}" have shape [${t.shape}], expected [${want}]`);
  }
  return t;
}

/**
 * A Caffe size pair from `repeated name` (0, 1 or 2 values: one value serves both dims) or
 * `name_h`/`name_w`, e.g. kernel_size: 3 → [3, 3]; kernel_h: 1 kernel_w: 7 → [1, 7].
 */
export function sizePair(
  p: PbMessage,
  name: string,
  short: string,
  fallback: number,
): [number, number] {
  const h = p.num(`${short}_h`);
  const w = p.num(`${short}_w`);
  if (h !== undefined || w !== undefined) {
    if (h === undefined || w === undefined) {
      throw new Error(`${short}_h and ${short}_w must be given together`);
    }
    return [h, w];
  }
  const v = p.nums(name);
  if (v.length > 2) throw new Error(`${name} has ${v.length} values; 2-D layers take 1 or 2`);
  const out: [number, number] =
    v.length === 0 ? [fallback, fallback] : v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
  if (!out.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${name} must be integers ≥ 0, got ${v.join(", ")}`);
  }
  return out;
}

function convolution(layer: CaffeLayerSpec, weights: WeightLookup): CaffeOp {
  const p = paramOf(layer, "convolution_param");
  const outC = p.num("num_output");
  if (!outC || !Number.isInteger(outC)) throw new Error("convolution_param.num_output must be set");
  const kernel = sizePair(p, "kernel_size", "kernel", 0);
  if (kernel[0] < 1 || kernel[1] < 1) throw new Error("convolution_param needs kernel_size ≥ 1");
  const stride = sizePair(p, "stride", "stride", 1);
  const padding = sizePair(p, "pad", "pad", 0);
  const dilation = sizePair(p, "dilation", "dilation", 1);
  const groups = p.num("group", 1);
  if (stride.includes(0) || dilation.includes(0))
    throw new Error("stride and dilation must be ≥ 1");
  if (outC % groups !== 0)
    throw new Error(`num_output ${outC} is not divisible by group ${groups}`);
  const w = blob(layer, weights, 0, [outC, -1, kernel[0], kernel[1]]);
  const bias = p.bool("bias_term", true) ? blob(layer, weights, 1, [outC]) : null;
  const length = (n: number, d: 0 | 1) =>
    Math.floor((n + 2 * padding[d] - (dilation[d] * (kernel[d] - 1) + 1)) / stride[d]) + 1;
  return {
    fusesRelu: true,
    shape([x]) {
      if (x.length !== 4) throw new Error(`expects an [N, C, H, W] input, got [${x}]`);
      if (x[1] !== w.shape[1] * groups) {
        throw new Error(
          `input has ${x[1]} channels; the weights [${w.shape}] with group ${groups} need ${w.shape[1] * groups}`,
        );
      }
      const out = [x[0], outC, length(x[2], 0), length(x[3], 1)];
      if (out[2] < 1 || out[3] < 1) throw new Error(`a ${x[2]}×${x[3]} input is too small`);
      return [out];
    },
    forward: ([x], relu) => [
      conv2d(x, w, bias, { stride, padding, dilation, groups, activation: relu ? "relu" : null }),
    ],
  };
}

function innerProduct(layer: CaffeLayerSpec, weights: WeightLookup): CaffeOp {
  const p = paramOf(layer, "inner_product_param");
  const outC = p.num("num_output");
  if (!outC) throw new Error("inner_product_param.num_output must be set");
  const axis = p.num("axis", 1);
  if (axis !== 1) throw new Error(`inner_product_param.axis ${axis} is not supported (only 1)`);
  // Caffe stores [out, in] unless `transpose: true`, which stores [in, out].
  const transposed = p.bool("transpose", false);
  const w = blob(layer, weights, 0, transposed ? [-1, outC] : [outC, -1]);
  const inC = w.shape[transposed ? 0 : 1];
  const bias = p.bool("bias_term", true) ? blob(layer, weights, 1, [outC]) : null;
  const wt = transposed ? w : transpose(w, 0, 1);
  return {
    shape([x]) {
      const n = x.slice(1).reduce((a, b) => a * b, 1);
      if (n !== inC)
        throw new Error(`input [${x}] has ${n} features per item; the weights take ${inC}`);
      return [[x[0], outC]];
    },
    forward([x]) {
      const y = matmul(flatten(x, 1), wt);
      return [bias ? add(y, bias) : y];
    },
  };
}

function pooling(layer: CaffeLayerSpec): CaffeOp {
  const p = paramOf(layer, "pooling_param");
  const method = p.enumName("pool", "MAX");
  const methods: Record<string, "MAX" | "AVE"> = { MAX: "MAX", "0": "MAX", AVE: "AVE", "1": "AVE" };
  if (!(method in methods)) throw new Error(`pooling method ${method} is not supported (MAX, AVE)`);
  const round = p.enumName("round_mode", "CEIL");
  const global = p.bool("global_pooling", false);
  const pool: CaffePooling = {
    method: methods[method],
    kernel: global ? [1, 1] : sizePair(p, "kernel_size", "kernel", 0),
    stride: sizePair(p, "stride", "stride", 1),
    pad: sizePair(p, "pad", "pad", 0),
    global,
    round: round === "FLOOR" || round === "1" ? "FLOOR" : "CEIL",
  };
  if (!global && (pool.kernel[0] < 1 || pool.kernel[1] < 1)) {
    throw new Error("pooling_param needs kernel_size ≥ 1 (or global_pooling: true)");
  }
  if (pool.stride.includes(0)) throw new Error("pooling stride must be ≥ 1");
  return {
    shape([x]) {
      if (x.length !== 4) throw new Error(`expects an [N, C, H, W] input, got [${x}]`);
      return [[x[0], x[1], ...caffePoolShape(pool, x[2], x[3])]];
    },
    forward: ([x]) => [caffePool(x, pool)],
  };
}

function lrn(layer: CaffeLayerSpec): CaffeOp {
  const p = paramOf(layer, "lrn_param");
  const region = p.enumName("norm_region", "ACROSS_CHANNELS");
  if (region !== "ACROSS_CHANNELS" && region !== "0") {
    throw new Error(`LRN norm_region ${region} is not supported (only ACROSS_CHANNELS)`);
  }
  const size = p.num("local_size", 5);
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new Error(`LRN local_size must be an odd integer ≥ 1, got ${size}`);
  }
  // Caffe: scale = k + alpha/local_size · Σ x²; the same convention as localResponseNorm.
  const opts = { alpha: p.num("alpha", 1), beta: p.num("beta", 0.75), k: p.num("k", 1) };
  return {
    shape: ([x]) => [[...x]],
    forward: ([x]) => [localResponseNorm(x, size, opts)],
  };
}

/** Builders for the layers with parameters or geometry; layers-simple.ts adds the rest. */
export const CORE_LAYERS: Readonly<Record<string, LayerBuilder>> = {
  Convolution: convolution,
  InnerProduct: innerProduct,
  Pooling: pooling,
  LRN: lrn,
};
