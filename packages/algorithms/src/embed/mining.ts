// Triplet mining as masks on the GPU. Which pairs share a label is one broadcast comparison of
// the label vector with itself; each mining rule then picks, from the distance matrix D, the
// positive and negative distances a triplet loss compares. No index lists leave the device.

import {
  argmax,
  argmin,
  cast,
  eq,
  gt,
  max,
  min,
  mul,
  reshape,
  sub,
  type Tensor,
  unsqueeze,
  where,
} from "@sheep/tensor";
import { eyeLike } from "./distances.ts";

/** A stand-in for "no such element" inside min/max: far above any real distance. */
const FAR = 1e30;

/** 0/1 float32 [n, n] masks: positive[a, p] (same label, a ≠ p), negative[a, n] (other label). */
export interface LabelMasks {
  positive: Tensor;
  negative: Tensor;
}

export function labelMasks(labels: Tensor): LabelMasks {
  if (labels.rank !== 1 || labels.dtype !== "int32")
    throw new Error(
      `labelMasks: labels must be an int32 vector [n], got ${labels.dtype} [${labels.shape}]`,
    );
  const n = labels.shape[0];
  // same[a, b] = (labels[a] == labels[b]): an [n, 1] column against a [1, n] row.
  const same = cast(eq(reshape(labels, [n, 1]), reshape(labels, [1, n])), "float32");
  return { positive: sub(same, eyeLike(same, n)), negative: sub(1, same) };
}

export type Mining = "all" | "hard" | "semihard";
export const MININGS: readonly Mining[] = ["all", "hard", "semihard"];

/**
 * The distances a triplet loss compares, broadcastable against each other, and which of those
 * triplets exist (valid, 0/1). The loss is then relu(dPos − dNeg + margin) · valid for every rule.
 */
export interface Mined {
  dPos: Tensor;
  dNeg: Tensor;
  valid: Tensor;
}

/**
 * batch-all: every (a, p, n) with p a positive and n a negative of a, as an [n, n, n] cube:
 * dPos[a, p, 1] = D[a, p], dNeg[a, 1, n] = D[a, n].
 */
export function mineAll(d: Tensor, m: LabelMasks): Mined {
  return {
    dPos: unsqueeze(d, 2),
    dNeg: unsqueeze(d, 1),
    valid: mul(unsqueeze(m.positive, 2), unsqueeze(m.negative, 1)),
  };
}

/**
 * batch-hard (Hermans et al. 2017): per anchor, the farthest positive and the closest negative.
 * An anchor without a positive or without a negative in the batch forms no triplet.
 */
export function mineHard(d: Tensor, m: LabelMasks): Mined & { posIndex: Tensor; negIndex: Tensor } {
  const posScores = where(m.positive, d, -FAR);
  const negScores = where(m.negative, d, FAR);
  return {
    dPos: max(posScores, 1),
    dNeg: min(negScores, 1),
    valid: mul(max(m.positive, 1), max(m.negative, 1)),
    posIndex: argmax(posScores, 1),
    negIndex: argmin(negScores, 1),
  };
}

/**
 * semi-hard (FaceNet, Schroff et al. 2015): for each positive pair (a, p), the closest negative
 * that is still farther than the positive, d(a, n) > d(a, p). If that negative is also inside the
 * margin, d(a, n) < d(a, p) + margin, the triplet is active; if it is beyond the margin the loss
 * is 0, as the definition wants. Fallback when no negative is farther than the positive (all are
 * harder): the farthest negative, the least hard of them — the choice TensorFlow Addons'
 * triplet_semihard_loss makes. Cube [a, p, n]; dPos, dNeg, valid are [n, n] over (a, p).
 */
export function mineSemiHard(d: Tensor, m: LabelMasks): Mined & { negIndex: Tensor } {
  const dAN = unsqueeze(d, 1); // [a, 1, n]
  const dAP = unsqueeze(d, 2); // [a, p, 1]
  const neg = unsqueeze(m.negative, 1); // [a, 1, n]
  const farther = mul(neg, cast(gt(dAN, dAP), "float32")); // [a, p, n]
  const semiScores = where(farther, dAN, FAR);
  const found = max(farther, 2); // [a, p]: 1 where some negative is farther than p
  const fallbackScores = where(neg, dAN, -FAR); // [a, 1, n]
  const dNeg = where(found, min(semiScores, 2), max(fallbackScores, 2));
  const negIndex = where(found, argmin(semiScores, 2), argmax(fallbackScores, 2));
  return { dPos: d, dNeg, valid: mul(m.positive, max(m.negative, 1, true)), negIndex };
}

export function mine(d: Tensor, labels: Tensor, rule: Mining): Mined {
  const m = labelMasks(labels);
  if (d.rank !== 2 || d.shape[0] !== labels.shape[0] || d.shape[1] !== labels.shape[0])
    throw new Error(
      `mine: distances must be [${labels.shape[0]}, ${labels.shape[0]}], got [${d.shape}]`,
    );
  if (rule === "all") return mineAll(d, m);
  if (rule === "hard") return mineHard(d, m);
  if (rule === "semihard") return mineSemiHard(d, m);
  throw new Error(`mine: unknown mining "${rule}"; valid: ${MININGS.join(", ")}`);
}
