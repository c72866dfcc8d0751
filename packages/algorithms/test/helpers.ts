// Test helpers: a tiny random CNN behind the DreamModel interface (so the pipelines are tested
// without VGG weights), smooth test images, and the backend set-up.

import {
  conv2d,
  init,
  keep,
  matmul,
  maxPool2d,
  mean,
  randn,
  release,
  type Tensor,
  tensor,
} from "@sheep/tensor";
import { afterAll, beforeAll } from "vitest";
import type { DreamModel } from "../src/index.ts";

export function useWebGPU(): void {
  beforeAll(async () => {
    await init({ backend: "cpu", makeDefault: false });
    await init({ backend: "webgpu" });
  });
  afterAll(() => release());
}

/** He-initialised conv weight [o, i, 3, 3], kept for the whole test file. */
function he(o: number, i: number, seed: number): Tensor {
  return keep(randn([o, i, 3, 3], { seed, std: Math.sqrt(2 / (9 * i)) }));
}

/**
 * conv 3→8 ("c1") → pool → conv 8→12 ("c2") → pool → conv 12→16 ("c3") → global mean →
 * linear 16→5 ("logits"). Receptive field radius of c2 ≈ 4 px (so 8 px of tile overlap make
 * tiled gradients exact), total stride 4.
 */
export function tinyModel(seed = 1): DreamModel {
  const w1 = he(8, 3, seed);
  const b1 = keep(tensor(Array.from({ length: 8 }, (_, i) => 0.05 * (i - 4))));
  const w2 = he(12, 8, seed + 1);
  const w3 = he(16, 12, seed + 2);
  const head = keep(randn([16, 5], { seed: seed + 3, std: 0.5 }));
  const order = ["c1", "c2", "c3", "logits"];
  return {
    name: "tiny",
    taps: order,
    classes: ["zero", "one", "two", "three", "four"],
    inputSize: 32,
    minSize: (taps) => (taps.some((t) => t !== "c1") ? 4 : 1),
    dreamLayers: { c2: 1 },
    preprocess: (x) => x.sub(0.5).div(0.25),
    forward(x, taps) {
      const deepest = Math.max(...taps.map((t) => order.indexOf(t)));
      const out = new Map<string, Tensor>();
      const c1 = conv2d(x, w1, b1, { padding: 1 }).relu();
      out.set("c1", c1);
      if (deepest < 1) return out;
      const c2 = conv2d(maxPool2d(c1, 2), w2, null, { padding: 1 }).relu();
      out.set("c2", c2);
      if (deepest < 2) return out;
      const c3 = conv2d(maxPool2d(c2, 2), w3, null, { padding: 1 }).relu();
      out.set("c3", c3);
      if (deepest < 3) return out;
      out.set("logits", matmul(mean(c3, [2, 3]), head));
      return out;
    },
  };
}

/** A smooth colourful test image [1, 3, h, w] in [0, 1] (sums of low-frequency waves). */
export function testImage(h: number, w: number): Tensor {
  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = Math.sin((x + 3 * c) / 5) * Math.cos((y - 2 * c) / 7) + Math.sin((x + y) / 11);
        data[c * h * w + y * w + x] = 0.5 + 0.2 * v;
      }
    }
  }
  return tensor(data, { shape: [1, 3, h, w] });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
