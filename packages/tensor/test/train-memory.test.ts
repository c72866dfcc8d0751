// A training loop must not leak: 1,000 steps of forward, backward, clipping and an optimizer
// update inside tidy() leave the engine's live tensors, bytes and storages exactly where they
// were after the first steps (once the optimizer's state exists).

import { expect, test } from "vitest";
import { engine, manualSeed, nn, optim, randint, randn, tidy } from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

test("1,000 training steps keep memory flat", async () => {
  manualSeed(42);
  const model = new nn.Sequential(
    new nn.Linear(16, 32),
    new nn.ReLU(),
    new nn.Linear(32, 32),
    new nn.Tanh(),
    new nn.Linear(32, 4),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
  const sched = new optim.StepLR(opt, 100, 0.9);
  const x = randn([8, 16], { seed: 1 });
  const y = randint(0, 4, [8], { seed: 2 });
  const snapshots: { at: number; tensors: number; bytes: number; storages: number }[] = [];
  let first = 0;
  let last = 0;
  for (let i = 1; i <= 1000; i++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = nn.crossEntropy(model.forward(x), y);
      l.backward();
      optim.clipGradNorm_(model.parameters(), 1);
      opt.step();
      return l;
    });
    sched.step();
    if (i === 1 || i % 50 === 0) {
      const v = await loss.item();
      if (i === 1) first = v;
      last = v;
    }
    loss.dispose();
    if (i >= 5 && i % 100 === 5) {
      const { tensors, bytes, storages } = engine.memory();
      snapshots.push({ at: i, tensors, bytes, storages });
    }
  }
  const base = snapshots[0];
  for (const s of snapshots) {
    expect({ ...s, at: base.at }, `after ${s.at} steps`).toEqual(base);
  }
  // It did train: the fixed batch is fitted.
  expect(last).toBeLessThan(first / 4);
  opt.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
});
