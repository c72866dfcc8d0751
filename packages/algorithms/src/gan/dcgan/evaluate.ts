// Scoring a generator against real images with one classifier's features: FID, KID, the
// Inception score and precision/recall, all on the same n samples.

import type { DreamModel } from "../../model.ts";
import { PIXELS } from "./data.ts";
import { embedImages, featureTap } from "./features.ts";
import { type Features, fid, inceptionScore, kid, precisionRecall } from "./metrics.ts";

export interface Scores {
  /** Samples per set. */
  n: number;
  /** The classifier and layer the features came from. */
  features: string;
  fid: number;
  kid: { mean: number; std: number };
  /** Of the generated set (of the real set when scoring real against real). */
  inceptionScore: number;
  precision: number;
  recall: number;
}

function head(f: Features, n: number): Features {
  return { data: f.data.subarray(0, n * f.d), n: Math.min(n, f.n), d: f.d };
}

/**
 * Scores of `fake` images against `real` ones (both [n·784] in [−1, 1]). Precision and recall
 * compare every pair, O(n²·d), so they use at most `prSamples` of each (default 1000).
 */
export async function scoreImages(
  model: DreamModel,
  real: Float32Array,
  fake: Float32Array,
  o: { prSamples?: number; kidSubsets?: number } = {},
): Promise<Scores> {
  const r = await embedImages(model, real);
  const f = await embedImages(model, fake);
  const m = Math.min(r.feats.n, f.feats.n);
  const pr = Math.min(o.prSamples ?? 1000, m);
  return {
    n: m,
    features: `${model.name}:${featureTap(model)} (${r.feats.d} values)`,
    fid: fid(head(r.feats, m), head(f.feats, m)),
    // Subsets of half the samples (at most 1000, as the reference code), so that they differ.
    kid: kid(r.feats, f.feats, {
      subsets: o.kidSubsets ?? 5,
      size: Math.min(1000, Math.max(2, Math.floor(m / 2))),
    }),
    inceptionScore: inceptionScore(f.probs),
    ...precisionRecall(head(r.feats, pr), head(f.feats, pr)),
  };
}

/** How many whole images a buffer holds (and a clear error when it is not whole). */
export function imageCount(images: Float32Array, what: string): number {
  const n = images.length / PIXELS;
  if (!Number.isInteger(n) || n < 2) throw new Error(`${what}: needs ≥ 2 whole 28×28 images`);
  return n;
}
