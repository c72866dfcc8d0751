// Layers with modes and the pooling wrappers: BatchNorm2d (batch statistics and running
// averages in training, running averages in eval, PyTorch's state dict names), Dropout
// (seeded masks, identity in eval), MaxPool2d / AvgPool2d / AdaptiveAvgPool2d.

import { describe, expect, test } from "vitest";
import { avgPool2d, maxPool2d, nn, type Tensor, tensor, tidy } from "../src/index.ts";
import { sample, useBackends } from "./helpers.ts";

useBackends();

const input = (shape: number[], seed: number) => tensor(sample({ shape }, seed), { shape });
const list = async (t: Tensor) => Array.from(await t.data64());

describe("BatchNorm2d", () => {
  test("state dict names and shapes are PyTorch's", () => {
    const bn = new nn.BatchNorm2d(3);
    expect([...bn.stateDict()].map(([k, t]) => [k, t.shape, t.dtype])).toEqual([
      ["weight", [3], "float32"],
      ["bias", [3], "float32"],
      ["running_mean", [3], "float32"],
      ["running_var", [3], "float32"],
      ["num_batches_tracked", [], "int32"],
    ]);
    expect(bn.parameters().length).toBe(2);
    const bare = new nn.BatchNorm2d(3, { affine: false, trackRunningStats: false });
    expect(bare.stateDict().size).toBe(0);
  });

  test("training normalises with batch statistics and moves the running averages", async () => {
    // channel 0 holds 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1 holds 0s
    const x = tensor([
      [[[1, 2]], [[0, 0]]],
      [[[3, 4]], [[0, 0]]],
    ]);
    const bn = new nn.BatchNorm2d(2, { momentum: 0.5 });
    const out = await list(bn.forward(x));
    const s = Math.sqrt(1.25 + 1e-5);
    const want = [(1 - 2.5) / s, (2 - 2.5) / s, 0, 0, (3 - 2.5) / s, (4 - 2.5) / s, 0, 0];
    for (const [i, v] of out.entries()) expect(v).toBeCloseTo(want[i], 5);
    // r ← 0.5·r + 0.5·batch: mean 0 → 1.25, var 1 → 0.5 + 0.5·5/3
    expect(await list(bn.runningMean!)).toEqual([1.25, 0]);
    const rv = await list(bn.runningVar!);
    expect(rv[0]).toBeCloseTo(0.5 + 5 / 6, 6);
    expect(rv[1]).toBeCloseTo(0.5, 6);
    expect(await bn.numBatchesTracked!.item()).toBe(1);
    // eval uses the running averages and leaves them alone
    bn.eval();
    const e = await list(bn.forward(x));
    expect(e[0]).toBeCloseTo((1 - 1.25) / Math.sqrt(rv[0] + 1e-5), 5);
    expect(await bn.numBatchesTracked!.item()).toBe(1);
  });

  test("gradients reach weight and bias; a wrong channel count is refused", async () => {
    const bn = new nn.BatchNorm2d(4);
    const x = input([3, 4, 5, 2], 1);
    tidy(() =>
      bn
        .forward(x)
        .mul(input([3, 4, 5, 2], 2))
        .sum()
        .backward(),
    );
    expect(bn.weight!.grad!.shape).toEqual([4]);
    expect(bn.bias!.grad!.shape).toEqual([4]);
    expect(() => bn.forward(input([3, 5, 2, 2], 3))).toThrow(/expects \[N, 4, H, W\]/);
  });
});

describe("Dropout", () => {
  test("zeroes about p of the elements, scales the rest, and is the identity in eval", async () => {
    const x = tensor(new Float32Array(4000).fill(1), { shape: [4000] });
    const drop = new nn.Dropout(0.25, 5);
    const a = await list(drop.forward(x));
    const zeros = a.filter((v) => v === 0).length;
    expect(zeros / 4000).toBeGreaterThan(0.22);
    expect(zeros / 4000).toBeLessThan(0.28);
    for (const v of a) if (v !== 0) expect(v).toBeCloseTo(1 / 0.75, 6);
    // a seeded layer draws a new mask per call, and repeats the sequence when rebuilt
    const b = await list(drop.forward(x));
    expect(b).not.toEqual(a);
    expect(await list(new nn.Dropout(0.25, 5).forward(x))).toEqual(a);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(() => new nn.Dropout(1.5)).toThrow(/p must be in \[0, 1\]/);
  });
});

describe("pooling layers", () => {
  test("MaxPool2d and AvgPool2d are the functions with the layer's options", async () => {
    const x = input([2, 3, 7, 6], 4);
    const mp = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    expect(await list(mp.forward(x))).toEqual(
      await list(maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 })),
    );
    const ap = new nn.AvgPool2d(2);
    expect(ap.forward(x).shape).toEqual([2, 3, 3, 3]);
    expect(await list(ap.forward(x))).toEqual(await list(avgPool2d(x, 2)));
    expect(new nn.AdaptiveAvgPool2d([2, 1]).forward(x).shape).toEqual([2, 3, 2, 1]);
    expect(mp.parameters()).toEqual([]);
  });

  test("a VGG-like Sequential names only its weighted layers' tensors", () => {
    const features = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 8, 3, { padding: 1 }),
      new nn.BatchNorm2d(8),
    );
    expect([...features.stateDict().keys()]).toEqual([
      "0.weight",
      "0.bias",
      "3.weight",
      "3.bias",
      "4.weight",
      "4.bias",
      "4.running_mean",
      "4.running_var",
      "4.num_batches_tracked",
    ]);
    expect(features.forward(input([1, 3, 8, 8], 5)).shape).toEqual([1, 8, 4, 4]);
    features.dispose();
  });
});
