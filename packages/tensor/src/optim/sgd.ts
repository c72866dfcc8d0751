// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// with exactly torch.optim.SGD's update rule.

import { add, mul, neg, sub } from "../fn/elementwise.ts";
import { assign } from "../nn/assign.ts";
import type { Tensor } from "../tensor.ts";
import { type BaseOptions, Optimizer, type Params } from "./optimizer.ts";

export interface SGDOptions extends BaseOptions {
  /** μ: how much of the previous step is kept (0 = plain SGD). */
  momentum: number;
  /** τ: damps the gradient's share of the momentum buffer. */
  dampening: number;
  /** λ: L2 penalty, added to the gradient as λ·p. */
  weightDecay: number;
  /** Nesterov momentum (needs μ > 0 and τ = 0). */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

const DEFAULTS: SGDOptions = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, { ...DEFAULTS, ...opts });
    for (const g of this.paramGroups) {
      if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
        throw new Error("SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
      }
    }
  }

  /**
   * For each parameter p with gradient g (t counts the steps):
   *
   *   g ← −g                          if maximize
   *   g ← g + λ·p                     if λ ≠ 0
   *   b ← g                           if t = 1
   *   b ← μ·b + (1 − τ)·g             if t > 1             (when μ ≠ 0)
   *   g ← g + μ·b  if Nesterov, else g ← b                 (when μ ≠ 0)
   *   p ← p − lr·g
   */
  step(): void {
    this.forEachParam((p, grad, o) => {
      let g: Tensor = o.maximize ? neg(grad) : grad;
      if (o.weightDecay !== 0) g = add(g, mul(p, o.weightDecay));
      if (o.momentum !== 0) {
        const prev = this.getState(p, "momentumBuffer");
        const value = prev ? add(mul(prev, o.momentum), mul(g, 1 - o.dampening)) : g;
        const b = this.setState(p, "momentumBuffer", value);
        g = o.nesterov ? add(g, mul(b, o.momentum)) : b;
      }
      assign(p, sub(p, mul(g, o.lr)));
    });
  }
}
