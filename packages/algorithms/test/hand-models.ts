// Networks small enough to differentiate by hand, for the attack and attribution tests: a
// linear classifier, a "one patch decides" classifier, and a 1×1-conv net with a squared pool.

import { concat, conv2d, keep, matmul, mean, type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "../src/index.ts";

/** logits = flatten(x) · Wᵀ, W [K, D] given row-major. No preprocessing. */
export function linearModel(w: Float32Array, k: number): DreamModel {
  const d = w.length / k;
  const wt = keep(tensor(w, { shape: [k, d] }).transpose(0, 1));
  return {
    name: "linear",
    taps: ["logits"],
    classes: Array.from({ length: k }, (_, i) => `c${i}`),
    preprocess: (x) => x,
    forward: (x, _taps) => new Map([["logits", matmul(x.reshape(x.shape[0], d), wt)]]),
  };
}

/**
 * Two classes; z₀ = 20·(mean of x over the patch − 0.5), z₁ = 0: the patch alone decides.
 * Images are [N, 1, side, side].
 */
export function patchModel(side: number, top: number, left: number, size: number): DreamModel {
  const m = new Float32Array(side * side);
  for (let y = top; y < top + size; y++)
    m.fill(20 / (size * size), y * side + left, y * side + left + size);
  const mask = keep(tensor(m, { shape: [side * side, 1] }));
  return {
    name: "patch",
    taps: ["logits"],
    classes: ["patch", "no patch"],
    preprocess: (x) => x,
    forward: (x) => {
      const z0 = matmul(x.reshape(x.shape[0], side * side), mask).sub(10);
      return new Map([["logits", concat([z0, z0.mul(0)], 1)]]);
    },
  };
}

/**
 * "feat" = A = conv1×1(x, w) [N, K, h, w]; logits z_c = Σ_k V[c, k] · mean_hw(A_k²).
 * So ∂z_c/∂A_k(i, j) = 2·V[c, k]·A_k(i, j)/(h·w), computable on the host.
 */
export function squareCamModel(w: Float32Array, v: Float32Array, k: number, c: number): DreamModel {
  const wt = keep(tensor(w, { shape: [k, w.length / k, 1, 1] }));
  const vt = keep(tensor(v, { shape: [c, k] }).transpose(0, 1));
  return {
    name: "square-cam",
    taps: ["feat", "logits"],
    classes: Array.from({ length: c }, (_, i) => `c${i}`),
    preprocess: (x) => x,
    forward: (x, taps) => {
      const a: Tensor = conv2d(x, wt, null);
      const out = new Map([["feat", a]]);
      if (taps.includes("logits")) out.set("logits", matmul(mean(a.square(), [2, 3]), vt));
      return out;
    },
  };
}
