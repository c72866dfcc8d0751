// Training loops over the Dcgan trainer, shared by the CLI, the script that trained the shipped
// generators and the demo: run until a step count or a time budget, with a loss record every
// few steps and a fixed-noise sample batch at the end of every epoch.

import { engine, noGrad, randn } from "@sheep/tensor";
import { oneHotRows } from "./nets.ts";
import type { Dcgan, DcganRecord } from "./train.ts";

export interface RunOptions {
  /** Stop after this many generator steps in total (counting steps taken before a resume). */
  steps: number;
  /** Also stop when this much wall time has passed (ms; default: no limit). */
  budgetMs?: number;
  /** Record the losses every this many steps (default 10). */
  logEvery?: number;
  onRecord?: (r: DcganRecord) => void | Promise<void>;
  /** Called after the last step of each epoch, and when the run stops. */
  onEpoch?: (epoch: number, gan: Dcgan) => void | Promise<void>;
  /** Asked before every step: return true to stop (the demo's pause, the CLI's Ctrl-C). */
  stop?: () => boolean;
}

/** Train; returns the loss log. */
export async function runDcgan(gan: Dcgan, o: RunOptions): Promise<DcganRecord[]> {
  if (!Number.isInteger(o.steps) || o.steps < 0) {
    throw new Error(`runDcgan: steps ${o.steps} must be an integer ≥ 0`);
  }
  const every = o.logEvery ?? 10;
  const start = performance.now();
  const log: DcganRecord[] = [];
  while (gan.t < o.steps && !o.stop?.()) {
    if (o.budgetMs !== undefined && performance.now() - start > o.budgetMs) break;
    gan.step();
    if (gan.t % every === 0 || gan.t === o.steps) {
      const r = await gan.record();
      log.push(r);
      await o.onRecord?.(r);
    }
    if (gan.t % gan.stepsPerEpoch === 0) await o.onEpoch?.(gan.epoch, gan);
  }
  if (gan.t % gan.stepsPerEpoch !== 0) await o.onEpoch?.(gan.epoch, gan);
  return log;
}

/**
 * n samples from G in eval mode (running BN statistics) as host images [n·784] in [−1, 1], from
 * noise seeded by `seed` (the same seed gives the same grid at every epoch). Conditional
 * generators cycle through their classes unless `classes` names one per sample.
 */
export async function sampleImages(
  g: Dcgan["g"],
  n: number,
  seed: number,
  classes?: ArrayLike<number>,
): Promise<Float32Array> {
  const was = g.training;
  g.eval();
  const k = g.shape.classes;
  const out = engine.tidy(() =>
    noGrad(() => {
      const z = randn([n, g.shape.zDim], { seed });
      const labels = classes ?? Int32Array.from({ length: n }, (_, i) => i % Math.max(1, k));
      return g.forward(z, k > 0 ? oneHotRows(labels, k) : undefined);
    }),
  );
  const host = Float32Array.from(await out.data());
  out.dispose();
  g.train(was);
  return host;
}
