// Batch normalisation as a composition of reductions and one fused elementwise kernel, with
// PyTorch's running-statistics update.

import { detach, noGrad } from "../autograd.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { add, mul, rsqrt, square, sub } from "./elementwise.ts";
import { mean } from "./reduce.ts";
import { reshape } from "./shape.ts";

export interface BatchNormOptions {
  /** Normalise with the batch's statistics and update the running ones. Default false. */
  training?: boolean;
  /** Weight of the new batch in the running averages. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

/**
 * Give a running-statistics buffer new values: `value()` is computed into memory and
 * `target`'s handle points at it from now on (buffers are immutable, so this is PyTorch's
 * in-place update). Everything that holds `target` (a module's state dict) sees the new
 * values. No gradient is recorded, and the temporaries are freed at once.
 */
function assignBuffer(target: Tensor, value: () => Tensor): void {
  noGrad(() =>
    engine.tidy(() => {
      const v = value();
      engine.realise(v);
      target.replaceExpr(v.expr);
    }),
  );
  target.uses = 0;
}

/**
 * torch.nn.functional.batch_norm over dim 1 of [N, C, …]:
 * out = (x - mean) / sqrt(var + eps) · weight + bias, per channel.
 *
 * training: mean and (biased) variance of the batch over every dim but 1; the running buffers
 * (if given) become (1 - momentum)·running + momentum·batch, with the *unbiased* variance
 * (n/(n-1)·var, n values per channel), as PyTorch does. Gradients flow through the batch
 * statistics exactly (autograd through the reductions).
 * eval: the running statistics are used as they are.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  const { training = false, momentum = 0.1, eps = 1e-5 } = opts;
  if (x.rank < 2)
    throw new ShapeError("batchNorm", [x.shape], "expects [N, C, …] (at least 2 dims)");
  const c = x.shape[1];
  for (const [t, what] of [
    [runningMean, "runningMean"],
    [runningVar, "runningVar"],
    [weight, "weight"],
    [bias, "bias"],
  ] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== c)) {
      throw new ShapeError("batchNorm", [x.shape, t.shape], `${what} must have shape [${c}]`);
    }
  }
  if (!runningMean !== !runningVar)
    throw new Error("batchNorm: give both running statistics or neither");
  // per-channel tensors broadcast as [1, C, 1, …]
  const perChannel = (t: Tensor) =>
    reshape(
      t,
      x.shape.map((d, i) => (i === 1 ? d : 1)),
    );
  let out: Tensor;
  if (training || !runningMean || !runningVar) {
    const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const n = x.size / Math.max(1, c);
    if (training && n <= 1) {
      throw new ShapeError(
        "batchNorm",
        [x.shape],
        "needs more than one value per channel when training",
      );
    }
    const mu = mean(x, dims, true);
    const centred = sub(x, mu);
    const variance = mean(square(centred), dims, true);
    out = mul(centred, rsqrt(add(variance, eps)));
    if (training && runningMean && runningVar) {
      const m = momentum;
      const batchMean = reshape(detach(mu), [c]);
      const batchVar = reshape(detach(variance), [c]);
      // PyTorch updates the running variance with the unbiased estimate n/(n-1)·var
      assignBuffer(runningMean, () => add(mul(runningMean, 1 - m), mul(batchMean, m)));
      assignBuffer(runningVar, () => add(mul(runningVar, 1 - m), mul(batchVar, (m * n) / (n - 1))));
    }
  } else {
    out = mul(sub(x, perChannel(runningMean)), rsqrt(add(perChannel(runningVar), eps)));
  }
  if (weight) out = mul(out, perChannel(weight));
  if (bias) out = add(out, perChannel(bias));
  return out;
}
