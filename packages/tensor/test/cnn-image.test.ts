// The Gram matrix, dropout, resizing, roll, reflect padding of images and Gaussian blur:
// hand-computed PyTorch results, cross-backend equality, determinism and gradient checks.

import { describe, expect, test } from "vitest";
import {
  arange,
  dropout,
  gaussianBlur,
  gram,
  manualSeed,
  ones,
  pad,
  reshape,
  resize2d,
  roll,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from "../src/index.ts";
import { drawKey, uniformAt } from "../src/random.ts";
import { bits, checkFunction } from "./cnn-helpers.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

const BACKENDS = ["webgpu", "cpu"] as const;
const round = (xs: ArrayLike<number>) => Array.from(xs, (v) => Math.round(v * 1e4) / 1e4);
const rand = (shape: number[], seed: number, backend: "webgpu" | "cpu" = "webgpu") =>
  tensor(sample({ shape }, seed), { shape, backend });

describe("gram", () => {
  test.each(BACKENDS)("F Fᵀ of a 2×2 feature map (%s)", async (backend) => {
    const f = tensor([1, 2, 3, 4], { shape: [1, 2, 1, 2], backend });
    expect(Array.from(await gram(f).data())).toEqual([5, 11, 11, 25]);
    expect(round(await gram(f, { normalize: "chw" }).data())).toEqual([1.25, 2.75, 2.75, 6.25]);
    expect(round(await gram(f, { normalize: "hw" }).data())).toEqual([2.5, 5.5, 5.5, 12.5]);
    expect(round(await gram(f, { normalize: 10 }).data())).toEqual([0.5, 1.1, 1.1, 2.5]);
  });

  test("split over K: the same bits on every run, forward and backward", async () => {
    const once = async () => {
      const x = rand([2, 70, 41, 39], 3).requiresGrad_();
      const g = gram(x, { normalize: "chw" });
      sum(g.mul(rand([2, 70, 70], 4))).backward();
      return [await bits(g), await bits(x.grad!)];
    };
    const [a, b] = [await once(), await once()];
    expect(b[0]).toEqual(a[0]);
    expect(b[1]).toEqual(a[1]);
  });

  test("matches the oracle at a VGG-like shape (split, several tiles)", async () => {
    const data = sample({ shape: [1, 130, 30, 30] }, 8);
    const gpu = gram(tensor(data, { shape: [1, 130, 30, 30] }));
    const cpu = gram(tensor(data, { shape: [1, 130, 30, 30], backend: "cpu" }));
    const r = closeness(await gpu.data(), await cpu.data64(), { rtol: 1e-4, atol: 1e-4 });
    expect(r.ok, r.detail).toBe(true);
  });

  test("rank 2 is a ShapeError", () => {
    expect(() => gram(ones([3, 4]))).toThrow(/gram: expects \[N, C, …spatial\].*\[3, 4\]/);
  });
});

describe("dropout", () => {
  test("the mask is uniformAt(key, i) ≥ p, identical on both backends", async () => {
    const p = 0.3;
    const masks = await Promise.all(
      BACKENDS.map(async (backend) =>
        Array.from(await dropout(ones([5, 1000], { backend }), { p, seed: 42 }).data(), (v) =>
          v !== 0 ? 1 : 0,
        ),
      ),
    );
    expect(masks[0]).toEqual(masks[1]);
    const key = drawKey(42);
    expect(masks[0]).toEqual(masks[0].map((_, i) => (uniformAt(key, i) >= p ? 1 : 0)));
    const kept = masks[0].reduce((a: number, b) => a + b, 0) / masks[0].length;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.02);
  });

  test("kept values are scaled by 1/(1-p); the gradient uses the same mask", async () => {
    const x = ones([4, 300], { requiresGrad: true });
    const out = dropout(x, { p: 0.25, seed: 7 });
    sum(out).backward();
    const [o, g] = [await out.data(), await x.grad!.data()];
    expect(new Set(round(o))).toEqual(new Set([0, 1.3333]));
    expect(Array.from(g)).toEqual(Array.from(o));
  });

  test("the same seed repeats, another differs, unseeded draws follow manualSeed", async () => {
    const x = ones([1000]);
    const a = await dropout(x, { seed: 1 }).data();
    expect(Array.from(await dropout(x, { seed: 1 }).data())).toEqual(Array.from(a));
    expect(Array.from(await dropout(x, { seed: 2 }).data())).not.toEqual(Array.from(a));
    manualSeed(5);
    const u = await dropout(x).data();
    manualSeed(5);
    expect(Array.from(await dropout(x).data())).toEqual(Array.from(u));
  });

  test("eval mode and p = 0 return the input; p = 1 gives zeros", async () => {
    const x = rand([3, 4], 1);
    expect(dropout(x, { training: false })).toBe(x);
    expect(dropout(x, { p: 0 })).toBe(x);
    // x·0, as PyTorch computes it (so negative inputs give -0)
    expect(Array.from(await dropout(x, { p: 1 }).data(), (v) => v === 0)).toEqual(
      Array(12).fill(true),
    );
    expect(() => dropout(x, { p: 1.5 })).toThrow(/dropout: p must be in \[0, 1\]/);
  });
});

describe.each(BACKENDS)("resize2d as F.interpolate (%s)", (backend) => {
  const x = () => tensor([1, 2, 3, 4], { shape: [1, 1, 2, 2], backend });
  test("bilinear 2×2 → 4×4", async () => {
    expect(round(await resize2d(x(), 4).data())).toEqual([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]);
  });
  test("bilinear 2×2 → 4×4, align corners", async () => {
    expect(round(await resize2d(x(), 4, { alignCorners: true }).data())).toEqual([
      1, 1.3333, 1.6667, 2, 1.6667, 2, 2.3333, 2.6667, 2.3333, 2.6667, 3, 3.3333, 3, 3.3333, 3.6667,
      4,
    ]);
  });
  test("nearest up (2 → 3) and down (4 → 2)", async () => {
    expect(Array.from(await resize2d(x(), 3, { mode: "nearest" }).data())).toEqual([
      1, 1, 2, 1, 1, 2, 3, 3, 4,
    ]);
    const ramp = reshape(arange(0, 16, 1, { backend, dtype: "float32" }), [1, 1, 4, 4]);
    expect(Array.from(await resize2d(ramp, 2, { mode: "nearest" }).data())).toEqual([0, 2, 8, 10]);
  });
  test("bilinear 4 → 2 averages neighbours", async () => {
    const ramp = reshape(arange(0, 4, 1, { backend, dtype: "float32" }), [1, 1, 1, 4]);
    expect(Array.from(await resize2d(ramp, [1, 2]).data())).toEqual([0.5, 2.5]);
  });
  test("alignCorners with nearest is refused", () => {
    expect(() => resize2d(x(), 3, { mode: "nearest", alignCorners: true })).toThrow(/alignCorners/);
  });
});

test("resize2d gradients have the same bits on every run", async () => {
  const once = async () => {
    const x = rand([2, 3, 7, 9], 2).requiresGrad_();
    sum(resize2d(x, [19, 23]).mul(rand([2, 3, 19, 23], 3))).backward();
    return bits(x.grad!);
  };
  expect(await once()).toEqual(await once());
});

describe("roll", () => {
  test.each(BACKENDS)("shifts like torch.roll (%s)", async (backend) => {
    const r = arange(0, 5, 1, { backend, dtype: "float32" });
    expect(Array.from(await roll(r, 2).data())).toEqual([3, 4, 0, 1, 2]);
    expect(Array.from(await roll(r, -1).data())).toEqual([1, 2, 3, 4, 0]);
    expect(Array.from(await roll(r, 7).data())).toEqual([3, 4, 0, 1, 2]);
    const m = reshape(arange(0, 6, 1, { backend, dtype: "float32" }), [2, 3]);
    expect(Array.from(await roll(m, [1, 1], [0, 1]).data())).toEqual([5, 3, 4, 2, 0, 1]);
    expect(Array.from(await roll(m, 1).data())).toEqual([5, 0, 1, 2, 3, 4]);
  });
  checkFunction("roll of NCHW images", (x) => roll(x, [1, -2], [2, 3]), [{ shape: [2, 2, 5, 6] }]);
});

describe("reflect padding of NCHW images", () => {
  test.each(BACKENDS)("mirrors without repeating the edge, per plane (%s)", async (backend) => {
    const x = reshape(arange(0, 10, 1, { backend, dtype: "float32" }), [1, 2, 1, 5]);
    const out = pad(x, [2, 2], { mode: "reflect" });
    expect(out.shape).toEqual([1, 2, 1, 9]);
    expect(Array.from(await out.data())).toEqual([
      2, 1, 0, 1, 2, 3, 4, 3, 2, 7, 6, 5, 6, 7, 8, 9, 8, 7,
    ]);
  });
  checkFunction("pad reflect [2, 2, 1, 3]", (x) => pad(x, [2, 2, 1, 3], { mode: "reflect" }), [
    { shape: [2, 3, 5, 6] },
  ]);
});

describe("gaussianBlur", () => {
  test.each(BACKENDS)("a constant image stays constant (%s)", async (backend) => {
    const out = gaussianBlur(ones([1, 2, 6, 7], { backend }), { sigma: 1.5 });
    expect(round(await out.data())).toEqual(Array(84).fill(1));
  });

  test("an impulse spreads as the product of torchvision's 1-D kernels", async () => {
    const data = new Float32Array(81);
    data[40] = 1;
    const out = await gaussianBlur(tensor(data, { shape: [1, 1, 9, 9] }), {
      sigma: [1, 0.8],
      kernelSize: [5, 3],
    }).data();
    const k1 = (k: number, s: number) => {
      const w = Array.from({ length: k }, (_, i) => Math.exp(-0.5 * ((i - (k - 1) / 2) / s) ** 2));
      const t = w.reduce((a, b) => a + b);
      return w.map((v) => v / t);
    };
    const [wy, wx] = [k1(5, 1), k1(3, 0.8)];
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        expect(out[(4 + dy) * 9 + 4 + dx]).toBeCloseTo(wy[dy + 2] * wx[dx + 1], 6);
      }
    }
    expect(out[4 * 9 + 6]).toBe(0);
  });

  test("a kernel wider than the image is a ShapeError", () => {
    expect(() => gaussianBlur(ones([1, 1, 3, 3]), { sigma: 2 })).toThrow(ShapeError);
    expect(() => gaussianBlur(ones([1, 1, 3, 3]), { sigma: 1, kernelSize: 4 })).toThrow(/odd/);
  });

  checkFunction("gaussianBlur σ [1, 0.7]", (x) => gaussianBlur(x, { sigma: [1, 0.7] }), [
    { shape: [1, 2, 7, 8] },
  ]);
  checkFunction(
    "gaussianBlur of CHW, 3 taps",
    (x: Tensor) => gaussianBlur(x, { sigma: 2, kernelSize: 3 }),
    [{ shape: [3, 5, 4] }],
  );
});
