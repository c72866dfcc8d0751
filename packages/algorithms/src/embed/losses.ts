// Embedding losses, each a composition of tensor ops over a batch of embeddings x [n, d] and
// int32 labels [n]: contrastive, triplet (batch-all / batch-hard / semi-hard, hinge or soft
// margin), softmax cross-entropy on features, and normalised-softmax margin losses (CosFace,
// ArcFace). Each returns a scalar tensor, so autograd gives the gradient for free.

import {
  add,
  cast,
  gt,
  logSoftmax,
  matmul,
  maximum,
  mul,
  oneHot,
  relu,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  transpose,
  where,
} from "@sheep/tensor";
import { softplus } from "../gan/toy/losses.ts";
import { distances, euclideanDistances, l2Normalize, type Metric } from "./distances.ts";
import { labelMasks, type Mining, mine } from "./mining.ts";

/** Σ x / max(count, 1): a mean that is 0, not NaN, when nothing is counted. */
const meanOver = (x: Tensor, count: Tensor) => sum(x).div(maximum(count, 1));

/**
 * Contrastive loss (Hadsell, Chopra & LeCun 2006) over every ordered pair a ≠ b of the batch:
 * ½ d² for a pair with the same label, ½ max(0, margin − d)² for a pair with different labels,
 * averaged over the n(n − 1) pairs. d is the Euclidean distance (safe at 0).
 */
export function contrastiveLoss(x: Tensor, labels: Tensor, margin = 1): Tensor {
  if (labels.rank !== 1 || labels.shape[0] !== x.shape[0])
    throw new Error(
      `contrastiveLoss: labels must be [${x.shape[0]}], one per row of x, got [${labels.shape}]`,
    );
  const d = euclideanDistances(x);
  const m = labelMasks(labels);
  const pull = mul(m.positive, square(d));
  const push = mul(m.negative, square(relu(sub(margin, d))));
  const n = x.shape[0];
  return sum(add(pull, push)).mul(0.5 / Math.max(n * (n - 1), 1));
}

export interface TripletOptions {
  margin?: number;
  mining?: Mining;
  /** softplus(dPos − dNeg) instead of relu(dPos − dNeg + margin) (Hermans et al.): no margin. */
  soft?: boolean;
  metric?: Metric;
}

export interface TripletResult {
  loss: Tensor;
  /** Share of the valid triplets with a non-zero loss (for the soft form: dPos > dNeg). */
  activeShare: Tensor;
}

/**
 * Triplet loss max(0, d(a,p) − d(a,n) + margin) over the mined triplets. batch-all averages over
 * the active (non-zero) triplets only, as Hermans et al. do, since most triplets of a batch are
 * easy and would dilute the mean; batch-hard and semi-hard average over every valid triplet.
 */
export function tripletLoss(x: Tensor, labels: Tensor, opts: TripletOptions = {}): TripletResult {
  const { margin = 0.2, mining = "semihard", soft = false, metric = "euclidean" } = opts;
  if (!(margin >= 0)) throw new Error(`tripletLoss: margin must be ≥ 0, got ${margin}`);
  const t = mine(distances(x, metric), labels, mining);
  const gap = sub(t.dPos, t.dNeg);
  const per = mul(soft ? softplus(gap) : relu(add(gap, margin)), t.valid);
  const active = mul(cast(gt(soft ? gap : add(gap, margin), 0), "float32"), t.valid);
  const nActive = sum(active);
  const nValid = sum(t.valid);
  const loss = mining === "all" && !soft ? meanOver(per, nActive) : meanOver(per, nValid);
  return { loss, activeShare: nActive.div(maximum(nValid, 1)) };
}

/** Mean cross-entropy −log softmax(logits)[label] over the batch: logits [n, C], labels [n]. */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0])
    throw new Error(
      `crossEntropy: logits [n, C] and int32 labels [n], got [${logits.shape}] and [${labels.shape}]`,
    );
  const picked = mul(logSoftmax(logits, 1), oneHot(labels, logits.shape[1]));
  return sum(picked).mul(-1 / logits.shape[0]);
}

/** Softmax cross-entropy features: a linear classifier w [C, d] on the embeddings x [n, d]. */
export function softmaxLoss(x: Tensor, w: Tensor, labels: Tensor): Tensor {
  return crossEntropy(matmul(x, transpose(w, 0, 1)), labels);
}

export type MarginKind = "cosface" | "arcface";

export interface MarginOptions {
  kind?: MarginKind;
  /** s: the radius of the hypersphere the logits live on. */
  scale?: number;
  /** m: additive cosine margin (CosFace) or additive angular margin in radians (ArcFace). */
  margin?: number;
}

/**
 * Normalised-softmax margin losses. cos θ = x̂ ŵᵀ with embeddings and class weights both
 * L2-normalised; the target class's logit is made harder before the softmax:
 * CosFace (Wang et al. 2018): s · (cos θ − m); ArcFace (Deng et al. 2019): s · cos(θ + m), with
 * cos(θ + m) = cos θ cos m − sin θ sin m. Past θ + m > π, cos(θ + m) would rise again, so there
 * ArcFace's own code uses cos θ − m sin m instead (monotone in θ); we do the same.
 */
export function marginSoftmaxLoss(
  x: Tensor,
  w: Tensor,
  labels: Tensor,
  opts: MarginOptions = {},
): Tensor {
  const { kind = "arcface", scale = 30, margin = kind === "arcface" ? 0.5 : 0.35 } = opts;
  if (!(scale > 0)) throw new Error(`marginSoftmaxLoss: scale must be > 0, got ${scale}`);
  const c = matmul(l2Normalize(x), transpose(l2Normalize(w), 0, 1)); // [n, C]
  const target = oneHot(labels, w.shape[0]);
  let marked: Tensor;
  if (kind === "cosface") marked = sub(c, margin);
  else if (kind === "arcface") {
    // sin θ = √(1 − cos²θ); the floor keeps √'s slope finite at cos θ = ±1.
    const sin = sqrt(maximum(sub(1, square(c)), 1e-7));
    const phi = sub(mul(c, Math.cos(margin)), mul(sin, Math.sin(margin)));
    marked = where(gt(c, Math.cos(Math.PI - margin)), phi, sub(c, margin * Math.sin(margin)));
  } else throw new Error(`marginSoftmaxLoss: unknown kind "${kind}"; valid: cosface, arcface`);
  return crossEntropy(where(target, marked, c).mul(scale), labels);
}
