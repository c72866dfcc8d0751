// Style-transfer test helpers: a tiny conv net as a DreamModel on either backend with the same
// weights (so the webgpu path can be checked against the float64 cpu oracle), and plain-loop
// definitions of the Gram matrix and total variation to compare the compositions with.

import { conv2d, keep, maxPool2d, type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "../src/index.ts";

/** Deterministic pseudo-random numbers in [-1, 1) (a sine hash: no shared code with the RNGs). */
export function hashNoise(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    const v = Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453;
    return 2 * (v - Math.floor(v)) - 1;
  });
}

/**
 * conv 3→6 ("a", relu) → pool → conv 6→8 ("b", relu) → pool → conv 8→8 ("c", relu). Strides 1,
 * 2, 4; receptive-field radius of c ≈ 1 + 1 + 2 + 2 + 4 = 10 px (16 px of overlap is plenty).
 */
export function styleNet(backend: "webgpu" | "cpu" = "webgpu"): DreamModel {
  const weight = (o: number, i: number, seed: number) =>
    keep(
      tensor(
        hashNoise(o * i * 9, seed).map((v) => v * Math.sqrt(6 / (9 * i))),
        { shape: [o, i, 3, 3], backend },
      ),
    );
  const bias = (n: number, seed: number) =>
    keep(
      tensor(
        hashNoise(n, seed).map((v) => 0.1 * v),
        { backend },
      ),
    );
  const [w1, w2, w3] = [weight(6, 3, 1), weight(8, 6, 2), weight(8, 8, 3)];
  const [b1, b2, b3] = [bias(6, 4), bias(8, 5), bias(8, 6)];
  const order = ["a", "b", "c"];
  return {
    name: "stylenet",
    taps: order,
    inputSize: 32,
    minSize: (taps) => (taps.includes("c") ? 4 : taps.includes("b") ? 2 : 1),
    preprocess: (x) => x.sub(0.5).div(0.25),
    forward(x, taps) {
      const deepest = Math.max(...taps.map((t) => order.indexOf(t)));
      const out = new Map<string, Tensor>();
      const a = conv2d(x, w1, b1, { padding: 1 }).relu();
      out.set("a", a);
      if (deepest < 1) return out;
      const b = conv2d(maxPool2d(a, 2), w2, b2, { padding: 1 }).relu();
      out.set("b", b);
      if (deepest < 2) return out;
      out.set("c", conv2d(maxPool2d(b, 2), w3, b3, { padding: 1 }).relu());
      return out;
    },
  };
}

/** A smooth colourful image [1, 3, h, w] in [0, 1] whose pattern depends on `seed`. */
export function picture(h: number, w: number, seed: number, backend?: "webgpu" | "cpu"): Tensor {
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v =
          Math.sin((x * (1 + seed)) / 4 + c * seed) * Math.cos((y - 2 * c) / (3 + seed)) +
          0.5 * Math.sin((x + y * seed) / 5);
        data[c * h * w + y * w + x] = 0.5 + 0.3 * v;
      }
    }
  }
  return tensor(data, { shape: [1, 3, h, w], backend });
}

/** Σ_p f[i,p]·f[j,p] / M for f laid out [C, M] (plain loops). */
export function gramLoops(f: ArrayLike<number>, c: number, m: number): Float64Array {
  const g = new Float64Array(c * c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += f[i * m + p] * f[j * m + p];
      g[i * c + j] = s / m;
    }
  }
  return g;
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxMagnitude(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
