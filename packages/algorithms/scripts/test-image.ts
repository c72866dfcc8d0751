// A procedural landscape to dream on (sky, sun, clouds, two mountain ridges, trees, a lake with
// reflections): made from formulas and a seeded noise, so the repository needs no photo and
// anyone can regenerate it bit for bit.
//   node scripts/run-ts.mjs packages/algorithms/scripts/test-image.ts OUT.png [SIZE]

import { writeImageFile } from "@sheep/io";
import { rng } from "../src/common/rng.ts";

const [out, sizeArg] = process.argv.slice(2);
if (!out) {
  console.error(
    "usage: node scripts/run-ts.mjs packages/algorithms/scripts/test-image.ts OUT.png [SIZE]",
  );
  process.exit(2);
}
const S = Number(sizeArg ?? 256);

/** Value noise in [0, 1]: a seeded lattice, smoothstep-interpolated, several octaves. */
function noise(seed: number, cells = 256) {
  const r = rng(seed);
  const lattice = Float32Array.from({ length: cells * cells }, () => r.next());
  const at = (i: number, j: number) =>
    lattice[(((j % cells) + cells) % cells) * cells + (((i % cells) + cells) % cells)];
  const smooth = (t: number) => t * t * (3 - 2 * t);
  const one = (x: number, y: number) => {
    const [i, j] = [Math.floor(x), Math.floor(y)];
    const [u, v] = [smooth(x - i), smooth(y - j)];
    const top = at(i, j) * (1 - u) + at(i + 1, j) * u;
    const bottom = at(i, j + 1) * (1 - u) + at(i + 1, j + 1) * u;
    return top * (1 - v) + bottom * v;
  };
  return (x: number, y: number, octaves = 4) => {
    let [sum, amp, norm, f] = [0, 1, 0, 1];
    for (let o = 0; o < octaves; o++) {
      sum += amp * one(x * f, y * f);
      norm += amp;
      amp /= 2;
      f *= 2;
    }
    return sum / norm;
  };
}

type Rgb = [number, number, number];
const mix = (a: Rgb, b: Rgb, t: number): Rgb =>
  [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t) as Rgb;
const clamp01 = (t: number) => Math.min(1, Math.max(0, t));

const clouds = noise(1);
const rock = noise(2);
const horizon = 0.62;
const far = (x: number) =>
  0.5 + 0.06 * Math.sin(x * 7.1) + 0.04 * Math.sin(x * 17.3 + 1) + 0.05 * rock(x * 6, 0.5);
const near = (x: number) => 0.6 + 0.05 * Math.sin(x * 4.3 + 2) + 0.02 * Math.sin(x * 23 + 0.5);
const trees = Array.from({ length: 9 }, (_, i) => 0.06 + i * 0.11 + 0.03 * Math.sin(i * 3.7));

/** The scene above the water at (x, y) in [0, 1]², y downwards. */
function land(x: number, y: number): Rgb {
  let c = mix([0.12, 0.2, 0.5], [0.98, 0.62, 0.35], clamp01(y / horizon) ** 1.6);
  const d = Math.hypot(x - 0.7, y - 0.42);
  c = mix(c, [1, 0.95, 0.75], clamp01(1 - d / 0.09) ** 0.5 + 0.35 * clamp01(1 - d / 0.3) ** 2);
  const cloud = clamp01((clouds(x * 5, y * 12) - 0.55) * 4) * clamp01(1 - y / 0.5);
  c = mix(c, [0.95, 0.85, 0.9], cloud * 0.8);
  if (y > far(x)) c = mix([0.35, 0.3, 0.5], [0.25, 0.22, 0.4], rock(x * 20, y * 20));
  if (y > near(x)) c = mix([0.15, 0.35, 0.15], [0.3, 0.5, 0.2], rock(x * 30 + 9, y * 30));
  for (const tx of trees) {
    const base = near(tx) + 0.02;
    const top = base - 0.09;
    const half = 0.025 * clamp01((y - top) / (base - top));
    if (y > top && y < base && Math.abs(x - tx) < half) c = [0.05, 0.18, 0.08];
  }
  return c;
}

const data = new Uint8ClampedArray(S * S * 4);
for (let py = 0; py < S; py++) {
  for (let px = 0; px < S; px++) {
    const [x, y] = [(px + 0.5) / S, (py + 0.5) / S];
    let c: Rgb;
    if (y < horizon + 0.04 || y < near(x) + 0.02) c = land(x, y);
    else {
      // the lake: the scene mirrored about the shore line, rippled and tinted
      const shore = horizon + 0.04;
      const ripple = 0.006 * Math.sin(y * 180 + 4 * Math.sin(x * 20));
      c = mix(land(x + ripple, 2 * shore - y), [0.05, 0.15, 0.3], 0.35 + 0.4 * (y - shore));
    }
    data.set([...c.map((v) => Math.round(255 * clamp01(v))), 255], (py * S + px) * 4);
  }
}
await writeImageFile(out, { width: S, height: S, data });
console.log(`wrote ${out} (${S}×${S})`);
