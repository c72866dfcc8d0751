// Batch norm: normalisation with batch statistics, the running-average updates against values
// computed by hand, eval mode, and exact gradients (finite differences, webgpu vs cpu).

import { describe, expect, test } from "vitest";
import {
  batchNorm,
  engine,
  ones,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from "../src/index.ts";
import { checkFunction } from "./cnn-helpers.ts";
import { useBackends } from "./helpers.ts";

useBackends();

// x[n, c, 0, w]: channel 0 holds 1, 2, 3, 4 and channel 1 holds 0, 0, 0, 4
const X = [1, 2, 0, 0, 3, 4, 0, 4];
const SHAPE = [2, 2, 1, 2];

describe.each(["webgpu", "cpu"] as const)("batchNorm on %s", (backend) => {
  const x = () => tensor(X, { shape: SHAPE, backend });

  test("training: batch statistics, and PyTorch's running-average update", async () => {
    const rm = zeros([2], { backend });
    const rv = ones([2], { backend });
    const out = batchNorm(x(), rm, rv, null, null, { training: true, momentum: 0.1, eps: 0 });
    // channel 0: mean 2.5, biased var 1.25, unbiased 5/3; channel 1: mean 1, var 3, unbiased 4
    const z0 = [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25));
    const z1 = [0, 0, 0, 4].map((v) => (v - 1) / Math.sqrt(3));
    const want = [z0[0], z0[1], z1[0], z1[1], z0[2], z0[3], z1[2], z1[3]];
    for (const [i, v] of (await out.data()).entries()) expect(v).toBeCloseTo(want[i], 5);
    const [m1, v1] = [await rm.data(), await rv.data()];
    expect(m1[0]).toBeCloseTo(0.25, 6);
    expect(m1[1]).toBeCloseTo(0.1, 6);
    expect(v1[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 6);
    expect(v1[1]).toBeCloseTo(0.9 + 0.1 * 4, 6);
    // a second step moves them again from where they are
    batchNorm(x(), rm, rv, null, null, { training: true, momentum: 0.5 });
    const [m2, v2] = [await rm.data(), await rv.data()];
    expect(m2[0]).toBeCloseTo(0.5 * 0.25 + 0.5 * 2.5, 6);
    expect(v2[1]).toBeCloseTo(0.5 * 1.3 + 0.5 * 4, 6);
    expect(rm.requiresGrad || rv.requiresGrad).toBe(false);
  });

  test("eval: the running statistics, weight and bias", async () => {
    const rm = tensor([1, -1], { backend });
    const rv = tensor([4, 0.25], { backend });
    const w = tensor([2, 3], { backend });
    const b = tensor([0.5, -0.5], { backend });
    const out = await batchNorm(x(), rm, rv, w, b, { eps: 0 }).data();
    const want = X.map((v, i) => {
      const c = Math.floor(i / 2) % 2;
      return c === 0 ? ((v - 1) / 2) * 2 + 0.5 : ((v + 1) / 0.5) * 3 - 0.5;
    });
    for (const [i, v] of out.entries()) expect(v).toBeCloseTo(want[i], 5);
    expect(Array.from(await rm.data())).toEqual([1, -1]);
  });

  test("training without running statistics; gradients reach weight and bias only", async () => {
    const w = ones([2], { backend, requiresGrad: true });
    const b = zeros([2], { backend, requiresGrad: true });
    const rm = zeros([2], { backend });
    sum(
      batchNorm(x(), rm, ones([2], { backend }), w, b, { training: true }).mul(
        tensor(X, { shape: SHAPE, backend }),
      ),
    ).backward();
    expect(w.grad).not.toBeNull();
    expect(b.grad).not.toBeNull();
    expect(rm.grad).toBeNull();
    const out = batchNorm(x(), null, null, null, null, { training: true });
    expect(out.shape).toEqual(SHAPE);
  });
});

test("a training step frees every temporary: only the running buffers change memory", async () => {
  const x = tensor(X, { shape: SHAPE });
  const rm = zeros([2]);
  const rv = ones([2]);
  batchNorm(x, rm, rv, null, null, { training: true }).dispose(); // materialises rm, rv once
  const before = engine.memory();
  for (let i = 0; i < 3; i++) {
    tidy(() => {
      batchNorm(x, rm, rv, null, null, { training: true });
    });
  }
  await rm.data();
  const after = engine.memory();
  expect(after.storages).toBe(before.storages);
  expect(after.tensors).toBe(before.tensors);
});

test("one value per channel cannot be normalised in training", () => {
  expect(() =>
    batchNorm(ones([1, 3]), zeros([3]), ones([3]), null, null, { training: true }),
  ).toThrow(ShapeError);
  expect(() => batchNorm(ones([2, 3, 4]), zeros([4]), ones([4]))).toThrow(
    /batchNorm: runningMean must have shape \[3\]/,
  );
});

const fresh = (x: Tensor) =>
  [zeros([x.shape[1]], { like: x }), ones([x.shape[1]], { like: x })] as const;
checkFunction(
  "batchNorm training, weight and bias",
  (x, w, b) => batchNorm(x, ...fresh(x), w, b, { training: true }),
  [{ shape: [3, 4, 5, 2] }, { shape: [4] }, { shape: [4] }],
);
checkFunction(
  "batchNorm training on [N, C]",
  (x) => batchNorm(x, null, null, null, null, { training: true }),
  [{ shape: [6, 3] }],
);
checkFunction(
  "batchNorm eval",
  (x, rm, rv, w) => batchNorm(x, rm, rv.abs(), w, null),
  [{ shape: [2, 3, 4, 4] }, { shape: [3] }, { shape: [3], domain: "positive" }, { shape: [3] }],
  { noGrad: [1, 2] },
);
