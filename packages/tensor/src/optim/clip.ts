// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_. Both rewrite each
// parameter's `.grad` through assign() (the gradient tensors keep their identity) and never
// read back: the clipping factor stays on the device, so clipping does not stall the GPU.

import { noGrad } from "../autograd.ts";
import { engine } from "../engine.ts";
import {
  abs,
  add,
  clamp,
  div,
  maximum,
  minimum,
  mul,
  pow,
  sqrt,
  square,
} from "../fn/elementwise.ts";
import { max, sum } from "../fn/reduce.ts";
import { assign } from "../nn/assign.ts";
import type { Tensor } from "../tensor.ts";

function gradsOf(params: Iterable<Tensor>): Tensor[] {
  return [...params].flatMap((p) => (p.grad ? [p.grad] : []));
}

/**
 * Scale all gradients together so that their total norm is at most maxNorm:
 *
 *   N = (Σ_p Σ_i |g_pi|ⁿ)^(1/n)        (n = normType; n = ∞ takes max |g_pi|)
 *   g ← g · min(1, maxNorm / (N + 10⁻⁶))
 *
 * Returns N (before clipping) as a one-element tensor that the caller owns; read it with
 * `await n.item()` when you want to log it. Parameters without a gradient are skipped.
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, normType = 2): Tensor {
  const grads = gradsOf(params);
  if (grads.length === 0) throw new Error("clipGradNorm_: no parameter has a gradient");
  return noGrad(() =>
    engine.tidy(() => {
      let total: Tensor;
      if (normType === Number.POSITIVE_INFINITY) {
        total = grads.map((g) => max(abs(g))).reduce((a, b) => maximum(a, b));
      } else {
        const powSum = (g: Tensor) =>
          normType === 2 ? sum(square(g)) : sum(pow(abs(g), normType));
        const s = grads.map(powSum).reduce((a, b) => add(a, b));
        total = normType === 2 ? sqrt(s) : pow(s, 1 / normType);
      }
      engine.realise(total);
      const scale = minimum(div(maxNorm, add(total, 1e-6)), 1);
      engine.realise(scale);
      for (const g of grads) assign(g, mul(g, scale));
      return total;
    }),
  );
}

/** Clamp every gradient element to [−clip, clip]. */
export function clipGradValue_(params: Iterable<Tensor>, clip: number): void {
  if (!(clip >= 0)) throw new Error(`clipGradValue_: clip ${clip} must be ≥ 0`);
  noGrad(() =>
    engine.tidy(() => {
      for (const g of gradsOf(params)) assign(g, clamp(g, -clip, clip));
    }),
  );
}
