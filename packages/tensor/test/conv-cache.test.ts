// Packed conv weights are kept across steps: a second conv with the same weights records no
// packing, a weight replaced through assign() (a new buffer) is packed again, freeing the
// weights drops their packed copies, and the cache stays under its byte budget.

import { describe, expect, test } from "vitest";
import { derivedCacheTuning } from "../src/backend/webgpu/webgpu.ts";
import { conv2d, engine, mul, type Tensor, tensor } from "../src/index.ts";
import { assign } from "../src/nn/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

const make = (shape: number[], seed: number) => {
  const data = sample({ shape }, seed);
  return { gpu: tensor(data, { shape }), cpu: tensor(data, { shape, backend: "cpu" }) };
};
const packs = async (f: () => Tensor) =>
  (await engine.trace(() => [f()])).filter((r) => r.kernel.endsWith(".packWeights")).length;

async function expectClose(a: Tensor, b: Tensor) {
  const r = closeness(await a.data(), await b.data64(), { rtol: 1e-4, atol: 1e-4 });
  expect(r.ok, r.detail).toBe(true);
}

describe("packed conv weights are cached", () => {
  test("packed once, reused, repacked after assign(), dropped with the weights", async () => {
    const before = engine.memory().cachedBytes;
    const x = make([2, 12, 9, 11], 1);
    const w = make([10, 12, 3, 3], 2);
    const f = (side: "gpu" | "cpu") => conv2d(x[side], w[side], null, { padding: 1 });
    expect(await packs(() => f("gpu"))).toBe(1);
    expect(engine.memory().cachedBytes).toBeGreaterThan(before);
    expect(await packs(() => f("gpu"))).toBe(0);
    await expectClose(f("gpu"), f("cpu"));

    const doubled = mul(w.gpu, -2); // assign() realises it and shares its buffer with w
    assign(w.gpu, doubled);
    assign(w.cpu, mul(w.cpu, -2));
    expect(await packs(() => f("gpu"))).toBe(1);
    await expectClose(f("gpu"), f("cpu"));

    w.gpu.dispose();
    doubled.dispose();
    expect(engine.memory().cachedBytes).toBe(before);
  });

  test("the input gradient (transposed, flipped weights) has its own entry, right every step", async () => {
    const w = make([8, 6, 3, 3], 3);
    for (let step = 0; step < 3; step++) {
      const x = make([1, 6, 10, 10], 10 + step);
      for (const t of [x.gpu, x.cpu]) t.requiresGrad_();
      const yg = conv2d(x.gpu, w.gpu, null, { padding: 1 });
      const yc = conv2d(x.cpu, w.cpu, null, { padding: 1 });
      const g = sample({ shape: [1, 8, 10, 10] }, 20 + step);
      yg.backward({ grad: tensor(g, { shape: [1, 8, 10, 10] }) });
      yc.backward({ grad: tensor(g, { shape: [1, 8, 10, 10], backend: "cpu" }) });
      await expectClose(x.gpu.grad!, x.cpu.grad!);
    }
  });

  test("the cache keeps to its budget and evicts the least recently used", async () => {
    const saved = derivedCacheTuning.maxBytes;
    derivedCacheTuning.maxBytes = 64 * 1024;
    try {
      const x = make([1, 16, 8, 8], 4);
      const ws = [5, 6, 7, 8].map((s) => make([32, 16, 3, 3], s)); // ~18–74 KiB packed each
      for (const w of ws) {
        await expectClose(
          conv2d(x.gpu, w.gpu, null, { padding: 1 }),
          conv2d(x.cpu, w.cpu, null, { padding: 1 }),
        );
        expect(engine.memory().cachedBytes).toBeLessThanOrEqual(
          Math.max(derivedCacheTuning.maxBytes, 80 * 1024),
        );
      }
      // The first weights were evicted: packed again, and still right.
      expect(await packs(() => conv2d(x.gpu, ws[0].gpu, null, { padding: 1 }))).toBe(1);
      await expectClose(
        conv2d(x.gpu, ws[0].gpu, null, { padding: 1 }),
        conv2d(x.cpu, ws[0].cpu, null, { padding: 1 }),
      );
    } finally {
      derivedCacheTuning.maxBytes = saved;
    }
  });
});
