// Adam (Kingma & Ba 2015) with bias correction and the optional AMSGrad maximum, and AdamW
// (Loshchilov & Hutter 2019), which decays the weights directly instead of through the
// gradient. The update rules are torch.optim.Adam's and torch.optim.AdamW's.

import { add, div, maximum, mul, neg, sqrt, square, sub } from "../fn/elementwise.ts";
import { assign } from "../nn/assign.ts";
import type { Tensor } from "../tensor.ts";
import { type BaseOptions, Optimizer, type Params } from "./optimizer.ts";

export interface AdamOptions extends BaseOptions {
  /** β₁, β₂: decay rates of the first and second moment estimates. */
  betas: readonly [number, number];
  /** ε: added to the denominator for stability. */
  eps: number;
  /** λ: Adam adds λ·p to the gradient (coupled, L2); AdamW multiplies p by 1 − lr·λ. */
  weightDecay: number;
  /** Divide by the running maximum of v̂ (Reddi et al. 2018). */
  amsgrad: boolean;
  maximize: boolean;
}

const ADAM: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

export class Adam extends Optimizer<AdamOptions> {
  /** AdamW's weight decay acts on the weights, Adam's through the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { ...ADAM, ...opts });
  }

  /**
   * For each parameter p with gradient g, at its step t (m, v, v_max start at 0):
   *
   *   g ← −g                                     if maximize
   *   g ← g + λ·p        (Adam)   or   p ← p·(1 − lr·λ)   (AdamW)
   *   m ← β₁·m + (1 − β₁)·g
   *   v ← β₂·v + (1 − β₂)·g²
   *   v_max ← max(v_max, v)                      if amsgrad (then v_max replaces v below)
   *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
   */
  step(): void {
    this.forEachParam((p, grad, o) => {
      const [b1, b2] = o.betas;
      const t = this.nextStep(p);
      let g: Tensor = o.maximize ? neg(grad) : grad;
      let base: Tensor = p;
      if (o.weightDecay !== 0) {
        if (this.decoupled) base = mul(p, 1 - o.lr * o.weightDecay);
        else g = add(g, mul(p, o.weightDecay));
      }
      const m = this.moment(p, "expAvg", g, b1);
      let v = this.moment(p, "expAvgSq", square(g), b2);
      if (o.amsgrad) {
        const prev = this.getState(p, "maxExpAvgSq");
        v = this.setState(p, "maxExpAvgSq", prev ? maximum(prev, v) : v);
      }
      const bc1 = 1 - b1 ** t;
      const bc2 = 1 - b2 ** t;
      const denom = add(div(sqrt(v), Math.sqrt(bc2)), o.eps);
      assign(p, sub(base, mul(div(m, denom), o.lr / bc1)));
    });
  }

  /** An exponential moving average state: s ← β·s + (1 − β)·x, from s = 0. */
  protected moment(p: Tensor, name: string, x: Tensor, beta: number): Tensor {
    const prev = this.getState(p, name);
    return this.setState(p, name, prev ? add(mul(prev, beta), mul(x, 1 - beta)) : mul(x, 1 - beta));
  }
}

/** Adam with decoupled weight decay (default λ = 0.01, as torch.optim.AdamW). */
export class AdamW extends Adam {
  protected override readonly decoupled = true;

  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 0.01, ...opts });
  }
}
