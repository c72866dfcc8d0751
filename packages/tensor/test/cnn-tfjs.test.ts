// A second, independent oracle for pooling and the Gram matrix: TensorFlow.js on its CPU
// backend (the union package, which registers the gradients). TF.js is NHWC: inputs are
// transposed at the boundary. Its pooling knows only 'valid' and 'same' padding, so the cases
// are the ones PyTorch's arguments can express: 'valid' is padding 0, and 'same' is symmetric
// padding p when the total padding is even (average pooling then excludes the padding:
// countIncludePad false).

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, test } from "vitest";
import { avgPool2d, gram, maxPool2d, mul, sum, type Tensor, tensor } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();
beforeAll(async () => {
  await tf.setBackend("cpu");
});

const toNhwc = (data: Float32Array, shape: readonly number[]) =>
  tf.transpose(tf.tensor4d(data, shape as [number, number, number, number]), [0, 2, 3, 1]);
const fromNhwc = async (t: tf.Tensor) =>
  (await tf.transpose(t, [0, 3, 1, 2]).data()) as Float32Array;

interface PoolCase {
  label: string;
  shape: number[];
  kernel: [number, number];
  stride: [number, number];
  /** TF.js padding, and the PyTorch padding it equals. */
  tfPad: "valid" | "same";
  padding: number;
  dilation?: number;
}

const CASES: PoolCase[] = [
  {
    label: "3×3 stride 2 valid, odd sizes",
    shape: [2, 3, 9, 11],
    kernel: [3, 3],
    stride: [2, 2],
    tfPad: "valid",
    padding: 0,
  },
  {
    label: "2×2 stride 2 valid",
    shape: [1, 4, 8, 6],
    kernel: [2, 2],
    stride: [2, 2],
    tfPad: "valid",
    padding: 0,
  },
  {
    label: "3×2 stride 1×2 valid",
    shape: [2, 2, 7, 9],
    kernel: [3, 2],
    stride: [1, 2],
    tfPad: "valid",
    padding: 0,
  },
  {
    label: "3×3 stride 1 same (pad 1)",
    shape: [1, 2, 7, 7],
    kernel: [3, 3],
    stride: [1, 1],
    tfPad: "same",
    padding: 1,
  },
  {
    label: "3×3 stride 2 same (pad 1)",
    shape: [2, 2, 9, 9],
    kernel: [3, 3],
    stride: [2, 2],
    tfPad: "same",
    padding: 1,
  },
  {
    label: "3×3 dilation 2 valid",
    shape: [1, 3, 10, 9],
    kernel: [3, 3],
    stride: [1, 1],
    tfPad: "valid",
    padding: 0,
    dilation: 2,
  },
];

type Kind = "max" | "avg";

function ours(kind: Kind, c: PoolCase, x: Tensor, countIncludePad = false): Tensor {
  const common = { kernelSize: c.kernel, stride: c.stride, padding: c.padding };
  if (kind === "max") return maxPool2d(x, { ...common, dilation: c.dilation ?? 1 });
  return avgPool2d(x, { ...common, countIncludePad });
}

function theirs(kind: Kind, c: PoolCase, x: tf.Tensor4D): tf.Tensor4D {
  if (c.dilation) return tf.pool(x, c.kernel, kind, c.tfPad, c.dilation, c.stride) as tf.Tensor4D;
  return kind === "max"
    ? tf.maxPool(x, c.kernel, c.stride, c.tfPad)
    : tf.avgPool(x, c.kernel, c.stride, c.tfPad);
}

describe.each(["max", "avg"] as const)("%s pooling vs TensorFlow.js", (kind) => {
  const cases = kind === "avg" ? CASES.filter((c) => !c.dilation) : CASES;
  test.each(cases)("$label: forward and gradient", async (c) => {
    const data = sample({ shape: c.shape }, 21) as Float32Array;
    const x = tensor(data, { shape: c.shape });
    const out = ours(kind, c, x);
    const w = sample({ shape: out.shape }, 22) as Float32Array;
    // TF.js's avgPool gradient divides every window by kh·kw, padding included, although its
    // forward excludes the padding under 'same': that gradient is the adjoint of
    // countIncludePad = true, so that is what it is compared with.
    const xg = tensor(data, { shape: c.shape, requiresGrad: true });
    sum(mul(ours(kind, c, xg, c.tfPad === "same"), tensor(w, { shape: out.shape }))).backward();

    const tx = toNhwc(data, c.shape);
    const tw = toNhwc(w, out.shape);
    const tOut = theirs(kind, c, tx);
    const tGrad = tf.grad((v) => tf.sum(tf.mul(theirs(kind, c, v as tf.Tensor4D), tw)))(tx);

    expect(out.shape).toEqual([tOut.shape[0], tOut.shape[3], tOut.shape[1], tOut.shape[2]]);
    const r = closeness(await out.data(), await fromNhwc(tOut), { rtol: 1e-5, atol: 1e-6 });
    expect(r.ok, r.detail).toBe(true);
    const rg = closeness(await xg.grad!.data(), await fromNhwc(tGrad), { rtol: 1e-5, atol: 1e-6 });
    expect(rg.ok, rg.detail).toBe(true);
  });
});

describe("gram vs TensorFlow.js", () => {
  test.each([
    [[2, 5, 7, 9]],
    [[1, 70, 13, 11]],
    [[1, 3, 70, 70]], // split over K
    [[2, 130, 9, 10]],
  ])("%j: F Fᵀ / (C·H·W) and its gradient", async (shape) => {
    const [n, c] = shape;
    const k = shape[2] * shape[3];
    const data = sample({ shape }, 31) as Float32Array;
    const x = tensor(data, { shape, requiresGrad: true });
    const g = gram(x, { normalize: "chw" });
    const w = sample({ shape: [n, c, c] }, 32) as Float32Array;
    sum(mul(g, tensor(w, { shape: [n, c, c] }))).backward();

    const f = tf.tensor(data, [n, c, k]);
    const tw = tf.tensor(w, [n, c, c]);
    const tGram = (v: tf.Tensor) =>
      tf.div(tf.matMul(v as tf.Tensor3D, v as tf.Tensor3D, false, true), c * k);
    const tGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tGram(v), tw)))(f);
    const tol = { rtol: 1e-4, atol: 1e-5 };
    const r = closeness(await g.data(), (await tGram(f).data()) as Float32Array, tol);
    expect(r.ok, r.detail).toBe(true);
    const rg = closeness(await x.grad!.data(), (await tGrad.data()) as Float32Array, tol);
    expect(rg.ok, rg.detail).toBe(true);
  });
});
