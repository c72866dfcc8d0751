// Layers that behave differently in training and evaluation: BatchNorm2d (batch statistics and
// running averages vs the running averages) and Dropout (a random mask vs nothing).

import { noGrad } from "../autograd.ts";
import type { BackendKind } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { batchNorm, dropout } from "../fn/cnn.ts";
import { full, ones, zeros } from "../fn/create.ts";
import { add } from "../fn/elementwise.ts";
import type { Tensor } from "../tensor.ts";
import { assign } from "./assign.ts";
import { type Layer, Module } from "./module.ts";

export interface BatchNormLayerOptions {
  eps?: number;
  /** Weight of each new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running averages for eval mode (default true); without, eval uses batch statistics. */
  trackRunningStats?: boolean;
  backend?: BackendKind;
}

/**
 * Batch normalisation over the channels of [N, C, H, W], as torch.nn.BatchNorm2d:
 *   out = (x − μ) / √(σ² + ε) · weight + bias
 * with μ, σ² the batch's per-channel statistics in training (which also move the running
 * averages: r ← (1 − momentum)·r + momentum·batch) and the running averages in eval mode.
 * State dict names are PyTorch's: weight, bias, running_mean, running_var, num_batches_tracked.
 */
export class BatchNorm2d extends Module implements Layer {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** How many training batches have updated the running averages (int32). */
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormLayerOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    const on = { backend: opts.backend };
    const affine = opts.affine ?? true;
    const track = opts.trackRunningStats ?? true;
    this.weight = this.registerParameter("weight", affine ? ones([numFeatures], on) : null);
    this.bias = this.registerParameter("bias", affine ? zeros([numFeatures], on) : null);
    this.runningMean = this.registerBuffer("running_mean", track ? zeros([numFeatures], on) : null);
    this.runningVar = this.registerBuffer("running_var", track ? ones([numFeatures], on) : null);
    this.numBatchesTracked = this.registerBuffer(
      "num_batches_tracked",
      track ? full([], 0, { ...on, dtype: "int32" }) : null,
    );
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.numFeatures) {
      throw new ShapeError("BatchNorm2d", [x.shape], `expects [N, ${this.numFeatures}, H, W]`);
    }
    const out = batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
    const n = this.numBatchesTracked;
    if (this.training && n) noGrad(() => assign(n, add(n, 1)));
    return out;
  }

  override describe(): string {
    return `BatchNorm2d(${this.numFeatures}, eps ${this.eps}, momentum ${this.momentum})`;
  }
}

/**
 * Zero each element with probability p and scale the rest by 1/(1 − p) in training; the
 * identity in eval mode. With a seed, call k uses seed + k, so a run repeats exactly.
 */
export class Dropout extends Module implements Layer {
  private calls = 0;

  constructor(
    readonly p = 0.5,
    readonly seed?: number,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be in [0, 1], got ${p}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training) return x;
    const seed = this.seed === undefined ? undefined : this.seed + this.calls++;
    return dropout(x, { p: this.p, training: true, seed });
  }

  override describe(): string {
    return `Dropout(${this.p})`;
  }
}
