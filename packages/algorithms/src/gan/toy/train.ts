// The toy GAN trainer: a generator and a discriminator (MLPs), a loss, an optimizer per network,
// D steps per G step and an optional unrolled discriminator. One call to step() records one
// command buffer (no readback inside; past the recorder's 512-dispatch cap, e.g. WGAN-GP with 5
// critic steps, the engine submits early: 2); metrics() reads the state back when asked.

import {
  type BackendKind,
  backward,
  clamp,
  detach,
  engine,
  fromHost,
  keep,
  nn,
  noGrad,
  optim,
  rand,
  randn,
  type Tensor,
} from "@sheep/tensor";
import { type Rng, rng } from "../../common/rng.ts";
import { type ToyData, type ToyDataName, toyData } from "./data.ts";
import { dLoss, GAN_LOSSES, type GanLoss, gLoss, gradientPenalty, r1Penalty } from "./losses.ts";
import { coverage, type ToyRecord } from "./metrics.ts";
import { checkShape, Mlp, type MlpShape } from "./mlp.ts";

export type OptimizerKind = "sgd" | "adam" | "rmsprop";

/** What the trainer needs of an optimizer. */
type Stepper = { step(): void; zeroGrad(): void; dispose(): void };

export const OPTIMIZERS: readonly OptimizerKind[] = ["sgd", "adam", "rmsprop"];

export interface OptimizerSpec {
  kind: OptimizerKind;
  lr: number;
  /** Adam's β₁, β₂ (default 0.5, 0.999: the usual GAN choice); SGD's momentum is beta1. */
  beta1?: number;
  beta2?: number;
}

export interface ToyGanConfig {
  data: ToyDataName | ToyData;
  loss: GanLoss;
  seed: number;
  batch: number;
  /** Latent dimensions (2 lets the lab draw G's warped grid). */
  zDim: number;
  g: MlpShape;
  d: MlpShape;
  gOpt: OptimizerSpec;
  dOpt: OptimizerSpec;
  /** Discriminator steps per generator step. */
  dSteps: number;
  /** Unrolled discriminator steps seen by the generator (0 = none). */
  unroll: number;
  /** λ of WGAN-GP (10), γ of R1 (10), and WGAN's weight clip c (0.01). */
  gpWeight: number;
  r1Gamma: number;
  clip: number;
  backend?: BackendKind;
  /**
   * Benchmarks and cross-checks only: train on this one batch at every step (real points
   * [batch, 2] and noise [batch, zDim], both row-major) instead of sampling new ones.
   */
  fixed?: { real: Float32Array; z: Float32Array };
}

export const TOY_DEFAULTS: Omit<ToyGanConfig, "data" | "loss"> = {
  seed: 1,
  batch: 128,
  zDim: 2,
  g: { depth: 2, width: 64, activation: "relu" },
  d: { depth: 2, width: 64, activation: "relu" },
  gOpt: { kind: "adam", lr: 1e-3 },
  dOpt: { kind: "adam", lr: 1e-3 },
  dSteps: 1,
  unroll: 0,
  gpWeight: 10,
  r1Gamma: 10,
  clip: 0.01,
};

function makeOptimizer(params: Tensor[], s: OptimizerSpec): Stepper {
  if (s.kind === "adam")
    return new optim.Adam(params, { lr: s.lr, betas: [s.beta1 ?? 0.5, s.beta2 ?? 0.999] });
  if (s.kind === "rmsprop") return new optim.RMSprop(params, { lr: s.lr });
  return new optim.SGD(params, { lr: s.lr, momentum: s.beta1 ?? 0 });
}

function checkConfig(c: ToyGanConfig): void {
  if (!GAN_LOSSES.includes(c.loss)) {
    throw new Error(`toyGan: loss "${c.loss}" is not one of ${GAN_LOSSES.join(", ")}`);
  }
  const int = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new Error(`toyGan: ${name} ${v} must be an integer in [${lo}, ${hi}]`);
    }
  };
  int("batch", c.batch, 1, 65536);
  int("zDim", c.zDim, 1, 1024);
  int("dSteps", c.dSteps, 1, 16);
  int("unroll", c.unroll, 0, 16);
  int("seed", c.seed, 0, 2 ** 31 - 1);
  if (c.fixed && (c.fixed.real.length !== 2 * c.batch || c.fixed.z.length !== c.zDim * c.batch)) {
    throw new Error(
      `toyGan: fixed batch has ${c.fixed.real.length} real and ${c.fixed.z.length} noise values; ` +
        `batch ${c.batch} needs ${2 * c.batch} and ${c.zDim * c.batch}`,
    );
  }
  checkShape(c.g, "toyGan: g");
  checkShape(c.d, "toyGan: d");
  for (const [name, s] of [
    ["gOpt", c.gOpt],
    ["dOpt", c.dOpt],
  ] as const) {
    if (!OPTIMIZERS.includes(s.kind)) {
      throw new Error(`toyGan: ${name}.kind "${s.kind}" is not one of ${OPTIMIZERS.join(", ")}`);
    }
    if (!(s.lr > 0 && s.lr < 10)) throw new Error(`toyGan: ${name}.lr ${s.lr} must be in (0, 10)`);
  }
  for (const [name, v] of [
    ["gpWeight", c.gpWeight],
    ["r1Gamma", c.r1Gamma],
    ["clip", c.clip],
  ] as const) {
    if (!(v >= 0 && Number.isFinite(v))) throw new Error(`toyGan: ${name} ${v} must be ≥ 0`);
  }
}

export class ToyGan {
  readonly config: ToyGanConfig;
  readonly data: ToyData;
  readonly g: Mlp;
  readonly d: Mlp;
  private readonly gOpt: Stepper;
  private readonly dOpt: Stepper;
  private readonly rng: Rng;
  /** Generator steps taken. */
  t = 0;
  /** The last step's losses, kept on the device until metrics() reads them. */
  private losses: [Tensor, Tensor] | null = null;

  constructor(config: Partial<ToyGanConfig> & Pick<ToyGanConfig, "data" | "loss">) {
    this.config = { ...TOY_DEFAULTS, ...config };
    checkConfig(this.config);
    const c = this.config;
    this.data = typeof c.data === "string" ? toyData(c.data) : c.data;
    this.g = new Mlp(c.zDim, 2, c.g, { seed: c.seed * 64 + 1, backend: c.backend });
    this.d = new Mlp(2, 1, c.d, { seed: c.seed * 64 + 33, backend: c.backend });
    this.gOpt = makeOptimizer(this.g.parameters(), c.gOpt);
    this.dOpt = makeOptimizer(this.d.parameters(), c.dOpt);
    this.rng = rng(c.seed * 7919 + 17);
  }

  /**
   * A seed per (step, slot, lane), so every draw is reproducible and none repeats another.
   * Slots of a step: D step k draws noise in slot k and α in slot k + 32 (k < 16); G's noise is
   * slot 48. The unrolled look-ahead uses the same slots in lane 1.
   */
  private key(slot: number, lane = 0): number {
    return (this.config.seed * 1_000_003 + this.t * 64 + slot + lane * 0x9e3779b1) >>> 0;
  }

  private real(): Tensor {
    const { batch: n, backend, fixed } = this.config;
    return fromHost(fixed?.real ?? this.data.sample(n, this.rng), [n, 2], { backend });
  }

  private noise(slot: number, lane = 0): Tensor {
    const { batch: n, backend, fixed, zDim } = this.config;
    if (fixed) return fromHost(fixed.z, [n, zDim], { backend });
    return randn([n, zDim], { seed: this.key(slot, lane), backend });
  }

  /** D's full loss on one batch, penalties included. */
  private discriminatorLoss(slot: number, lane: number): Tensor {
    const c = this.config;
    const real = this.real();
    const fake = noGrad(() => this.g.forward(this.noise(slot, lane)));
    let loss = dLoss(c.loss, this.d.forward(real), this.d.forward(fake));
    if (c.loss === "wgan-gp") {
      const alpha = rand([c.batch, 1], { seed: this.key(slot + 32, lane), backend: c.backend });
      loss = loss.add(gradientPenalty(this.d, real, fake, alpha, c.gpWeight));
    } else if (c.loss === "r1") {
      loss = loss.add(r1Penalty(this.d, real, c.r1Gamma));
    }
    return loss;
  }

  private dStep(opt: Stepper, slot: number, lane = 0): Tensor {
    opt.zeroGrad();
    const loss = this.discriminatorLoss(slot, lane);
    backward(loss);
    opt.step();
    if (this.config.loss === "wgan") {
      // Weight clipping keeps the critic (roughly) Lipschitz: every weight into [−c, c].
      const c = this.config.clip;
      noGrad(() => {
        for (const p of this.d.parameters()) nn.assign(p, clamp(p, -c, c));
      });
    }
    return detach(loss);
  }

  /**
   * One generator step after `dSteps` discriminator steps. With unroll = k, G's loss is taken
   * against D after k further look-ahead steps, which are then undone. The look-ahead is a
   * surrogate of Metz et al.'s: G's gradient goes through the final unrolled D only, not back
   * through the k updates (that would need second derivatives of D's loss through the
   * optimizer, which the engine's first-order autograd does not give).
   */
  step(): void {
    const c = this.config;
    const kept = engine.tidy(() => {
      let dl: Tensor | null = null;
      for (let k = 0; k < c.dSteps; k++) dl = this.dStep(this.dOpt, k);
      // Buffers are immutable, so a detached handle on each parameter is a snapshot of it.
      const saved = c.unroll > 0 ? this.d.parameters().map((p) => detach(p)) : [];
      if (c.unroll > 0) {
        const look = makeOptimizer(this.d.parameters(), c.dOpt);
        for (let k = 0; k < c.unroll; k++) this.dStep(look, k, 1);
        look.dispose();
      }
      this.gOpt.zeroGrad();
      this.d.requiresGrad_(false);
      const gl = gLoss(c.loss, this.d.forward(this.g.forward(this.noise(48))));
      backward(gl);
      this.d.requiresGrad_(true);
      this.gOpt.step();
      if (c.unroll > 0) {
        noGrad(() => {
          for (const [i, p] of this.d.parameters().entries()) nn.assign(p, saved[i]);
        });
      }
      this.d.zeroGrad();
      return [keep(dl!), keep(detach(gl))] as [Tensor, Tensor];
    });
    for (const t of this.losses ?? []) t.dispose();
    this.losses = kept;
    this.t++;
    // Submit now: the step is one command buffer, and the GPU starts while we record the next.
    engine.flush();
  }

  /**
   * Wait for the GPU to finish the steps submitted so far (a 4-byte readback of the last loss).
   * A loop of steps with no readback would queue work without bound: Dawn in Node only makes
   * progress when the event loop turns, and we measured a worker crash after 250 steps queued.
   */
  async sync(): Promise<void> {
    if (this.losses) await this.losses[0].data();
  }

  /** n generated points [x0, y0, …] from a fixed, seeded noise batch (the same at every call). */
  async samples(n = 512): Promise<Float32Array> {
    const out = engine.tidy(() =>
      noGrad(() =>
        this.g.forward(
          randn([n, this.config.zDim], {
            seed: this.config.seed + 99,
            backend: this.config.backend,
          }),
        ),
      ),
    );
    const host = Float32Array.from(await out.data());
    out.dispose();
    return host;
  }

  /** The record the lab keeps every few steps: losses and coverage of a fixed sample. */
  async metrics(n = 512): Promise<ToyRecord> {
    const s = await this.samples(n);
    const cov = coverage(s, this.data);
    const [dLossV, gLossV] = this.losses
      ? await Promise.all(this.losses.map((t) => t.item()))
      : [Number.NaN, Number.NaN];
    return { step: this.t, dLoss: dLossV, gLoss: gLossV, ...cov };
  }

  dispose(): void {
    for (const t of this.losses ?? []) t.dispose();
    this.gOpt.dispose();
    this.dOpt.dispose();
    this.g.dispose();
    this.d.dispose();
  }
}

export interface TrainOptions {
  steps: number;
  /** Take a ToyRecord every this many steps (and after the last). */
  evalEvery: number;
  onRecord?: (r: ToyRecord, gan: ToyGan) => void | Promise<void>;
}

/** Steps between waits for the GPU: deep enough to keep it busy, shallow enough to stay bounded. */
const SYNC_EVERY = 8;

/** Train for `steps` generator steps and return the records (the coverage timeline). */
export async function trainToy(gan: ToyGan, opts: TrainOptions): Promise<ToyRecord[]> {
  if (!Number.isInteger(opts.steps) || opts.steps < 1) {
    throw new Error(`trainToy: steps ${opts.steps} must be an integer ≥ 1`);
  }
  if (!Number.isInteger(opts.evalEvery) || opts.evalEvery < 1) {
    throw new Error(`trainToy: evalEvery ${opts.evalEvery} must be an integer ≥ 1`);
  }
  const records: ToyRecord[] = [];
  for (let i = 1; i <= opts.steps; i++) {
    gan.step();
    if (i % SYNC_EVERY === 0) await gan.sync();
    if (i % opts.evalEvery === 0 || i === opts.steps) {
      const r = await gan.metrics();
      records.push(r);
      await opts.onRecord?.(r, gan);
    }
  }
  return records;
}
