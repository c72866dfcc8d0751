// Pooling with PyTorch's semantics, checked on hand-computed cases: output sizes in ceil mode,
// avg_pool2d's divisors, ties and NaN in max pooling; plus determinism and error messages.

import { describe, expect, test } from "vitest";
import {
  adaptiveAvgPool2d,
  arange,
  avgPool2d,
  maxPool2d,
  maxPool2dWithIndices,
  ones,
  reshape,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from "../src/index.ts";
import { pooledLength } from "../src/ops/cnn-pool-shape.ts";
import { bits } from "./cnn-helpers.ts";
import { sample, useBackends } from "./helpers.ts";

useBackends();

const BACKENDS = ["webgpu", "cpu"] as const;
const img = (values: number[], shape: number[], backend: "webgpu" | "cpu") =>
  tensor(values, { shape, backend });
const round = (xs: ArrayLike<number>) => Array.from(xs, (v) => Math.round(v * 1e5) / 1e5);

describe("output sizes as PyTorch computes them", () => {
  test.each([
    // [n, kernel, stride, padding, dilation, ceil, expected]
    [112, 3, 2, 0, 1, false, 55],
    [112, 3, 2, 0, 1, true, 56], // GoogLeNet's ceil-mode pools
    [224, 2, 2, 0, 1, false, 112],
    [6, 3, 2, 0, 1, false, 2],
    [6, 3, 2, 0, 1, true, 3],
    [5, 2, 2, 1, 1, true, 3], // the 4th window would start in the right padding: dropped
    [7, 3, 2, 1, 2, false, 3],
  ])("n=%i k=%i s=%i p=%i d=%i ceil=%s → %i", (n, k, s, p, d, ceil, want) => {
    expect(pooledLength(n, k, s, p, d, ceil)).toBe(want);
  });
});

describe.each(BACKENDS)("max pooling on %s", (backend) => {
  test("2×2 windows of a 4×4 ramp", async () => {
    const x = reshape(arange(0, 16, 1, { backend, dtype: "float32" }), [1, 1, 4, 4]);
    const [v, i] = maxPool2dWithIndices(x, 2);
    expect(Array.from(await v.data())).toEqual([5, 7, 13, 15]);
    expect(Array.from(await i.data())).toEqual([5, 7, 13, 15]);
  });

  test("ties: each window's gradient goes to its first maximum", async () => {
    const x = ones([1, 1, 3, 3], { backend, requiresGrad: true });
    sum(maxPool2d(x, { kernelSize: 2, stride: 1 })).backward();
    // windows start at (0,0), (0,1), (1,0), (1,1): each top-left corner gets one gradient
    expect(Array.from(await x.grad!.data())).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });

  test("a NaN in the window wins", async () => {
    const x = img([1, Number.NaN, 3, 4], [1, 1, 2, 2], backend);
    expect(Number.isNaN((await maxPool2d(x, 2).data())[0])).toBe(true);
  });

  test("padding never wins, even over -inf inputs' neighbours", async () => {
    const x = img([-5, -6, -7, -8], [1, 1, 2, 2], backend);
    const out = maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });
    expect(Array.from(await out.data())).toEqual([-5, -5, -5, -5]);
  });

  test("CHW input (no batch dim)", async () => {
    const x = tensor(sample({ shape: [2, 5, 5] }, 3), { shape: [2, 5, 5], backend });
    expect(maxPool2d(x, 2).shape).toEqual([2, 2, 2]);
  });
});

describe.each(BACKENDS)("average pooling on %s", (backend) => {
  test("count_include_pad divides by the padded window", async () => {
    const x = ones([1, 1, 3, 3], { backend });
    const withPad = avgPool2d(x, { kernelSize: 2, padding: 1 });
    const without = avgPool2d(x, { kernelSize: 2, padding: 1, countIncludePad: false });
    expect(round(await withPad.data())).toEqual([0.25, 0.5, 0.5, 1]);
    expect(round(await without.data())).toEqual([1, 1, 1, 1]);
  });

  test("a ceil-mode window past the padding is divided by its clipped size", async () => {
    // 5 wide, k=2 s=2, ceil: the 3rd window covers column 4 only, and divides by 1, not 2
    const x = ones([1, 1, 5, 5], { backend });
    expect(round(await avgPool2d(x, { kernelSize: 2, ceilMode: true }).data())).toEqual(
      Array(9).fill(1),
    );
    // k=3 s=2 p=1: the last window spans [3, 6) of the padded [-1, 6): 3 counted, 2 real
    const y = avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true });
    const d = await y.data();
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(d[8]).toBeCloseTo(4 / 9, 6);
    expect(d[0]).toBeCloseTo(4 / 9, 6);
    expect(d[4]).toBeCloseTo(1, 6);
  });

  test("divisorOverride", async () => {
    const x = ones([1, 1, 4, 4], { backend });
    expect(round(await avgPool2d(x, { kernelSize: 2, divisorOverride: 3 }).data())).toEqual(
      Array(4).fill(1.33333),
    );
  });

  test("adaptive windows overlap like PyTorch's", async () => {
    // 5 → 3: rows [0,2), [1,4), [3,5)
    const x = reshape(arange(0, 5, 1, { backend, dtype: "float32" }), [1, 1, 1, 5]);
    expect(round(await adaptiveAvgPool2d(x, [1, 3]).data())).toEqual([0.5, 2, 3.5]);
  });
});

describe("determinism: pooling gradients have the same bits on every run", () => {
  const x = () =>
    tensor(sample({ shape: [2, 3, 17, 19] }, 5), { shape: [2, 3, 17, 19], requiresGrad: true });
  const runs: [string, (t: Tensor) => Tensor][] = [
    ["maxPool2d 3×3 stride 1", (t) => maxPool2d(t, { kernelSize: 3, stride: 1, padding: 1 })],
    [
      "avgPool2d 3×3 stride 2 ceil",
      (t) => avgPool2d(t, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }),
    ],
    ["adaptiveAvgPool2d 5×7", (t) => adaptiveAvgPool2d(t, [5, 7])],
  ];
  test.each(runs)("%s", async (_, f) => {
    const grads: Uint32Array[] = [];
    for (let run = 0; run < 2; run++) {
      const t = x();
      const out = f(t);
      sum(out.mul(tensor(sample({ shape: out.shape }, 9), { shape: out.shape }))).backward();
      grads.push(await bits(t.grad!));
    }
    expect(grads[1]).toEqual(grads[0]);
  });
});

describe("bad input is a ShapeError naming the op and the shapes", () => {
  const x = () => ones([1, 2, 4, 4]);
  test.each([
    [
      "window larger than the input",
      () => maxPool2d(x(), 5),
      /maxPool2d: .*output would be 0×0.*\[1, 2, 4, 4\]/,
    ],
    [
      "kernel 0",
      () => maxPool2d(x(), 0),
      /maxPool2d: kernelSize must be an integer ≥ 1.*\[1, 2, 4, 4\]/,
    ],
    [
      "stride 0",
      () => avgPool2d(x(), { kernelSize: 2, stride: 0 }),
      /avgPool2d: stride must be .*\[1, 2, 4, 4\]/,
    ],
    [
      "padding over half the kernel",
      () => maxPool2d(x(), { kernelSize: 2, padding: 2 }),
      /maxPool2d: padding \[2,2\] must be/,
    ],
    ["rank 2", () => maxPool2d(ones([4, 4]), 2), /maxPool2d: expects an NCHW .* \(got \[4, 4\]\)/],
    ["rank 5", () => avgPool2d(ones([1, 1, 1, 4, 4]), 2), /avgPool2d: expects an NCHW/],
    ["adaptive size 0", () => adaptiveAvgPool2d(x(), 0), /adaptiveAvgPool2d: outputSize must be/],
  ])("%s", (_, f, message) => {
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(message);
  });
});
