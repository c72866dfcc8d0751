// Learning-rate schedules with PyTorch's protocol: build one over an optimizer (it records each
// group's starting lr), then call `step()` once per epoch (or per iteration), after the
// optimizer's step. Each schedule is a closed form of the step count, so it never drifts.

import type { BaseOptions, Optimizer } from "./optimizer.ts";

export abstract class LRScheduler {
  /** Each parameter group's lr when the schedule was made. */
  readonly baseLrs: readonly number[];
  /** How many times step() has been called. */
  lastEpoch = 0;

  constructor(protected readonly optimizer: Optimizer<BaseOptions>) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of a group whose initial lr is `base`, after `epoch` steps. */
  protected abstract lrAt(base: number, epoch: number, group: number): number;

  /** Advance one epoch and set every group's lr. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.baseLrs[i], this.lastEpoch, i);
    });
  }

  /** The lr of each group as last set. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** lr = base · γ^⌊epoch / stepSize⌋: decay by γ every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<BaseOptions>,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    if (!(Number.isInteger(stepSize) && stepSize > 0)) {
      throw new Error(`StepLR: stepSize ${stepSize} must be a positive integer`);
    }
  }

  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * Cosine annealing without restarts (Loshchilov & Hutter 2017):
 * lr = η_min + (base − η_min) · (1 + cos(π · epoch / T_max)) / 2. Past T_max the cosine goes on
 * (back up), as PyTorch's does.
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<BaseOptions>,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    if (!(tMax > 0)) throw new Error(`CosineAnnealingLR: tMax ${tMax} must be > 0`);
  }

  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/** lr = base · λ(epoch), with one λ for all groups or one per group (warm-up, custom decay). */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: readonly ((epoch: number) => number)[];

  constructor(
    optimizer: Optimizer<BaseOptions>,
    lambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[],
  ) {
    super(optimizer);
    const n = optimizer.paramGroups.length;
    this.lambdas = typeof lambda === "function" ? Array(n).fill(lambda) : lambda;
    if (this.lambdas.length !== n) {
      throw new Error(`LambdaLR: got ${this.lambdas.length} lambdas for ${n} parameter groups`);
    }
    optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.baseLrs[i] * this.lambdas[i](0);
    });
  }

  protected lrAt(base: number, epoch: number, group: number): number {
    return base * this.lambdas[group](epoch);
  }
}
