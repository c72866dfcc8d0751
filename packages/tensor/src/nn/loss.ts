// Losses, composed from tensor ops (their gradients come from the ops' VJPs). Each takes a
// `reduction`: "mean" (the default), "sum", or "none" (one value per element or sample).

import { detach } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import {
  abs,
  add,
  div,
  exp,
  log,
  maximum,
  mul,
  ne,
  neg,
  square,
  sub,
  where,
} from "../fn/elementwise.ts";
import { logSoftmax, mean, sum } from "../fn/reduce.ts";
import { gather, narrow, permute, reshape, squeeze, unsqueeze } from "../fn/shape.ts";
import { sameShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";

export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  reduction?: Reduction;
}

function reduce(loss: Tensor, reduction: Reduction = "mean"): Tensor {
  if (reduction === "none") return loss;
  if (reduction === "sum") return sum(loss);
  if (reduction === "mean") return mean(loss);
  throw new Error(`loss: unknown reduction "${reduction}" (use "mean", "sum" or "none")`);
}

function sameShapes(op: string, x: Tensor, y: Tensor): void {
  if (!sameShape(x.shape, y.shape)) {
    throw new ShapeError(op, [x.shape, y.shape], "input and target must have the same shape");
  }
}

/** Mean squared error: (x − y)². */
export function mseLoss(x: Tensor, y: Tensor, opts: ReductionOptions = {}): Tensor {
  sameShapes("mseLoss", x, y);
  return reduce(square(sub(x, y)), opts.reduction);
}

/** Mean absolute error: |x − y|. */
export function l1Loss(x: Tensor, y: Tensor, opts: ReductionOptions = {}): Tensor {
  sameShapes("l1Loss", x, y);
  return reduce(abs(sub(x, y)), opts.reduction);
}

export interface CrossEntropyOptions extends ReductionOptions {
  /** ε: the target puts 1 − ε on the label and ε/C on every class (Szegedy et al. 2016). */
  labelSmoothing?: number;
  /** A weight per class, [C] (torch's `weight`): rare classes can count more. */
  weight?: Tensor;
  /**
   * Class-index targets equal to this contribute nothing, to the sum or to the mean's
   * denominator (torch's `ignore_index`). Unlike torch there is no default: without it (and
   * without weights) every target counts, and −100 gives NaN. With weights, −100 is ignored.
   */
  ignoreIndex?: number;
}

/**
 * Cross-entropy from unnormalised logits, as torch's cross_entropy. logits are [N, C] or
 * [N, C, d1, …] (class dim 1). Targets are int32 class indices [N] or [N, d1, …] (an index
 * outside [0, C) that is not ignoreIndex gives NaN), or float32 class probabilities with the
 * logits' shape. With q = log softmax(z_n), class weights w (1 without) and smoothing ε:
 *
 *   indices:        loss_n = −(1 − ε) · w[y_n] · q[y_n] − (ε / C) · Σ_c w_c · q[c]   (0 if ignored)
 *   probabilities:  loss_n = −Σ_c w_c · ((1 − ε) · p_c + ε / C) · q[c]
 *
 * "mean" divides the sum by Σ_n w[y_n] over the samples not ignored (torch's weighted mean; all
 * ignored gives NaN, as torch), or by the number of samples for probability targets. "none"
 * gives one loss per sample, shaped like the integer targets.
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}) {
  const eps = opts.labelSmoothing ?? 0;
  if (logits.rank < 2) {
    throw new ShapeError("crossEntropy", [logits.shape], "logits must be [N, C] or [N, C, …]");
  }
  if (!(eps >= 0 && eps <= 1))
    throw new Error(`crossEntropy: labelSmoothing ${eps} is not in [0, 1]`);
  const C = logits.shape[1];
  const w = opts.weight;
  if (w && (w.dtype !== "float32" || !sameShape(w.shape, [C]))) {
    throw new ShapeError(
      "crossEntropy",
      [logits.shape, w.shape],
      `weight must be float32 of shape [${C}], one per class`,
    );
  }
  const ignore = opts.ignoreIndex ?? -100; // only used with weights or an explicit ignoreIndex
  if (!Number.isInteger(ignore))
    throw new Error(`crossEntropy: ignoreIndex ${ignore} is not an integer`);
  // Classes last: [N, C, d…] → [N·d…, C], so every sample is one row.
  const rows = (t: Tensor) => {
    const perm = [0, ...t.shape.map((_, i) => i).slice(2), 1];
    return reshape(t.rank > 2 ? permute(t, perm) : t, [-1, C]);
  };
  const logp = logSoftmax(rows(logits), -1);
  // Σ_c w_c · q[c] per row: the smoothing term (and, with probabilities, the whole loss)
  const weighted = w ? mul(logp, w) : logp;
  if (target.dtype === "float32") {
    sameShapes("crossEntropy", logits, target);
    // Soft targets: −Σ_c w_c p_c log q_c, smoothing mixes p with the uniform distribution.
    const p = rows(target);
    const smoothed = eps > 0 ? add(mul(p, 1 - eps), eps / C) : p;
    const loss = neg(sum(mul(smoothed, weighted), -1));
    return reduce(reshape(loss, [logits.shape[0], ...logits.shape.slice(2)]), opts.reduction);
  }
  const want = [logits.shape[0], ...logits.shape.slice(2)];
  if (target.dtype !== "int32" || !sameShape(target.shape, want)) {
    throw new ShapeError(
      "crossEntropy",
      [logits.shape, target.shape],
      `targets must be int32 class indices of shape [${want.join(", ")}]`,
    );
  }
  const t = reshape(target, [-1]);
  if (!w && opts.ignoreIndex === undefined) {
    // Neither weights nor an ignoreIndex asked for: the plain mean over every sample (the
    // masked path below is kept off this common path; see the commit that added this line).
    const picked = squeeze(gather(logp, 1, unsqueeze(t, 1)), 1);
    let plain = neg(picked);
    if (eps > 0) plain = add(mul(plain, 1 - eps), mul(mean(logp, -1), -eps));
    return reduce(reshape(plain, target.shape), opts.reduction);
  }
  const kept = ne(t, ignore); // 1 for a sample that counts, 0 for an ignored one
  const safe = where(kept, t, 0); // an ignored index must not be read out of range
  const picked = squeeze(gather(weighted, 1, unsqueeze(safe, 1)), 1); // w[y_n] · q[y_n]
  let loss = neg(picked);
  if (eps > 0) loss = add(mul(loss, 1 - eps), mul(sum(weighted, -1), -eps / C));
  loss = mul(loss, kept);
  const reduction = opts.reduction ?? "mean";
  if (reduction !== "mean") return reduce(reshape(loss, target.shape), reduction);
  // torch's weighted mean: divide by the weights of the targets that count
  const denom = w
    ? sum(mul(squeeze(gather(unsqueeze(w, 0), 1, unsqueeze(safe, 0)), 0), kept))
    : sum(kept);
  return div(sum(loss), denom);
}

export interface BceOptions extends ReductionOptions {
  /** Weight of the positive term (torch's pos_weight), broadcast over the classes. */
  posWeight?: Tensor | number;
}

/**
 * softplus(x) = log(1 + eˣ) = m + log(e^−m + e^(x−m)) with m = max(x, 0), which never
 * overflows. m is detached: the value does not depend on it, and then the gradient is exactly
 * sigmoid(x) everywhere, where the textbook max(x,0) + log(1 + e^−|x|) would give the
 * sub-gradients of max and |·| at x = 0 (0 instead of ½).
 */
function softplus(x: Tensor): Tensor {
  const m = detach(maximum(x, 0));
  return add(m, log(add(exp(neg(m)), exp(sub(x, m)))));
}

/**
 * Binary cross-entropy from logits x against targets y in [0, 1], numerically stable:
 *
 *   loss = max(x, 0) − x·y + log(1 + e^−|x|)          (= −y log σ(x) − (1 − y) log(1 − σ(x)))
 *
 * With posWeight w: loss = (1 − y)·x + (1 + (w − 1)·y) · softplus(−x), as torch.
 */
export function binaryCrossEntropyWithLogits(x: Tensor, y: Tensor, opts: BceOptions = {}) {
  sameShapes("binaryCrossEntropyWithLogits", x, y);
  let loss: Tensor;
  if (opts.posWeight === undefined) {
    loss = sub(softplus(x), mul(x, y));
  } else {
    const w = opts.posWeight;
    const coef = add(mul(y, typeof w === "number" ? w - 1 : sub(w, 1)), 1);
    // softplus(−x) = softplus(x) − x
    loss = add(mul(sub(1, y), x), mul(coef, sub(softplus(x), x)));
  }
  return reduce(loss, opts.reduction);
}

export interface TotalVariationOptions {
  /**
   * "l1" (default): Σ |x[i+1, j] − x[i, j]| + Σ |x[i, j+1] − x[i, j]|, the anisotropic TV of
   * tf.image.total_variation, which keeps edges sharp. "squared": the same with squares
   * (Mahendran & Vedaldi's TV with β = 2, the smoothing term of Johnson et al.'s style transfer).
   */
  kind?: "l1" | "squared";
  /**
   * "sum" adds every difference; "mean" (default) averages the vertical and the horizontal
   * differences separately and adds the two means, so the weight does not depend on the
   * image size; "none" gives one sum per image, [N].
   */
  reduction?: Reduction;
}

/** Total variation of images [N, C, H, W] (or [C, H, W]): how much neighbouring pixels differ. */
export function totalVariation(x: Tensor, opts: TotalVariationOptions = {}): Tensor {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new ShapeError("totalVariation", [x.shape], "images must be [N, C, H, W] or [C, H, W]");
  }
  const [h, w] = x.shape.slice(-2);
  const dh = sub(narrow(x, -2, 1, h - 1), narrow(x, -2, 0, h - 1));
  const dw = sub(narrow(x, -1, 1, w - 1), narrow(x, -1, 0, w - 1));
  const f = (opts.kind ?? "l1") === "l1" ? abs : square;
  const [a, b] = [f(dh), f(dw)];
  const reduction = opts.reduction ?? "mean";
  if (reduction === "mean") return add(mean(a), mean(b));
  if (reduction === "sum") return add(sum(a), sum(b));
  if (reduction === "none") {
    const perImage = (t: Tensor) => (x.rank === 4 ? sum(t, [1, 2, 3]) : sum(t));
    return add(perImage(a), perImage(b));
  }
  throw new Error(`totalVariation: unknown reduction "${reduction}"`);
}
