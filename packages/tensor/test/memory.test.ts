// Lifetimes: scopes free what they made, the buffer pool recycles memory, and a thousand
// training-like steps inside tidy() leave live tensors and bytes flat.

import { expect, test } from "vitest";
import * as F from "../src/index.ts";
import { engine, keep, noGrad, randn, tidy } from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

test("tidy disposes intermediates and keeps what it returns", () => {
  const before = engine.memory().tensors;
  const out = tidy(() => {
    const a = randn([10, 10], { seed: 1 });
    const b = F.exp(a).add(1);
    return { b, list: [F.sum(b)] };
  });
  expect(engine.memory().tensors).toBe(before + 2);
  expect(out.b.disposed).toBe(false);
  out.b.dispose();
  out.list[0].dispose();
  expect(engine.memory().tensors).toBe(before);
});

test("`using` disposes at the end of the block", () => {
  const before = engine.memory().tensors;
  {
    using t = randn([4], { seed: 2 });
    expect(t.disposed).toBe(false);
  }
  expect(engine.memory().tensors).toBe(before);
});

test("tidy rejects async functions", () => {
  expect(() => tidy(async () => 1 as never)).toThrow(/synchronous/);
});

test("1,000 training-like steps in tidy leave memory flat", async () => {
  const w = keep(randn([32, 16], { seed: 3, std: 0.1, requiresGrad: true }));
  const b = keep(F.zeros([16], { requiresGrad: true }));
  const x = keep(randn([64, 32], { seed: 4 }));
  const y = keep(randn([64, 16], { seed: 5 }));
  const step = () =>
    tidy(() => {
      const pred = F.relu(F.add(F.matmul(x, w), b));
      const loss = F.mean(F.square(F.sub(pred, y)));
      loss.backward();
      noGrad(() => {
        for (const p of [w, b]) {
          const next = F.sub(p, F.mul(p.grad!, 0.01));
          engine.realise(next);
          p.replaceExpr(next.expr);
          p.grad!.dispose();
          p.grad = null;
        }
      });
      return loss;
    });
  let first = 0;
  let last = 0;
  let snapshot = engine.memory();
  for (let i = 0; i < 1000; i++) {
    const loss = step();
    if (i === 0) first = await loss.item();
    if (i === 999) last = await loss.item();
    loss.dispose();
    if (i === 9) snapshot = engine.memory();
  }
  const end = engine.memory();
  expect(end.tensors).toBe(snapshot.tensors);
  expect(end.storages).toBe(snapshot.storages);
  expect(end.bytes).toBe(snapshot.bytes);
  expect(last).toBeLessThan(first); // and it did learn
});

test("peakBytes is the high-water mark of live bytes: it stays after the memory is freed", () => {
  const before = engine.memory();
  expect(before.peakBytes).toBeGreaterThanOrEqual(before.bytes);
  // bigger than anything this file has held, so it must raise the mark
  const n = Math.ceil((before.peakBytes - before.bytes) / 4) + (1 << 20);
  const big = F.tensor(new Float32Array(n), { shape: [n] }); // uploaded: allocated now
  const during = engine.memory();
  expect(during.peakBytes).toBeGreaterThanOrEqual(before.bytes + 4 * n);
  big.dispose();
  const after = engine.memory();
  expect(after.bytes).toBeLessThanOrEqual(after.peakBytes - 4 * n);
  expect(after.peakBytes).toBe(during.peakBytes);
});
