// The toy GAN trainer on WebGPU (lavapipe here), deterministic: a seed reproduces a run bit for
// bit, a step is one command buffer, the unrolled look-ahead is undone, WGAN's clip holds, every
// loss and optimizer trains; and the lab's two claims on the ring of 8 Gaussians (σ = 0.1):
// the non-saturating GAN collapses onto ≤ 2 modes and hops between them, WGAN-GP covers ≥ 7.

import { engine } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import {
  drawnData,
  GAN_LOSSES,
  OPTIMIZERS,
  ToyGan,
  type ToyGanConfig,
  toyData,
  trainToy,
} from "../src/index.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

type Config = ConstructorParameters<typeof ToyGan>[0];
const tiny: Partial<ToyGanConfig> = {
  batch: 16,
  g: { depth: 1, width: 8, activation: "relu" },
  d: { depth: 1, width: 8, activation: "relu" },
};

async function run(config: Config, steps: number) {
  const gan = new ToyGan(config);
  for (let i = 0; i < steps; i++) gan.step();
  const samples = await gan.samples(64);
  const d = await Promise.all(gan.d.parameters().map((p) => p.data()));
  const g = await Promise.all(gan.g.parameters().map((p) => p.data()));
  const m = await gan.metrics(64);
  gan.dispose();
  return { samples, d, g, m };
}

const submits = () => (engine.backend("webgpu") as unknown as { submits: number }).submits;

describe("toy GAN trainer", () => {
  it("reproduces a run bit for bit from its seed; another seed differs", async () => {
    const c: Config = { ...tiny, data: "ring8", loss: "wgan-gp", seed: 3, dSteps: 2 };
    const a = await run(c, 4);
    const b = await run(c, 4);
    expect(b.samples).toEqual(a.samples);
    expect([b.m.dLoss, b.m.gLoss]).toEqual([a.m.dLoss, a.m.gLoss]);
    const other = await run({ ...c, seed: 4 }, 4);
    expect(other.samples).not.toEqual(a.samples);
  });

  it("records one step as one command buffer, and leaks nothing", async () => {
    const gan = new ToyGan({ ...tiny, data: "ring8", loss: "ns", unroll: 2, dSteps: 2 });
    gan.step(); // first step: pipelines compile
    await gan.metrics(16);
    const before = submits();
    gan.step();
    expect(submits() - before).toBe(1);
    // Steady state: a step leaves no tensor or byte behind.
    await gan.sync();
    const live = engine.memory();
    gan.step();
    await gan.sync();
    expect(engine.memory().tensors).toBe(live.tensors);
    expect(engine.memory().bytes).toBe(live.bytes);
    gan.dispose();
  });

  it("undoes the unrolled look-ahead: D ends where it would without unrolling, G does not", async () => {
    const c: Config = { ...tiny, data: "ring8", loss: "ns", seed: 5 };
    const plain = await run(c, 1);
    const unrolled = await run({ ...c, unroll: 3 }, 1);
    expect(unrolled.d).toEqual(plain.d);
    expect(unrolled.g).not.toEqual(plain.g);
  });

  it("keeps WGAN's weights within the clip", async () => {
    const { d } = await run({ ...tiny, data: "moons", loss: "wgan", clip: 0.05 }, 2);
    for (const w of d) for (const v of w) expect(Math.abs(v)).toBeLessThanOrEqual(0.05 + 1e-7);
  });

  it("trains with every loss and optimizer to finite losses", async () => {
    for (const loss of GAN_LOSSES) {
      const { m } = await run({ ...tiny, data: "grid25", loss }, 2);
      expect(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss), loss).toBe(true);
    }
    const drawn = drawnData([
      [0, 0],
      [1, -1],
    ]);
    expect(drawn.modes).toEqual([
      [0, 0],
      [1, -1],
    ]);
    const { m: dm } = await run({ ...tiny, data: drawn, loss: "ns" }, 2);
    expect(Number.isFinite(dm.dLoss) && dm.hits.length === 2).toBe(true);
    for (const kind of OPTIMIZERS) {
      const opt = { kind, lr: 0.01 };
      const { m } = await run({ ...tiny, data: "swissroll", loss: "ls", gOpt: opt, dOpt: opt }, 2);
      expect(Number.isFinite(m.dLoss) && Number.isFinite(m.gLoss), kind).toBe(true);
    }
  });

  it("rejects bad settings in one line", () => {
    const bad: [Partial<Config>, RegExp][] = [
      [{ loss: "gan" as never }, /loss "gan" is not one of minimax/],
      [{ batch: 0 }, /batch 0 must be an integer in \[1, 65536\]/],
      [{ dSteps: 1.5 }, /dSteps 1.5/],
      [{ g: { depth: 0, width: 8, activation: "relu" } }, /g: depth 0/],
      [{ dOpt: { kind: "lbfgs" as never, lr: 1 } }, /dOpt.kind "lbfgs"/],
    ];
    for (const [c, msg] of bad) {
      expect(() => new ToyGan({ data: "ring8", loss: "ns", ...c })).toThrow(msg);
    }
    expect(() => toyData("ring9" as never)).toThrow(/"ring9" is not one of ring8/);
    expect(() => drawnData([])).toThrow(/got 0 points; draw between 1 and 1000/);
    expect(() => drawnData([[0, Number.NaN]])).toThrow(/point 0 is not two finite numbers/);
  });
});

describe("mode collapse and its fix on the ring of 8 (σ = 0.1, seed 1)", () => {
  it("non-saturating GAN: never more than 2 modes covered, and the covered mode hops", async () => {
    const gan = new ToyGan({ data: toyData("ring8", { std: 0.1 }), loss: "ns", seed: 1 });
    const records = await trainToy(gan, { steps: 300, evalEvery: 50 });
    gan.dispose();
    console.log(`ns: ${records.map((r) => `${r.step}: ${r.hits.join(",")}`).join(" | ")}`);
    expect(Math.max(...records.map((r) => r.covered))).toBeLessThanOrEqual(2);
    // The most-hit mode of each record where some mode is covered: it keeps changing.
    const top = records
      .filter((r) => r.covered > 0)
      .map((r) => r.hits.indexOf(Math.max(...r.hits)));
    const hops = top.filter((k, i) => i > 0 && k !== top[i - 1]).length;
    expect(hops).toBeGreaterThanOrEqual(2);
  }, 600_000);

  // The cheapest setting found that shows the fix on lavapipe: 5 critic steps per generator
  // step, batch 64, Adam 2e-3 with β = (0.5, 0.9). Measured (seed 1): 5/8 modes at step 200,
  // 8/8 at 250 (3 critic steps, or 4, or lr 3e-3, did not cover 7 by step 250).
  it("WGAN-GP (5 critic steps) covers at least 7 of the 8 modes by step 250", async () => {
    const adam = { kind: "adam" as const, lr: 2e-3, beta1: 0.5, beta2: 0.9 };
    const gan = new ToyGan({
      data: toyData("ring8", { std: 0.1 }),
      loss: "wgan-gp",
      seed: 1,
      batch: 64,
      dSteps: 5,
      gOpt: adam,
      dOpt: adam,
    });
    const [r] = await trainToy(gan, { steps: 250, evalEvery: 250 });
    gan.dispose();
    console.log(`wgan-gp at step ${r.step}: ${r.hits.join(",")} (${r.covered}/8 covered)`);
    expect(r.step).toBe(250);
    expect(r.covered).toBeGreaterThanOrEqual(7);
  }, 600_000); // about 40 s of CPU; minutes of wall time on a shared, loaded VM
});
