// Convolutions beyond the table cases: clear errors for bad arguments, determinism (the same
// bits on every run, split-K included), the kernel variants (no subgroups, the naive baseline)
// against the float64 oracle, and the fused ReLU against an unfused one.

import { afterEach, describe, expect, test } from "vitest";
import { forwardTuning } from "../src/conv/webgpu/forward.ts";
import { convKernels } from "../src/conv/webgpu/planners.ts";
import { weightGradTuning } from "../src/conv/webgpu/weight-grad.ts";
import {
  conv2d,
  conv2dWeightGrad,
  convTranspose2d,
  engine,
  mul,
  relu,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

const input = (shape: number[], seed: number, backend: "webgpu" | "cpu" = "webgpu") =>
  tensor(sample({ shape }, seed), { shape, backend });

describe("bad arguments are ShapeErrors naming the op and the shapes", () => {
  const x = () => input([1, 4, 6, 6], 1, "cpu");
  const cases: [string, () => unknown, RegExp][] = [
    [
      "channels that do not match the weight",
      () => conv2d(x(), input([2, 3, 3, 3], 2, "cpu")),
      /conv2d: the weight expects 3 input channels.*\[1, 4, 6, 6\] and \[2, 3, 3, 3\]/,
    ],
    [
      "groups that do not divide the channels",
      () => conv2d(x(), input([3, 2, 3, 3], 2, "cpu"), null, { groups: 2 }),
      /conv2d: groups \(2\) must divide both 4 and 3 channels/,
    ],
    [
      "a kernel larger than the padded input",
      () => conv2d(x(), input([2, 4, 9, 3], 2, "cpu"), null, { padding: 1 }),
      /conv2d: the kernel \(9×3 with dilation\) is larger than the padded input \(8×8\)/,
    ],
    [
      "a dilated kernel larger than the input",
      () => conv2d(x(), input([2, 4, 3, 3], 2, "cpu"), null, { dilation: 3 }),
      /larger than the padded input/,
    ],
    [
      "stride 0",
      () => conv2d(x(), input([2, 4, 3, 3], 2, "cpu"), null, { stride: 0 }),
      /conv2d: stride must be an integer ≥ 1/,
    ],
    [
      "a fractional dilation",
      () => conv2d(x(), input([2, 4, 3, 3], 2, "cpu"), null, { dilation: 1.5 }),
      /conv2d: dilation must be an integer ≥ 1/,
    ],
    [
      "negative padding",
      () => conv2d(x(), input([2, 4, 3, 3], 2, "cpu"), null, { padding: [1, -1, 0, 0] }),
      /conv2d: padding must be integers ≥ 0/,
    ],
    [
      '"same" with stride 2',
      () => conv2d(x(), input([2, 4, 3, 3], 2, "cpu"), null, { padding: "same", stride: 2 }),
      /needs stride 1/,
    ],
    [
      "a bias of the wrong size",
      () => conv2d(x(), input([2, 4, 3, 3], 2, "cpu"), input([3], 3, "cpu")),
      /conv2d: the bias needs 2 elements/,
    ],
    [
      "a 3-D input",
      () => conv2d(input([4, 6, 6], 1, "cpu"), input([2, 4, 3, 3], 2, "cpu")),
      /conv2d: input 0 must have rank 4/,
    ],
    [
      "convTranspose2d input channels",
      () => convTranspose2d(x(), input([3, 2, 3, 3], 2, "cpu")),
      /convTranspose2d: the weight expects 3 input channels.*\[1, 4, 6, 6\]/,
    ],
    [
      "convTranspose2d output padding ≥ stride",
      () =>
        convTranspose2d(x(), input([4, 2, 3, 3], 2, "cpu"), null, { stride: 2, outputPadding: 2 }),
      /outputPadding must be smaller than either stride or dilation/,
    ],
    [
      "a weight gradient of the wrong size",
      () => conv2dWeightGrad(x(), input([1, 2, 5, 5], 2, "cpu"), [3, 3]),
      /conv2dWeightGrad: the gradient must be 4×4/,
    ],
  ];
  test.each(cases)("%s", (_, f, message) => {
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(message);
  });
});

const bits = async (t: Tensor) => Array.from(new Uint32Array((await t.data()).buffer));

describe("determinism", () => {
  test("forward and both gradients give the same bits on every run", async () => {
    // 4 images of 40×44: the weight gradient sums its batch in several slices (split-K).
    const x = input([4, 12, 40, 44], 1);
    const w = input([20, 12, 3, 3], 2);
    const g = input([4, 20, 40, 44], 3);
    const run = () => [
      conv2d(x, w, null, { padding: 1 }),
      convTranspose2d(g, w, null, { padding: 1 }),
      conv2dWeightGrad(x, g, [3, 3], { padding: 1 }),
    ];
    const records = await engine.trace(() => conv2dWeightGrad(x, g, [3, 3], { padding: 1 }));
    expect(records.some((r) => /split [2-9]|split \d\d/.test(r.kernel))).toBe(true);
    const first = await Promise.all(run().map(bits));
    for (let i = 0; i < 2; i++) {
      const again = await Promise.all(run().map(bits));
      for (const [k, b] of again.entries()) expect(b).toEqual(first[k]);
    }
  });
});

describe("kernel variants against the oracle", () => {
  afterEach(() => {
    convKernels.naive = false;
    forwardTuning.subgroups = true;
    weightGradTuning.subgroups = true;
  });

  // Both kernels: a plane of 182 pixels (lanes over pixels, conv2d.wgsl) and one of 30 pixels
  // with 150 output channels (lanes over channels, conv2d_small.wgsl), each past its tiles.
  const SHAPES = [
    { x: [2, 6, 27, 25], w: [20, 3, 3, 3], opts: { stride: 2, padding: [1, 2, 0, 1], groups: 2 } },
    { x: [1, 9, 5, 6], w: [150, 9, 3, 3], opts: { stride: 1, padding: [1, 1, 1, 1], groups: 1 } },
  ] as const;

  async function check(setup: () => void) {
    setup();
    for (const s of SHAPES) {
      const o = s.w[0];
      const make = (b: "webgpu" | "cpu") => ({
        x: input([...s.x], 4, b).requiresGrad_(),
        w: input([...s.w], 5, b).requiresGrad_(),
        bias: input([o], 6, b).requiresGrad_(),
      });
      const loss = (v: ReturnType<typeof make>, b: "webgpu" | "cpu") => {
        const opts = {
          ...s.opts,
          padding: [...s.opts.padding] as [number, number, number, number],
        };
        const out = conv2d(v.x, v.w, v.bias, { ...opts, activation: "relu" });
        return sum(mul(out, input([...out.shape], 7, b)));
      };
      const gpu = make("webgpu");
      const cpu = make("cpu");
      const [lg, lc] = [loss(gpu, "webgpu"), loss(cpu, "cpu")];
      lg.backward();
      lc.backward();
      for (const k of ["x", "w", "bias"] as const) {
        const r = closeness(await gpu[k].grad!.data(), await cpu[k].grad!.data64(), {
          rtol: 1e-4,
          atol: 1e-4,
        });
        expect(r.ok, `${s.x} ${k}: ${r.detail}`).toBe(true);
      }
      const r = closeness([await lg.item()], [await lc.item()], { rtol: 1e-4, atol: 1e-3 });
      expect(r.ok, r.detail).toBe(true);
    }
  }

  test("both kernels, with subgroups", async () => {
    await check(() => {});
    const records = await engine.trace(() => [
      conv2d(input([1, 3, 20, 20], 1), input([4, 3, 3, 3], 2)),
      conv2d(input([1, 3, 8, 8], 1), input([4, 3, 3, 3], 2)),
    ]);
    expect(records.some((r) => /^conv2d \d/.test(r.kernel))).toBe(true);
    expect(records.some((r) => r.kernel.startsWith("conv2d small"))).toBe(true);
  });

  test("without subgroups (plain loads instead of broadcasts)", async () => {
    await check(() => {
      forwardTuning.subgroups = false;
      weightGradTuning.subgroups = false;
    });
    const records = await engine.trace(() =>
      conv2d(input([1, 3, 8, 8], 1), input([4, 3, 3, 3], 2)),
    );
    expect(records.some((r) => r.kernel.includes("no subgroups"))).toBe(true);
  });

  test("the naive baseline", async () => {
    await check(() => {
      convKernels.naive = true;
    });
  });
});

test("the fused ReLU equals relu after the conv, and so do its gradients", async () => {
  const x = input([2, 5, 9, 9], 8).requiresGrad_();
  const w = input([7, 5, 3, 3], 9).requiresGrad_();
  const r = input([2, 7, 9, 9], 10);
  sum(mul(conv2d(x, w, null, { padding: 1, activation: "relu" }), r)).backward();
  const fused = [await x.grad!.data(), await w.grad!.data()];
  x.grad = null;
  w.grad = null;
  sum(mul(relu(conv2d(x, w, null, { padding: 1 })), r)).backward();
  const plain = [await x.grad!.data(), await w.grad!.data()];
  for (const [i, f] of fused.entries()) expect(Array.from(f)).toEqual(Array.from(plain[i]));
});
