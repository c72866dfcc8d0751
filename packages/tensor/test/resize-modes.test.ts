// resize2d's sampling modes as F.interpolate names them, against two oracles: TensorFlow.js
// (CPU backend) for what it has — bilinear with align_corners or half-pixel centres, and
// nearest with half-pixel centres (PyTorch's "nearest-exact") — values and gradients; and for
// bicubic (a = −0.75, which TF.js lacks), PyTorch's definition written here as two 1-D
// interpolation matrices, out = Mh · X · Mwᵀ, a different formulation from the cpu oracle's.

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, test } from "vitest";
import { type ResizeOptions, resize2d, sum, tensor } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();
beforeAll(async () => {
  await tf.setBackend("cpu");
});

const BACKENDS = ["webgpu", "cpu"] as const;
const toNhwc = (data: Float32Array, s: readonly number[]) =>
  tf.transpose(tf.tensor4d(data, s as [number, number, number, number]), [0, 2, 3, 1]);
const fromNhwc = async (t: tf.Tensor) =>
  (await tf.transpose(t, [0, 3, 1, 2]).data()) as Float32Array;

interface TfCase {
  label: string;
  shape: [number, number, number, number];
  size: [number, number];
  opts: ResizeOptions;
  tf: (x: tf.Tensor4D, size: [number, number]) => tf.Tensor4D;
}

const bilinear =
  (alignCorners: boolean, halfPixelCenters: boolean) => (x: tf.Tensor4D, s: [number, number]) =>
    tf.image.resizeBilinear(x, s, alignCorners, halfPixelCenters);
const nearestExact = (x: tf.Tensor4D, s: [number, number]) =>
  tf.image.resizeNearestNeighbor(x, s, false, true);

const TF_CASES: TfCase[] = [
  {
    label: "bilinear align corners, up",
    shape: [1, 2, 4, 5],
    size: [7, 9],
    opts: { alignCorners: true },
    tf: bilinear(true, false),
  },
  {
    label: "bilinear align corners, down",
    shape: [2, 1, 9, 8],
    size: [4, 3],
    opts: { alignCorners: true },
    tf: bilinear(true, false),
  },
  {
    label: "bilinear half-pixel, up",
    shape: [1, 2, 4, 5],
    size: [7, 9],
    opts: {},
    tf: bilinear(false, true),
  },
  {
    label: "bilinear half-pixel, down",
    shape: [2, 1, 9, 8],
    size: [4, 3],
    opts: {},
    tf: bilinear(false, true),
  },
  {
    label: "nearest-exact, up",
    shape: [1, 2, 4, 5],
    size: [7, 11],
    opts: { mode: "nearest-exact" },
    tf: nearestExact,
  },
  {
    label: "nearest-exact, down",
    shape: [2, 1, 9, 8],
    size: [4, 3],
    opts: { mode: "nearest-exact" },
    tf: nearestExact,
  },
];

describe.each(TF_CASES)("$label vs TensorFlow.js", (c) => {
  const data = sample({ shape: c.shape }, 17) as Float32Array;

  test.each(BACKENDS)("values (%s)", async (backend) => {
    const want = await fromNhwc(c.tf(toNhwc(data, c.shape) as tf.Tensor4D, c.size));
    const out = resize2d(tensor(data, { shape: c.shape, backend }), c.size, c.opts);
    const r = closeness(await out.data(), want, { rtol: 1e-5, atol: 1e-5 });
    expect(r.ok, r.detail).toBe(true);
  });
});

// Gradients against TF.js only where its gradient agrees with its own forward: in
// @tensorflow/tfjs 4.22 (CPU) resizeBilinear's gradient throws on non-square images ("the
// gradient of input 'images' has shape 1,5,4,2 … the input 1,4,5,2"), and the gradients of
// resizeBilinear and resizeNearestNeighbor differ from ours with halfPixelCenters although the
// values agree — ours match finite differences of the forward (ops.test.ts checks every mode's
// gradient that way), so TF.js's backward does not follow its half-pixel forward.
const SQUARE: TfCase[] = [
  {
    label: "bilinear align corners, 5² → 8²",
    shape: [1, 2, 5, 5],
    size: [8, 8],
    opts: { alignCorners: true },
    tf: bilinear(true, false),
  },
  {
    label: "bilinear align corners, 9² → 4²",
    shape: [2, 1, 9, 9],
    size: [4, 4],
    opts: { alignCorners: true },
    tf: bilinear(true, false),
  },
];

describe.each(SQUARE)("$label: gradients vs TensorFlow.js", (c) => {
  const data = sample({ shape: c.shape }, 17) as Float32Array;
  const wShape = [c.shape[0], c.shape[1], ...c.size];
  const w = sample({ shape: wShape }, 23) as Float32Array;

  test.each(BACKENDS)("%s", async (backend) => {
    const loss = (x: tf.Tensor) =>
      tf.sum(tf.mul(c.tf(x as tf.Tensor4D, c.size), toNhwc(w, wShape)));
    const want = await fromNhwc(tf.grad(loss)(toNhwc(data, c.shape)));
    const x = tensor(data, { shape: c.shape, backend, requiresGrad: true });
    sum(resize2d(x, c.size, c.opts).mul(tensor(w, { shape: wShape, backend }))).backward();
    const r = closeness(await x.grad!.data(), want, { rtol: 1e-5, atol: 1e-5 });
    expect(r.ok, r.detail).toBe(true);
  });
});

/** PyTorch's bicubic weights along one dim as a [count, n] matrix (its upsample formulas). */
function cubicMatrix(n: number, count: number, alignCorners: boolean): number[][] {
  const a = -0.75;
  const k = (d: number) => {
    const x = Math.abs(d);
    if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
    return x < 2 ? a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a : 0;
  };
  return Array.from({ length: count }, (_, o) => {
    const src = alignCorners
      ? count > 1
        ? (o * (n - 1)) / (count - 1)
        : 0
      : ((o + 0.5) * n) / count - 0.5;
    const row = new Array<number>(n).fill(0);
    const base = Math.floor(src);
    // four neighbours; the ones beyond an edge read the edge pixel
    for (let j = base - 1; j <= base + 2; j++) row[Math.min(Math.max(j, 0), n - 1)] += k(src - j);
    return row;
  });
}

/** out[n, c] = Mh · x[n, c] · Mwᵀ, in float64. */
function bicubicExpected(x: ArrayLike<number>, s: number[], size: number[], corners: boolean) {
  const [N, C, H, W] = s;
  const [oh, ow] = size;
  const mh = cubicMatrix(H, oh, corners);
  const mw = cubicMatrix(W, ow, corners);
  const out: number[] = [];
  for (let p = 0; p < N * C; p++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let acc = 0;
        for (let y = 0; y < H; y++)
          for (let z = 0; z < W; z++) acc += mh[i][y] * mw[j][z] * x[p * H * W + y * W + z];
        out.push(acc);
      }
  return out;
}

describe.each(BACKENDS)("bicubic against PyTorch's definition (%s)", (backend) => {
  test.each([
    { shape: [1, 2, 4, 5], size: [7, 9], corners: false },
    { shape: [2, 1, 9, 8], size: [4, 3], corners: false },
    { shape: [1, 2, 4, 5], size: [7, 9], corners: true },
    { shape: [1, 1, 3, 2], size: [1, 5], corners: true },
  ])("$shape → $size, alignCorners $corners", async ({ shape, size, corners }) => {
    const data = sample({ shape }, 5);
    const out = resize2d(tensor(data, { shape, backend }), size as [number, number], {
      mode: "bicubic",
      alignCorners: corners,
    });
    const r = closeness(await out.data(), bicubicExpected(data, shape, size, corners), {
      rtol: 1e-5,
      atol: 1e-5,
    });
    expect(r.ok, r.detail).toBe(true);
  });

  test("a step overshoots (cubic, not linear), and aligned grid points are kept exactly", async () => {
    const step = tensor([0, 0, 1, 1], { shape: [1, 1, 1, 4], backend });
    const up = Array.from(
      await resize2d(step, [1, 13], { mode: "bicubic", alignCorners: true }).data(),
    );
    expect(Math.min(...up)).toBeLessThan(0);
    expect(Math.max(...up)).toBeGreaterThan(1);
    // 4 → 13 with corners aligned: every 4th output sits on an input pixel
    expect([up[0], up[4], up[8], up[12]].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([
      0, 0, 1, 1,
    ]);
  });
});

test("resize2d names the modes it knows", () => {
  const x = tensor([[[[1, 2]]]], { backend: "cpu" });
  expect(() => resize2d(x, 3, { mode: "area" as never })).toThrow(
    /unknown mode "area" \(use bilinear, bicubic, nearest, nearest-exact\)/,
  );
  expect(() => resize2d(x, 3, { mode: "nearest-exact", alignCorners: true })).toThrow(
    /alignCorners only applies to modes "bilinear" and "bicubic"/,
  );
});
