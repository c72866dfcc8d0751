// The lab's measurements of a generator, as in the mode-collapse literature (Metz et al. 2017,
// Srivastava et al. 2017): each sample belongs to its nearest mode if it lies within 3σ of it
// ("high quality"); a mode counts as covered once it holds a minimum share of the samples.

import type { ToyData } from "./data.ts";

export interface Coverage {
  /** Samples per mode that lie within 3σ of it (nearest mode only). */
  hits: number[];
  /** Modes holding at least `minShare` of the samples. */
  covered: number;
  /** Share of samples within 3σ of their nearest mode. */
  quality: number;
}

/**
 * Count which modes the samples [x0, y0, x1, y1, …] hit. A stray sample or two near a mode
 * does not cover it: the mode needs `minShare` (default 1%) of all samples.
 */
export function coverage(samples: ArrayLike<number>, data: ToyData, minShare = 0.01): Coverage {
  const modes = data.modes;
  const hits = modes.map(() => 0);
  const n = samples.length / 2;
  if (modes.length === 0 || n === 0) return { hits, covered: 0, quality: 0 };
  const r2 = (3 * data.std) ** 2;
  let good = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i];
    const y = samples[2 * i + 1];
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    modes.forEach(([mx, my], k) => {
      const d = (x - mx) ** 2 + (y - my) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    });
    if (bestD <= r2) {
      hits[best]++;
      good++;
    }
  }
  const need = Math.max(1, Math.ceil(minShare * n));
  return { hits, covered: hits.filter((h) => h >= need).length, quality: good / n };
}

/** One row of the training record, taken every `evalEvery` steps. */
export interface ToyRecord {
  step: number;
  dLoss: number;
  gLoss: number;
  covered: number;
  quality: number;
  /** The coverage timeline: which modes are hit at this step (counts per mode). */
  hits: number[];
}
