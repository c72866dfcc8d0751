// Latent-space helpers on host vectors: slerp's endpoints and norms, lerp's shrinking middle,
// walks, and the arithmetic of averaged exemplars.

import { describe, expect, test } from "vitest";
import { arithmetic, lerp, meanCode, rng, slerp, walk } from "../src/index.ts";

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

function code(seed: number, d = 100): Float32Array {
  const r = rng(seed);
  return Float32Array.from(
    { length: d },
    () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next()),
  );
}

describe("slerp", () => {
  test("hits both endpoints exactly", () => {
    const [a, b] = [code(1), code(2)];
    const s0 = slerp(a, b, 0);
    const s1 = slerp(a, b, 1);
    for (let i = 0; i < a.length; i++) {
      expect(s0[i]).toBeCloseTo(a[i], 5);
      expect(s1[i]).toBeCloseTo(b[i], 5);
    }
  });

  test("keeps the norm between codes of equal norm; lerp's midpoint falls inside the sphere", () => {
    const a = code(3);
    const b0 = code(4);
    const b = b0.map((v) => (v * norm(a)) / norm(b0));
    for (const t of [0.1, 0.25, 0.5, 0.9]) expect(norm(slerp(a, b, t)) / norm(a)).toBeCloseTo(1, 5);
    // Two random 100-D codes are nearly orthogonal: the lerp midpoint has norm ≈ ‖a‖/√2.
    expect(norm(lerp(a, b, 0.5)) / norm(a)).toBeLessThan(0.85);
  });

  test("moves at constant angular speed (codes of equal norm)", () => {
    const a = code(5);
    const b0 = code(6);
    const b = b0.map((v) => (v * norm(a)) / norm(b0));
    const angle = (u: ArrayLike<number>, v: ArrayLike<number>) =>
      Math.acos(Array.from(u).reduce((s, x, i) => s + x * v[i], 0) / (norm(u) * norm(v)));
    const total = angle(a, b);
    expect(angle(a, slerp(a, b, 0.3))).toBeCloseTo(0.3 * total, 4);
  });

  test("parallel codes fall back to lerp; bad input names the problem", () => {
    const a = code(7);
    const b = a.map((v) => 2 * v);
    expect(Array.from(slerp(a, b, 0.5))).toEqual(Array.from(lerp(a, b, 0.5)));
    expect(() => slerp(a, code(8, 10), 0.5)).toThrow(/codes of 100 and 10 values/);
  });
});

describe("walks and arithmetic", () => {
  test("a walk has the frames asked for and ends on its endpoints", () => {
    const [a, b] = [code(9), code(10)];
    const frames = walk(a, b, 5);
    expect(frames).toHaveLength(5);
    expect(frames[4][3]).toBeCloseTo(b[3], 5);
    expect(() => walk(a, b, 1)).toThrow(/frames 1 must be an integer ≥ 2/);
  });

  test("mean(a) − mean(b) + mean(c), element by element", () => {
    const [a, b, c] = [
      [code(11), code(12), code(13)],
      [code(14), code(15), code(16)],
      [code(17), code(18), code(19)],
    ];
    const out = arithmetic(a, b, c);
    const [ma, mb, mc] = [meanCode(a), meanCode(b), meanCode(c)];
    expect(out[7]).toBeCloseTo(ma[7] - mb[7] + mc[7], 6);
    expect(ma[0]).toBeCloseTo((a[0][0] + a[1][0] + a[2][0]) / 3, 6);
  });
});
