// Caffe's element-wise, normalisation and shape layers on the engine (the layers with
// geometry are in layers.ts): ReLU, Sigmoid, TanH, Dropout, Split, Softmax, Concat, Eltwise,
// BatchNorm, Scale, Flatten, Reshape.

import {
  add,
  concat,
  div,
  eq,
  flatten,
  leakyRelu,
  maximum,
  mul,
  relu,
  reshape,
  rsqrt,
  sigmoid,
  softmax,
  sub,
  type Tensor,
  tanh,
  where,
} from "@sheep/tensor";
import { blob, type CaffeOp, type LayerBuilder, paramOf, type Shape } from "./layers.ts";
import type { CaffeLayerSpec } from "./net-spec.ts";

/** Normalise a Caffe axis (negative counts from the end) against a rank. */
function axisOf(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new Error(`${what} ${axis} is out of range for a rank-${rank} input`);
  }
  return a;
}

const same = (f: (x: Tensor) => Tensor): CaffeOp => ({
  shape: ([x]) => [[...x]],
  forward: ([x]) => [f(x)],
});

/** [1, C, 1, 1] (for rank 4): a per-channel vector broadcast over x's dims after axis 1. */
function perChannel(v: Tensor, rank: number): Tensor {
  return reshape(v, [1, v.shape[0], ...Array(Math.max(0, rank - 2)).fill(1)]);
}

function checkChannels(layer: CaffeLayerSpec, x: Shape, c: number): void {
  if (x.length < 2 || x[1] !== c) {
    throw new Error(
      `input [${x}] does not have the ${c} channels (dim 1) of ${layer.name}'s weights`,
    );
  }
}

function eltwise(layer: CaffeLayerSpec): CaffeOp {
  const p = paramOf(layer, "eltwise_param");
  const op = p.enumName("operation", "SUM");
  const ops: Record<string, string> = {
    PROD: "PROD",
    "0": "PROD",
    SUM: "SUM",
    "1": "SUM",
    MAX: "MAX",
    "2": "MAX",
  };
  if (!(op in ops)) throw new Error(`Eltwise operation ${op} is not supported (SUM, PROD, MAX)`);
  const coeffs = p.nums("coeff");
  if (coeffs.length > 0 && coeffs.length !== layer.bottoms.length) {
    throw new Error(`Eltwise has ${coeffs.length} coeffs for ${layer.bottoms.length} bottoms`);
  }
  if (coeffs.length > 0 && ops[op] !== "SUM") throw new Error("Eltwise coeffs apply to SUM only");
  return {
    shape(ins) {
      if (ins.some((s) => s.join() !== ins[0].join())) {
        throw new Error(
          `Eltwise inputs must have one shape, got ${ins.map((s) => `[${s}]`).join(", ")}`,
        );
      }
      return [[...ins[0]]];
    },
    forward(ins) {
      const scaled = ins.map((x, i) => (coeffs.length && coeffs[i] !== 1 ? mul(x, coeffs[i]) : x));
      const f = ops[op] === "SUM" ? add : ops[op] === "PROD" ? mul : maximum;
      return [scaled.reduce((a, b) => f(a, b) as Tensor)];
    },
  };
}

function batchNorm(layer: CaffeLayerSpec, weights: (n: string) => Tensor | undefined): CaffeOp {
  const p = paramOf(layer, "batch_norm_param");
  if (p.has("use_global_stats") && !p.bool("use_global_stats", true)) {
    throw new Error("BatchNorm with use_global_stats: false (batch statistics) is not supported");
  }
  const eps = p.num("eps", 1e-5);
  const mean = blob(layer, weights, 0, [-1]);
  const c = mean.shape[0];
  const variance = blob(layer, weights, 1, [c]);
  const factor = blob(layer, weights, 2, [1]);
  // Caffe stores running sums: the statistics are blob / scale_factor (a factor of 0 → zeros).
  return {
    shape([x]) {
      checkChannels(layer, x, c);
      return [[...x]];
    },
    forward([x]) {
      const k = where(eq(factor, 0), 0, div(1, factor));
      const m = perChannel(mul(mean, k), x.rank);
      const inv = perChannel(rsqrt(add(mul(variance, k), eps)), x.rank);
      return [mul(sub(x, m), inv)];
    },
  };
}

function scale(layer: CaffeLayerSpec, weights: (n: string) => Tensor | undefined): CaffeOp {
  const p = paramOf(layer, "scale_param");
  if (layer.bottoms.length !== 1) throw new Error("Scale with a second bottom is not supported");
  if (p.num("axis", 1) !== 1 || p.num("num_axes", 1) !== 1) {
    throw new Error("Scale supports axis 1 with num_axes 1 (per channel) only");
  }
  const gamma = blob(layer, weights, 0, [-1]);
  const c = gamma.shape[0];
  const beta = p.bool("bias_term", false) ? blob(layer, weights, 1, [c]) : null;
  return {
    shape([x]) {
      checkChannels(layer, x, c);
      return [[...x]];
    },
    forward([x]) {
      const y = mul(x, perChannel(gamma, x.rank));
      return [beta ? add(y, perChannel(beta, x.rank)) : y];
    },
  };
}

function concatLayer(layer: CaffeLayerSpec): CaffeOp {
  const p = paramOf(layer, "concat_param");
  const raw = p.num("axis") ?? p.num("concat_dim", 1);
  return {
    shape(ins) {
      const a = axisOf(raw, ins[0].length, "Concat axis");
      const out = [...ins[0]];
      for (const s of ins.slice(1)) {
        if (s.length !== out.length || s.some((d, i) => i !== a && d !== out[i])) {
          throw new Error(
            `Concat inputs ${ins.map((t) => `[${t}]`).join(", ")} differ off axis ${a}`,
          );
        }
        out[a] += s[a];
      }
      return [out];
    },
    forward: (ins) => [ins.length === 1 ? ins[0] : concat(ins, axisOf(raw, ins[0].rank, "axis"))],
  };
}

function softmaxLayer(layer: CaffeLayerSpec): CaffeOp {
  const axis = paramOf(layer, "softmax_param").num("axis", 1);
  return same((x) => softmax(x, axisOf(axis, x.rank, "Softmax axis")));
}

function flattenLayer(layer: CaffeLayerSpec): CaffeOp {
  const p = paramOf(layer, "flatten_param");
  const [start, end] = [p.num("axis", 1), p.num("end_axis", -1)];
  const shapeOf = (x: Shape) => {
    const [a, b] = [axisOf(start, x.length, "Flatten axis"), axisOf(end, x.length, "end_axis")];
    return [...x.slice(0, a), x.slice(a, b + 1).reduce((u, v) => u * v, 1), ...x.slice(b + 1)];
  };
  return {
    shape: ([x]) => [shapeOf(x)],
    forward: ([x]) => [
      flatten(x, axisOf(start, x.rank, "Flatten axis"), axisOf(end, x.rank, "end_axis")),
    ],
  };
}

function reshapeLayer(layer: CaffeLayerSpec): CaffeOp {
  const p = paramOf(layer, "reshape_param");
  if (p.num("axis", 0) !== 0 || p.num("num_axes", -1) !== -1) {
    throw new Error("Reshape supports the whole shape only (axis 0, num_axes -1)");
  }
  const dims = p.msg("shape")?.nums("dim") ?? [];
  // Caffe: 0 copies the input's dim at that position, one -1 is inferred.
  const shapeOf = (x: Shape) => {
    const out = dims.map((d, i) => (d === 0 ? x[i] : d));
    const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const total = x.reduce((a, b) => a * b, 1);
    const inferred = out.map((d) => (d === -1 ? total / known : d));
    if (
      inferred.reduce((a, b) => a * b, 1) !== total ||
      inferred.some((d) => !Number.isInteger(d) || d < 0)
    ) {
      throw new Error(`cannot reshape [${x}] to [${dims}]`);
    }
    return inferred;
  };
  return { shape: ([x]) => [shapeOf(x)], forward: ([x]) => [reshape(x, shapeOf(x.shape))] };
}

function reluLayer(layer: CaffeLayerSpec): CaffeOp {
  const slope = paramOf(layer, "relu_param").num("negative_slope", 0);
  return { ...same((x) => (slope === 0 ? relu(x) : leakyRelu(x, slope))), reluSlope: slope };
}

/** Copies of one blob (Caffe inserts these itself; some files write them). */
function split(layer: CaffeLayerSpec): CaffeOp {
  return {
    shape: ([x]) => layer.tops.map(() => [...x]),
    forward: ([x]) => layer.tops.map(() => x),
  };
}

export const SIMPLE_LAYERS: Readonly<Record<string, LayerBuilder>> = {
  ReLU: reluLayer,
  Sigmoid: () => same(sigmoid),
  TanH: () => same(tanh),
  // Caffe's Dropout scales at training time, so inference is the identity.
  Dropout: () => same((x) => x),
  Split: split,
  Softmax: softmaxLayer,
  Concat: concatLayer,
  Eltwise: eltwise,
  BatchNorm: batchNorm,
  Scale: scale,
  Flatten: flattenLayer,
  Reshape: reshapeLayer,
};
