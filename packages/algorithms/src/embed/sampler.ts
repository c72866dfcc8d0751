// The P×K batch sampler for metric learning (Hermans et al. 2017): each batch holds P classes
// with K examples each, so every anchor has K − 1 positives and (P − 1)·K negatives in the batch —
// what batch-hard and semi-hard mining need. Host side, seeded: a seed reproduces the batches.

import { rng } from "../common/rng.ts";

export interface PKOptions {
  /** Classes per batch. */
  p: number;
  /** Examples per class. */
  k: number;
  seed?: number;
}

/**
 * An endless stream of batches of dataset indices, P·K long, grouped class by class. Classes are
 * drawn without replacement within a batch; a class with fewer than K examples is drawn with
 * replacement (its examples repeat) so that K always holds.
 */
export function pkSampler(labels: ArrayLike<number>, opts: PKOptions): () => number[] {
  const { p, k, seed = 0 } = opts;
  if (!Number.isInteger(p) || p < 2)
    throw new Error(`pkSampler: p must be an integer ≥ 2, got ${p}`);
  if (!Number.isInteger(k) || k < 2)
    throw new Error(`pkSampler: k must be an integer ≥ 2, got ${k}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  if (classes.length < p)
    throw new Error(
      `pkSampler: p = ${p} classes per batch, but the labels hold only ${classes.length}`,
    );
  const r = rng(seed);
  // Partial Fisher–Yates: the first `count` entries of a shuffled copy.
  const draw = <T>(items: readonly T[], count: number): T[] => {
    const a = [...items];
    for (let i = 0; i < count; i++) {
      const j = r.int(i, a.length - 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, count);
  };
  return () =>
    draw(classes, p).flatMap((c) => {
      const members = byClass.get(c) as number[];
      if (members.length >= k) return draw(members, k);
      return Array.from({ length: k }, () => r.pick(members));
    });
}
