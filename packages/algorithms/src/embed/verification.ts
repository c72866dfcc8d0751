// Verification metrics on the host, in float64: pairs with a score (higher = more alike, e.g.
// cosine similarity or −distance) and a truth (same identity or not). ROC, AUC, EER, TAR@FAR,
// and LFW's 10-fold accuracy, where each fold's threshold is chosen on the other nine.

export interface RocPoint {
  threshold: number;
  /** False accept rate: different pairs scored ≥ threshold / all different pairs. */
  far: number;
  /** True accept rate: same pairs scored ≥ threshold / all same pairs. */
  tar: number;
}

function checkPairs(scores: ArrayLike<number>, same: ArrayLike<boolean>, name: string) {
  if (scores.length !== same.length)
    throw new Error(`${name}: ${scores.length} scores for ${same.length} truths`);
  let nSame = 0;
  for (let i = 0; i < same.length; i++) if (same[i]) nSame++;
  if (nSame === 0 || nSame === same.length)
    throw new Error(
      `${name}: needs both same and different pairs, got ${nSame} same of ${same.length}`,
    );
  return { nSame, nDiff: same.length - nSame };
}

/**
 * The ROC curve from (0, 0) to (1, 1): one point per distinct score, accepting every pair scored
 * at or above it. Tied scores enter together, so the curve never splits a tie.
 */
export function roc(scores: ArrayLike<number>, same: ArrayLike<boolean>): RocPoint[] {
  const { nSame, nDiff } = checkPairs(scores, same, "roc");
  const order = [...Array(scores.length).keys()].sort((a, b) => scores[b] - scores[a]);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, far: 0, tar: 0 }];
  let [ta, fa] = [0, 0];
  order.forEach((i, k) => {
    if (same[i]) ta++;
    else fa++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i])
      points.push({ threshold: scores[i], far: fa / nDiff, tar: ta / nSame });
  });
  return points;
}

/** Area under the ROC curve by the trapezoid rule (ties give a diagonal step: half credit). */
export function auc(points: RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++)
    area += ((points[i].far - points[i - 1].far) * (points[i].tar + points[i - 1].tar)) / 2;
  return area;
}

/**
 * Equal error rate: where FAR = FRR (= 1 − TAR), linearly interpolated between the two ROC
 * points that bracket the crossing.
 */
export function eer(points: RocPoint[]): number {
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    const ea = a.far - (1 - a.tar); // < 0 before the crossing, ≥ 0 after
    const eb = b.far - (1 - b.tar);
    if (eb >= 0) {
      const t = eb === ea ? 0 : -ea / (eb - ea);
      return a.far + t * (b.far - a.far);
    }
  }
  return 1;
}

/** TAR at a FAR budget: the best true accept rate among thresholds with FAR ≤ far. */
export function tarAtFar(points: RocPoint[], far: number): number {
  if (!(far >= 0 && far <= 1)) throw new Error(`tarAtFar: far must be in [0, 1], got ${far}`);
  return Math.max(...points.filter((p) => p.far <= far).map((p) => p.tar));
}

/** Accuracy of "same if score ≥ threshold" over the given pair indices. */
function accuracy(scores: ArrayLike<number>, same: ArrayLike<boolean>, idx: number[], t: number) {
  return idx.filter((i) => scores[i] >= t === Boolean(same[i])).length / Math.max(idx.length, 1);
}

export interface FoldResult {
  /** Mean held-out accuracy over the folds, and its standard deviation (as LFW reports). */
  accuracy: number;
  std: number;
  /** The threshold chosen on each fold's nine others. */
  thresholds: number[];
}

/**
 * LFW's protocol: split the pairs into `folds` contiguous folds; for each, pick the threshold
 * that maximises accuracy on the other folds, then measure accuracy on the held-out fold.
 * Candidates are the midpoints between consecutive distinct training scores (plus one below all
 * and +∞), so a threshold never sits exactly on a score it was not chosen from. Ties between
 * thresholds keep the lowest.
 */
export function kFoldAccuracy(
  scores: ArrayLike<number>,
  same: ArrayLike<boolean>,
  folds = 10,
): FoldResult {
  checkPairs(scores, same, "kFoldAccuracy");
  if (!(Number.isInteger(folds) && folds >= 2 && folds <= scores.length))
    throw new Error(
      `kFoldAccuracy: folds must be an integer in [2, ${scores.length}], got ${folds}`,
    );
  const n = scores.length;
  const accs: number[] = [];
  const thresholds: number[] = [];
  for (let f = 0; f < folds; f++) {
    const [lo, hi] = [Math.floor((f * n) / folds), Math.floor(((f + 1) * n) / folds)];
    const test = [...Array(hi - lo).keys()].map((i) => lo + i);
    const train = [...Array(n).keys()].filter((i) => i < lo || i >= hi);
    const sorted = [...new Set(train.map((i) => scores[i]))].sort((a, b) => a - b);
    const candidates = [sorted[0] - 1, ...sorted.slice(1).map((v, i) => (v + sorted[i]) / 2)];
    candidates.push(Number.POSITIVE_INFINITY);
    let best = candidates[0];
    for (const t of candidates)
      if (accuracy(scores, same, train, t) > accuracy(scores, same, train, best)) best = t;
    thresholds.push(best);
    accs.push(accuracy(scores, same, test, best));
  }
  const mean = accs.reduce((s, a) => s + a, 0) / folds;
  const std = Math.sqrt(accs.reduce((s, a) => s + (a - mean) ** 2, 0) / folds);
  return { accuracy: mean, std, thresholds };
}
