// Training an embedding net on P×K batches with any of the embedding losses, recording the
// loss and the collapse monitor every step. Every random draw is a function of the seed: the
// weights (per-layer seeds) and the batches (the P×K sampler's stream), so a seed reproduces
// the weights bit for bit on one adapter. Runs in Node and the browser.

import {
  backward,
  detach,
  engine,
  keep,
  nn,
  optim,
  type Tensor,
  tensor,
  tidy,
} from "@sheep/tensor";
import { gather, type ImageSet } from "../gan/dcgan/data.ts";
import { contrastiveLoss, marginSoftmaxLoss, softmaxLoss, tripletLoss } from "./losses.ts";
import { MININGS, type Mining } from "./mining.ts";
import { CollapseMonitor, type CollapseRecord } from "./monitor.ts";
import { EMBED_SIDE, EmbeddingNet, type EmbeddingShape } from "./net.ts";
import { pkSampler } from "./sampler.ts";

export type EmbedLoss = "softmax" | "cosface" | "arcface" | "contrastive" | "triplet";
export const EMBED_LOSSES: readonly EmbedLoss[] = [
  "softmax",
  "cosface",
  "arcface",
  "contrastive",
  "triplet",
];

/** Losses that learn a class-weight matrix beside the net (a classifier head on the features). */
const HEAD_LOSSES: readonly EmbedLoss[] = ["softmax", "cosface", "arcface"];

export interface EmbedTrainConfig {
  loss: EmbedLoss;
  /** Triplet mining rule (triplet loss only). */
  mining: Mining;
  /** softplus(dPos − dNeg) instead of the hinge (triplet loss only). */
  softMargin: boolean;
  /** The loss's margin; default per loss (triplet 0.2, contrastive 1, CosFace 0.35, ArcFace 0.5). */
  margin?: number;
  /** Classes per batch and examples per class. */
  p: number;
  k: number;
  steps: number;
  seed: number;
  lr: number;
  dim: number;
  width: number;
  /** L2-normalise the output; default: yes for contrastive/triplet, no for the softmax family. */
  normalize?: boolean;
  /** Record the collapse monitor every this many steps (1: every step). */
  monitorEvery: number;
}

export const EMBED_TRAIN_DEFAULTS: EmbedTrainConfig = {
  loss: "triplet",
  mining: "semihard",
  softMargin: false,
  p: 6,
  k: 4,
  steps: 500,
  seed: 1,
  lr: 1e-3,
  dim: 64,
  width: 16,
  monitorEvery: 1,
};

export interface EmbedStepRecord {
  step: number;
  loss: number;
  /** For the triplet loss: share of its mined triplets that are active; else the monitor's. */
  activeShare: number;
  /** Seconds since training started. */
  seconds: number;
  monitor?: CollapseRecord;
}

/** Check a config against the data before any GPU work; one line naming the bad setting. */
export function checkEmbedConfig(c: EmbedTrainConfig, data: ImageSet): void {
  if (!EMBED_LOSSES.includes(c.loss))
    throw new Error(`embed train: loss "${c.loss}" is not one of ${EMBED_LOSSES.join(", ")}`);
  if (!MININGS.includes(c.mining))
    throw new Error(`embed train: mining "${c.mining}" is not one of ${MININGS.join(", ")}`);
  for (const [name, v, lo, hi] of [
    ["p", c.p, 2, 64],
    ["k", c.k, 2, 64],
    ["steps", c.steps, 1, 1e7],
    ["monitorEvery", c.monitorEvery, 1, 1e7],
    ["seed", c.seed, 0, 2 ** 31 - 1],
  ] as const) {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new Error(`embed train: ${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  }
  if (!(c.lr > 0 && c.lr < 1)) throw new Error(`embed train: lr must be in (0, 1), got ${c.lr}`);
  if (c.margin !== undefined && !(c.margin >= 0 && c.margin < 10))
    throw new Error(`embed train: margin must be in [0, 10), got ${c.margin}`);
  const classes = new Set(data.labels).size;
  if (c.p > classes)
    throw new Error(
      `embed train: P = ${c.p} classes per batch, but the training data has only ${classes}`,
    );
}

export class EmbeddingTrainer {
  readonly config: EmbedTrainConfig;
  readonly net: EmbeddingNet;
  /** The class-weight matrix [C, D] of the softmax family (null for pair/triplet losses). */
  readonly head: nn.Linear | null;
  /** The training classes, in order; batch labels are their indices 0 … C − 1. */
  readonly classes: number[];
  readonly monitor = new CollapseMonitor({ margin: 0.2 });
  readonly records: EmbedStepRecord[] = [];
  t = 0;
  private readonly opt: optim.Adam;
  private readonly nextBatch: () => number[];
  private readonly started = performance.now();

  constructor(
    readonly data: ImageSet,
    config: Partial<EmbedTrainConfig> = {},
  ) {
    const c = { ...EMBED_TRAIN_DEFAULTS, ...config };
    checkEmbedConfig(c, data);
    this.config = c;
    this.classes = [...new Set(data.labels)].sort((a, b) => a - b);
    const normalize = c.normalize ?? !HEAD_LOSSES.includes(c.loss);
    this.net = new EmbeddingNet({ dim: c.dim, width: c.width, normalize }, { seed: c.seed });
    this.head = HEAD_LOSSES.includes(c.loss)
      ? new nn.Linear(c.dim, this.classes.length, { bias: false, seed: c.seed * 64 + 9 })
      : null;
    const params = [...this.net.parameters(), ...(this.head?.parameters() ?? [])];
    this.opt = new optim.Adam(params, { lr: c.lr });
    this.nextBatch = pkSampler(data.labels, { p: c.p, k: c.k, seed: c.seed });
  }

  get shape(): EmbeddingShape {
    return this.net.shape;
  }

  /** The batch's loss and, for triplets, the share of active triplets. */
  private lossOf(e: Tensor, y: Tensor): { loss: Tensor; active?: Tensor } {
    const c = this.config;
    if (c.loss === "triplet") {
      const t = tripletLoss(e, y, { mining: c.mining, soft: c.softMargin, margin: c.margin });
      return { loss: t.loss, active: t.activeShare };
    }
    if (c.loss === "contrastive") return { loss: contrastiveLoss(e, y, c.margin) };
    const w = (this.head as nn.Linear).weight;
    if (c.loss === "softmax") return { loss: softmaxLoss(e, w, y) };
    return { loss: marginSoftmaxLoss(e, w, y, { kind: c.loss, margin: c.margin }) };
  }

  /** One Adam step on the next P×K batch; reads back the loss and, when due, the monitor. */
  async step(): Promise<EmbedStepRecord> {
    const c = this.config;
    const idx = this.nextBatch();
    const b = gather(this.data, idx);
    const index = new Map(this.classes.map((cl, i) => [cl, i]));
    const x = tensor(b.x, { shape: [idx.length, 1, EMBED_SIDE, EMBED_SIDE] });
    const y = tensor(
      Int32Array.from(b.y, (l) => index.get(l) as number),
      { dtype: "int32" },
    );
    const kept = tidy(() => {
      this.opt.zeroGrad();
      const e = this.net.forward(x);
      const { loss, active } = this.lossOf(e, y);
      backward(loss);
      this.opt.step();
      return {
        loss: keep(detach(loss)),
        e: keep(detach(e)),
        active: active ? keep(detach(active)) : null,
      };
    });
    engine.flush();
    const step = this.t;
    this.t++;
    const monitor =
      step % c.monitorEvery === 0 || this.t === c.steps
        ? await this.monitor.record(step, kept.e, y)
        : undefined;
    const loss = await kept.loss.item();
    const activeShare = kept.active ? await kept.active.item() : (monitor?.activeShare ?? NaN);
    for (const t of [x, y, kept.loss, kept.e, kept.active]) t?.dispose();
    if (!Number.isFinite(loss))
      throw new Error(`embed train: the loss became ${loss} at step ${step} (try a smaller lr)`);
    const seconds = (performance.now() - this.started) / 1000;
    const rec: EmbedStepRecord = { step, loss, activeShare, seconds, monitor };
    this.records.push(rec);
    return rec;
  }

  dispose(): void {
    this.opt.zeroGrad();
    this.opt.dispose();
    this.head?.dispose();
  }
}

export interface EmbedTrainResult {
  net: EmbeddingNet;
  config: EmbedTrainConfig;
  classes: number[];
  records: EmbedStepRecord[];
  /** Steps taken (fewer than config.steps when onProgress asked to stop). */
  steps: number;
  seconds: number;
}

/**
 * Train an embedding net on `data` (the training classes only: hold classes out before) for
 * config.steps steps. onProgress sees every step's record; returning false stops early.
 */
export async function trainEmbedding(
  data: ImageSet,
  config: Partial<EmbedTrainConfig> = {},
  onProgress?: (r: EmbedStepRecord) => boolean | undefined | Promise<boolean | undefined>,
): Promise<EmbedTrainResult> {
  const trainer = new EmbeddingTrainer(data, config);
  const t0 = performance.now();
  try {
    while (trainer.t < trainer.config.steps) {
      const rec = await trainer.step();
      if ((await onProgress?.(rec)) === false) break;
    }
  } catch (e) {
    trainer.net.dispose();
    throw e;
  } finally {
    trainer.dispose();
  }
  return {
    net: trainer.net,
    config: trainer.config,
    classes: trainer.classes,
    records: trainer.records,
    steps: trainer.t,
    seconds: (performance.now() - t0) / 1000,
  };
}
