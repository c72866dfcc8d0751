// RMSprop (Hinton's lecture 6e) with torch.optim.RMSprop's options: smoothing α, ε outside the
// square root, momentum, and the centered variant that divides by an estimate of the variance.

import { add, div, mul, neg, sqrt, square, sub } from "../fn/elementwise.ts";
import { assign } from "../nn/assign.ts";
import type { Tensor } from "../tensor.ts";
import { type BaseOptions, Optimizer, type Params } from "./optimizer.ts";

export interface RMSpropOptions extends BaseOptions {
  /** α: smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  weightDecay: number;
  /** μ: momentum on the normalised step (0 = none). */
  momentum: number;
  /** Normalise by √(E[g²] − E[g]²) instead of √E[g²]. */
  centered: boolean;
  maximize: boolean;
}

const DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, { ...DEFAULTS, ...opts });
  }

  /**
   * For each parameter p with gradient g (s, ḡ, b start at 0):
   *
   *   g ← −g                             if maximize
   *   g ← g + λ·p                        if λ ≠ 0
   *   s ← α·s + (1 − α)·g²
   *   ḡ ← α·ḡ + (1 − α)·g,  a = √(s − ḡ²) + ε      if centered
   *                          a = √s + ε             otherwise
   *   b ← μ·b + g / a,  p ← p − lr·b                if μ > 0
   *   p ← p − lr·g / a                              otherwise
   */
  step(): void {
    this.forEachParam((p, grad, o) => {
      const a = o.alpha;
      let g: Tensor = o.maximize ? neg(grad) : grad;
      if (o.weightDecay !== 0) g = add(g, mul(p, o.weightDecay));
      const ema = (name: string, x: Tensor) => {
        const prev = this.getState(p, name);
        return this.setState(p, name, prev ? add(mul(prev, a), mul(x, 1 - a)) : mul(x, 1 - a));
      };
      const s = ema("squareAvg", square(g));
      const avg = o.centered
        ? add(sqrt(sub(s, square(ema("gradAvg", g)))), o.eps)
        : add(sqrt(s), o.eps);
      let stepDir = div(g, avg);
      if (o.momentum > 0) {
        const prev = this.getState(p, "momentumBuffer");
        stepDir = this.setState(
          p,
          "momentumBuffer",
          prev ? add(mul(prev, o.momentum), stepDir) : stepDir,
        );
      }
      assign(p, sub(p, mul(stepDir, o.lr)));
    });
  }
}
