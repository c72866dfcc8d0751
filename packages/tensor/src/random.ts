// Seeded random numbers. Counter-based: value i of a draw is a hash of (key, i), so a seed gives
// the same numbers on every backend, in any order, and a draw never depends on earlier ones.

/** A 32-bit integer hash with good avalanche (the "lowbias32" constants of C. Wellons). */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform in [0, 1) with 24 random bits, exactly representable in float32. */
export function uniformAt(key: number, i: number): number {
  return (hash32(key ^ hash32(i + 0x9e3779b9)) >>> 8) / 16777216;
}

/** Standard normal by Box-Muller over the uniform pair (2i, 2i+1). */
export function normalAt(key: number, i: number): number {
  const u1 = ((hash32(key ^ hash32(2 * i + 0x9e3779b9)) >>> 8) + 0.5) / 16777216;
  const u2 = uniformAt(key, 2 * i + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

let globalSeed = 0x5eed;
let draws = 0;

/** Reset the global generator: later unseeded draws repeat exactly. */
export function manualSeed(seed: number): void {
  globalSeed = seed >>> 0;
  draws = 0;
}

/** The key of one draw: the explicit seed, or the next key of the global stream. */
export function drawKey(seed?: number): number {
  if (seed !== undefined) return hash32(seed >>> 0);
  return hash32(hash32(globalSeed) + draws++);
}
