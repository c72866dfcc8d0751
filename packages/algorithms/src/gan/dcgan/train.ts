// The DCGAN trainer: one discriminator step and one generator step per call of step(), with
// every random draw a function of (seed, step) — the batch order is a seeded permutation per
// epoch and the noise is drawn with a per-step seed — so the RNG state is just those two
// numbers and a checkpoint (checkpoint.ts) resumes bit for bit. Runs in Node and the browser.

import {
  type BackendKind,
  backward,
  detach,
  engine,
  keep,
  mean,
  mul,
  neg,
  noGrad,
  rand,
  randn,
  sqrt,
  square,
  sum,
  type Tensor,
  tensor,
} from "@sheep/tensor";
import { rng } from "../../common/rng.ts";
import { softplus } from "../toy/losses.ts";
import { SavableAdam } from "./adam-state.ts";
import { gather, type ImageSet, SIDE } from "./data.ts";
import { DCGAN_DEFAULTS, type DcganShape, Discriminator, Generator, oneHotRows } from "./nets.ts";

export type DcganLoss = "ns" | "wgan-gp";
export const DCGAN_LOSSES: readonly DcganLoss[] = ["ns", "wgan-gp"];

export interface DcganConfig {
  shape: DcganShape;
  /** ns: the paper's non-saturating GAN loss; wgan-gp: Gulrajani et al.'s critic and penalty. */
  loss: DcganLoss;
  seed: number;
  batch: number;
  /** Adam's settings (the paper: 2e-4, β₁ 0.5). WGAN-GP's paper uses 1e-4, β (0, 0.9). */
  lr: number;
  beta1: number;
  beta2: number;
  /** WGAN-GP's λ. */
  gpWeight: number;
  backend?: BackendKind;
}

export const DCGAN_TRAIN_DEFAULTS: Omit<DcganConfig, "shape"> = {
  loss: "ns",
  seed: 1,
  batch: 64,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  gpWeight: 10,
};

export interface DcganRecord {
  step: number;
  epoch: number;
  dLoss: number;
  gLoss: number;
}

export function checkDcganConfig(c: DcganConfig): void {
  if (!DCGAN_LOSSES.includes(c.loss)) {
    throw new Error(`dcgan: loss "${c.loss}" is not one of ${DCGAN_LOSSES.join(", ")}`);
  }
  if (c.loss === "wgan-gp" && c.shape.classes > 0) {
    throw new Error("dcgan: the WGAN-GP variant is unconditional (classes must be 0)");
  }
  if (!Number.isInteger(c.batch) || c.batch < 2 || c.batch > 4096) {
    throw new Error(`dcgan: batch ${c.batch} must be an integer in [2, 4096]`);
  }
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 2 ** 31 - 1) {
    throw new Error(`dcgan: seed ${c.seed} must be an integer in [0, 2³¹ − 1]`);
  }
  if (!(c.lr > 0 && c.lr < 1)) throw new Error(`dcgan: lr ${c.lr} must be in (0, 1)`);
  for (const [k, v] of [
    ["beta1", c.beta1],
    ["beta2", c.beta2],
  ] as const) {
    if (!(v >= 0 && v < 1)) throw new Error(`dcgan: ${k} ${v} must be in [0, 1)`);
  }
}

/** The paper's D loss −E log σ(D(x)) − E log(1 − σ(D(G(z)))), written with softplus. */
export function nsDiscriminatorLoss(
  d: Discriminator,
  real: Tensor,
  fake: Tensor,
  realClasses?: Tensor,
  fakeClasses?: Tensor,
): Tensor {
  const dr = d.forward(real, realClasses);
  const df = d.forward(fake, fakeClasses);
  return mean(softplus(neg(dr))).add(mean(softplus(df)));
}

/** WGAN-GP: E D(fake) − E D(real) + λ·E(‖∇D(x̂)‖ − 1)², x̂ = α·real + (1 − α)·fake. */
export function wganGpCriticLoss(
  d: Discriminator,
  real: Tensor,
  fake: Tensor,
  alpha: Tensor,
  gpWeight: number,
): Tensor {
  const xHat = mul(real, alpha).add(mul(fake, neg(alpha).add(1)));
  const { gx } = d.inputGrad(xHat);
  const norm = sqrt(sum(square(gx), [1, 2, 3]).add(1e-12));
  const gp = mean(square(norm.sub(1))).mul(gpWeight);
  return mean(d.forward(fake))
    .sub(mean(d.forward(real)))
    .add(gp);
}

/** G's loss: the non-saturating −E log σ(D(G(z))), or the critic's −E D(G(z)). */
export function generatorLoss(
  loss: DcganLoss,
  d: Discriminator,
  g: Generator,
  z: Tensor,
  classes?: Tensor,
): Tensor {
  const df = d.forward(g.forward(z, classes), classes);
  return loss === "ns" ? mean(softplus(neg(df))) : neg(mean(df));
}

export class Dcgan {
  readonly config: DcganConfig;
  readonly g: Generator;
  readonly d: Discriminator;
  readonly gOpt: SavableAdam;
  readonly dOpt: SavableAdam;
  /** Generator steps taken (one D step each). */
  t = 0;
  private order: { epoch: number; perm: Int32Array } | null = null;
  private losses: [Tensor, Tensor] | null = null;

  constructor(
    readonly data: ImageSet,
    config: Partial<Omit<DcganConfig, "shape">> & { shape?: Partial<DcganShape> },
  ) {
    this.config = {
      ...DCGAN_TRAIN_DEFAULTS,
      ...config,
      shape: { ...DCGAN_DEFAULTS, ...config.shape },
    };
    const c = this.config;
    checkDcganConfig(c);
    if (c.shape.classes > 0 && c.shape.classes !== data.classes) {
      throw new Error(`dcgan: ${c.shape.classes} classes, but ${data.name} has ${data.classes}`);
    }
    if (data.n < c.batch)
      throw new Error(`dcgan: ${data.n} images, fewer than a batch of ${c.batch}`);
    this.g = new Generator(c.shape, { seed: c.seed * 4096 + 1, backend: c.backend });
    this.d = new Discriminator(c.shape, {
      seed: c.seed * 4096 + 2049,
      backend: c.backend,
      critic: c.loss === "wgan-gp",
    });
    const adam = { lr: c.lr, betas: [c.beta1, c.beta2] as [number, number] };
    this.gOpt = new SavableAdam(this.g.parameters(), adam);
    this.dOpt = new SavableAdam(this.d.parameters(), adam);
  }

  /** Full batches per epoch (the remainder of each shuffled epoch is skipped). */
  get stepsPerEpoch(): number {
    return Math.floor(this.data.n / this.config.batch);
  }

  get epoch(): number {
    return Math.floor(this.t / this.stepsPerEpoch);
  }

  /** A seed per (step, purpose), so every draw is reproducible and none repeats another. */
  private key(slot: number): number {
    return (this.config.seed * 1_000_003 + this.t * 16 + slot) >>> 0;
  }

  /** Step t's real batch: rows of epoch e's permutation (Fisher–Yates, seeded by seed and e). */
  private realBatch(): { x: Tensor; y: Int32Array } {
    const { batch, seed, backend } = this.config;
    const e = this.epoch;
    if (this.order?.epoch !== e) {
      const r = rng((seed * 7919 + e * 104729) >>> 0);
      const perm = Int32Array.from({ length: this.data.n }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = r.int(0, i);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      this.order = { epoch: e, perm };
    }
    const k = this.t % this.stepsPerEpoch;
    const { x, y } = gather(this.data, this.order.perm.subarray(k * batch, (k + 1) * batch));
    return { x: tensor(x, { shape: [batch, 1, SIDE, SIDE], backend }), y };
  }

  private noise(slot: number): Tensor {
    const { batch, shape, backend } = this.config;
    return randn([batch, shape.zDim], { seed: this.key(slot), backend });
  }

  /** Classes for the generator's batch: uniform over the classes, drawn from the step's seed. */
  private fakeClasses(slot: number): Int32Array {
    const r = rng(this.key(slot));
    return Int32Array.from({ length: this.config.batch }, () => r.int(0, this.data.classes - 1));
  }

  private onehot(y: Int32Array): Tensor | undefined {
    const { shape, backend } = this.config;
    return shape.classes > 0 ? oneHotRows(y, shape.classes, backend) : undefined;
  }

  /** D's loss on one real and one generated batch (the critic's, penalty included). */
  private discriminatorLoss(): Tensor {
    const c = this.config;
    const real = this.realBatch();
    const fy = this.fakeClasses(1);
    const fake = noGrad(() => this.g.forward(this.noise(0), this.onehot(fy)));
    if (c.loss === "ns") {
      return nsDiscriminatorLoss(this.d, real.x, fake, this.onehot(real.y), this.onehot(fy));
    }
    const alpha = rand([c.batch, 1, 1, 1], { seed: this.key(2), backend: c.backend });
    return wganGpCriticLoss(this.d, real.x, fake, alpha, c.gpWeight);
  }

  /** One D step, then one G step; records one command buffer and reads nothing back. */
  step(): void {
    const c = this.config;
    const kept = engine.tidy(() => {
      this.dOpt.zeroGrad();
      const dl = this.discriminatorLoss();
      backward(dl);
      this.dOpt.step();

      this.gOpt.zeroGrad();
      this.d.requiresGrad_(false);
      const fy = this.fakeClasses(4);
      const gl = generatorLoss(c.loss, this.d, this.g, this.noise(3), this.onehot(fy));
      backward(gl);
      this.d.requiresGrad_(true);
      this.gOpt.step();
      this.d.zeroGrad();
      return [keep(detach(dl)), keep(detach(gl))] as [Tensor, Tensor];
    });
    for (const t of this.losses ?? []) t.dispose();
    this.losses = kept;
    this.t++;
    engine.flush();
  }

  /** The last step's losses (reads them back). */
  async record(): Promise<DcganRecord> {
    const [dLoss, gLoss] = this.losses
      ? await Promise.all(this.losses.map((t) => t.item()))
      : [Number.NaN, Number.NaN];
    return { step: this.t, epoch: this.t / this.stepsPerEpoch, dLoss, gLoss };
  }

  dispose(): void {
    for (const t of this.losses ?? []) t.dispose();
    this.gOpt.dispose();
    this.dOpt.dispose();
    this.g.dispose();
    this.d.dispose();
  }
}
