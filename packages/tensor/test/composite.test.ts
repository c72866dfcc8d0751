// Functions composed from table ops: softmax, logSoftmax, logsumexp, mean, variance, std,
// oneHot, clamp, stack, flip, narrow, squeeze, flatten, 1-D matmul — against the oracle and
// against numbers worked out by hand.

import { describe, expect, test } from "vitest";
import * as F from "../src/index.ts";
import { type Tensor, tensor } from "../src/index.ts";
import { both, closeness, useBackends } from "./helpers.ts";

useBackends();

const cases: [string, number[][], (...x: Tensor[]) => Tensor][] = [
  ["softmax", [[3, 70]], (x) => F.softmax(x, -1)],
  ["softmax dim 0", [[5, 4]], (x) => F.softmax(x.mul(10), 0)],
  ["logSoftmax", [[2, 3, 9]], (x) => F.logSoftmax(x, 1)],
  ["logsumexp", [[4, 300]], (x) => F.logsumexp(x.mul(30), 1)],
  ["mean", [[3, 5, 7]], (x) => F.mean(x, [0, 2], true)],
  ["variance", [[6, 130]], (x) => F.variance(x, 1)],
  ["variance biased", [[6, 13]], (x) => F.variance(x, undefined, { correction: 0 })],
  ["std", [[4, 9]], (x) => F.std(x, 0, { keepdim: true })],
  ["clamp", [[50]], (x) => F.clamp(x, -0.5, 0.7)],
  [
    "stack",
    [
      [2, 3],
      [2, 3],
    ],
    (a, b) => F.stack([a, b], 1),
  ],
  ["flip", [[3, 4, 5]], (x) => F.flip(x, [0, 2])],
  ["narrow", [[6, 7]], (x) => F.narrow(x, 1, 2, 3)],
  ["python slice", [[6, 7]], (x) => F.slice(x, [-3, null], [null, -2], [1, 2])],
  ["squeeze/unsqueeze", [[3, 1, 4]], (x) => F.unsqueeze(F.squeeze(x), 0)],
  ["flatten", [[2, 3, 4]], (x) => F.flatten(x, 1)],
  ["vector @ matrix", [[5], [5, 3]], (a, b) => F.matmul(a, b)],
  ["vector @ vector", [[5], [5]], (a, b) => F.matmul(a, b)],
  ["transpose then reshape", [[4, 6]], (x) => x.T.reshape(3, 8)],
];

describe.each(cases)("%s", (_name, shapes, fn) => {
  test("webgpu matches the oracle, values and gradients", async () => {
    const ins = shapes.map((shape, i) => both({ shape }, 1000 + i, true));
    const g = fn(...ins.map((i) => i.gpu));
    const c = fn(...ins.map((i) => i.cpu));
    expect(g.shape).toEqual(c.shape);
    const r = closeness(await g.data(), await c.data64(), { rtol: 1e-4, atol: 1e-5 });
    expect(r.ok, r.detail).toBe(true);
    F.sum(F.mul(g, g)).backward();
    F.sum(F.mul(c, c)).backward();
    for (const i of ins) {
      const rg = closeness(await i.gpu.grad!.data(), await i.cpu.grad!.data64(), {
        rtol: 1e-3,
        atol: 1e-4,
      });
      expect(rg.ok, rg.detail).toBe(true);
    }
  });
});

test("softmax by hand, and extremes that would overflow a naive exp", async () => {
  const s = F.softmax(
    tensor([
      [1, 2, 3],
      [1000, 1000, -1000],
    ]),
    1,
  );
  const d = await s.data();
  const e = [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2));
  expect(closeness(d, [...e, 0.5, 0.5, 0]).ok).toBe(true);
});

test("oneHot and argmax agree", async () => {
  const labels = tensor(new Int32Array([2, 0, 3]), { shape: [3] });
  const oh = F.oneHot(labels, 4);
  expect(oh.dtype).toBe("float32");
  expect(Array.from(await oh.data())).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
  expect(Array.from(await F.argmax(oh, 1).data())).toEqual([2, 0, 3]);
});

test("variance of a constant is 0 and mean of an empty dim is NaN, as in PyTorch", async () => {
  expect(await F.variance(F.full([7], 3)).item()).toBe(0);
  expect(Number.isNaN(await F.mean(F.zeros([0])).item())).toBe(true);
});

test("seeded random draws repeat and match across backends", async () => {
  const a = Array.from(await F.randn([1000], { seed: 7 }).data());
  const b = await F.randn([1000], { seed: 7, backend: "cpu" }).data();
  expect(a).toEqual(Array.from(b));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  expect(Math.abs(mean)).toBeLessThan(0.1);
  expect(Math.abs(sd - 1)).toBeLessThan(0.1);
  F.manualSeed(1);
  const u1 = await F.rand([5]).data();
  F.manualSeed(1);
  const u2 = await F.rand([5]).data();
  expect(Array.from(u1)).toEqual(Array.from(u2));
  expect(u1.every((v) => v >= 0 && v < 1)).toBe(true);
});
