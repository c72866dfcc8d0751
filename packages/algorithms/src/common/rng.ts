// A small seeded generator for the pipelines' random choices (jitter, roll, transformations),
// so a seed reproduces a run exactly. mulberry32: 32 bits of state, plenty for picking offsets.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer uniform in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
  /** One element of a list, uniformly. */
  pick<T>(items: readonly T[]): T;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)] };
}
