// The cpu oracle's Gram matrix, dropout, resize and 1-D filter: direct loops from the
// definitions. Dropout draws its mask from random.ts, the same hash the GPU kernel computes.

import { uniformAt } from "../../random.ts";
import { sizeOf } from "../../shape.ts";
import type { ResizeMode } from "../cnn-routines.ts";
import { evaluator, type Impl } from "./util.ts";

type ImageImpls = {
  [K in "gram" | "dropout" | "resize2d" | "resize2dGrad" | "correlate1d"]: Impl<K>;
};

/** Keys' cubic convolution kernel with a = −0.75 (PyTorch's bicubic), at distance x. */
function cubicWeight(x: number): number {
  const a = -0.75;
  const d = Math.abs(x);
  if (d <= 1) return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1;
  if (d < 2) return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a;
  return 0;
}

/**
 * Where output o of `out` samples an axis of length `size` (PyTorch's upsample formulas):
 * up to four source indices with their weights.
 */
function taps(o: number, size: number, out: number, mode: ResizeMode, alignCorners: boolean) {
  if (mode === "nearest") {
    // PyTorch's "nearest": src = floor(o · size / out) (computed exactly, in integers)
    const i = Math.min(Math.floor((o * size) / out), size - 1);
    return [{ i, weight: 1 }];
  }
  if (mode === "nearest-exact") {
    // pixel centres line up: src = floor((o + 0.5) · size / out)
    return [{ i: Math.min(Math.floor(((o + 0.5) * size) / out), size - 1), weight: 1 }];
  }
  let src: number;
  if (alignCorners) src = out > 1 ? (o * (size - 1)) / (out - 1) : 0;
  else src = ((o + 0.5) * size) / out - 0.5;
  if (mode === "bicubic") {
    // inputs floor(src) − 1 … + 2, clamped into the image; src itself is not clamped
    const i = Math.floor(src);
    const clampIndex = (k: number) => Math.min(Math.max(k, 0), size - 1);
    return [-1, 0, 1, 2].map((k) => ({ i: clampIndex(i + k), weight: cubicWeight(src - (i + k)) }));
  }
  src = Math.max(src, 0);
  const i0 = Math.min(Math.floor(src), size - 1);
  const i1 = Math.min(i0 + 1, size - 1);
  const l1 = src - i0;
  return [
    { i: i0, weight: 1 - l1 },
    { i: i1, weight: l1 },
  ];
}

export const cpuImage: ImageImpls = {
  gram: ({ x, batch, channels, k, scale, out }, mem) => {
    const f = mem(x.storage);
    const o = mem(out.storage);
    for (let n = 0; n < batch; n++) {
      const base = x.offset + n * channels * k;
      for (let i = 0; i < channels; i++) {
        for (let j = 0; j < channels; j++) {
          let acc = 0;
          for (let t = 0; t < k; t++) acc += f[base + i * k + t] * f[base + j * k + t];
          o[out.offset + (n * channels + i) * channels + j] = scale * acc;
        }
      }
    }
  },

  dropout: ({ expr, shape, key, p, scale, out }, mem) => {
    const ev = evaluator(expr, shape, mem);
    const o = mem(out.storage);
    for (let i = 0; i < sizeOf(shape); i++) {
      o[out.offset + i] = uniformAt(key, i) >= p ? ev.at(i) * scale : 0;
    }
  },

  resize2d: (a, mem) => {
    const x = mem(a.x.storage);
    const o = mem(a.out.storage);
    for (let p = 0; p < a.planes; p++) {
      for (let oy = 0; oy < a.oh; oy++) {
        const ty = taps(oy, a.h, a.oh, a.mode, a.alignCorners);
        for (let ox = 0; ox < a.ow; ox++) {
          const tx = taps(ox, a.w, a.ow, a.mode, a.alignCorners);
          let v = 0;
          for (const r of ty) {
            for (const c of tx)
              v += r.weight * c.weight * x[a.x.offset + (p * a.h + r.i) * a.w + c.i];
          }
          o[a.out.offset + (p * a.oh + oy) * a.ow + ox] = v;
        }
      }
    }
  },

  resize2dGrad: (a, mem) => {
    const g = mem(a.g.storage);
    const o = mem(a.out.storage);
    o.fill(0, a.out.offset, a.out.offset + a.planes * a.h * a.w);
    for (let p = 0; p < a.planes; p++) {
      for (let oy = 0; oy < a.oh; oy++) {
        const ty = taps(oy, a.h, a.oh, a.mode, a.alignCorners);
        for (let ox = 0; ox < a.ow; ox++) {
          const tx = taps(ox, a.w, a.ow, a.mode, a.alignCorners);
          const gv = g[a.g.offset + (p * a.oh + oy) * a.ow + ox];
          for (const r of ty) {
            for (const c of tx)
              o[a.out.offset + (p * a.h + r.i) * a.w + c.i] += r.weight * c.weight * gv;
          }
        }
      }
    }
  },

  correlate1d: ({ x, outer, n, inner, taps: w, out }, mem) => {
    const xs = mem(x.storage);
    const o = mem(out.storage);
    const m = n - w.length + 1;
    for (let a = 0; a < outer; a++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < inner; j++) {
          let acc = 0;
          for (let t = 0; t < w.length; t++)
            acc += w[t] * xs[x.offset + (a * n + i + t) * inner + j];
          o[out.offset + (a * m + i) * inner + j] = acc;
        }
      }
    }
  },
};
