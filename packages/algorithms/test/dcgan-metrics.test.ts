// FID, KID, the Inception score and precision/recall against values known independently:
// the 2×2 closed form tr √M = √(tr M + 2√det M), Gaussians sampled with known moments, and
// sets whose answers are obvious (identical, far apart, one-hot). Host code only: no device.

import { Matrix } from "ml-matrix";
import { describe, expect, test } from "vitest";
import {
  features,
  fid,
  frechetDistance,
  inceptionScore,
  kid,
  precisionRecall,
  rng,
  sqrtPsd,
} from "../src/index.ts";

/** n samples of N(mu, L·Lᵀ) from a seeded Box–Muller. */
function gaussian(n: number, mu: number[], L: number[][], seed: number) {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  const d = mu.length;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: d }, normal);
    for (let j = 0; j < d; j++) {
      let v = mu[j];
      for (let k = 0; k < d; k++) v += L[j][k] * e[k];
      out[i * d + j] = v;
    }
  }
  return features(out, n, d);
}

describe("FID", () => {
  test("the matrix square root squares back", () => {
    const s = new Matrix([
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ]);
    const r = sqrtPsd(s);
    const back = r.mmul(r);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(back.get(i, j)).toBeCloseTo(s.get(i, j), 10);
  });

  test("two 2-D Gaussians: the closed form tr √M = √(tr M + 2√det M)", () => {
    const a = {
      mu: Float64Array.from([0, 1]),
      cov: new Matrix([
        [2, 0.6],
        [0.6, 1],
      ]),
    };
    const b = {
      mu: Float64Array.from([1.5, -0.5]),
      cov: new Matrix([
        [0.5, -0.2],
        [-0.2, 3],
      ]),
    };
    // Σ₁Σ₂ is not symmetric (they do not commute); its eigenvalues are real and positive.
    const m = a.cov.mmul(b.cov);
    const det = m.get(0, 0) * m.get(1, 1) - m.get(0, 1) * m.get(1, 0);
    const trRoot = Math.sqrt(m.trace() + 2 * Math.sqrt(det));
    const expected = 1.5 ** 2 + 1.5 ** 2 + a.cov.trace() + b.cov.trace() - 2 * trRoot;
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 10);
  });

  test("of a set with itself ≈ 0; of sampled Gaussians ≈ the closed form", () => {
    const L1 = [
      [1, 0, 0],
      [0.5, 1, 0],
      [0, 0.3, 0.5],
    ];
    const L2 = [
      [1.5, 0, 0],
      [0, 0.7, 0],
      [0.2, 0, 1],
    ];
    const x = gaussian(20000, [0, 0, 0], L1, 1);
    const y = gaussian(20000, [1, 0, -1], L2, 2);
    expect(fid(x, x)).toBeLessThan(1e-9);
    const cov = (L: number[][]) => new Matrix(L).mmul(new Matrix(L).transpose());
    const exact = frechetDistance(
      { mu: Float64Array.from([0, 0, 0]), cov: cov(L1) },
      { mu: Float64Array.from([1, 0, -1]), cov: cov(L2) },
    );
    // Sampling error of 20,000 draws; the exact value is ≈ 2.9.
    expect(Math.abs(fid(x, y) - exact)).toBeLessThan(0.05 * exact);
    // Two samples of the same distribution: only sampling noise.
    expect(fid(x, gaussian(20000, [0, 0, 0], L1, 3))).toBeLessThan(0.01);
  });

  test("refuses features of different sizes", () => {
    expect(() =>
      fid(features(new Float64Array(4), 2, 2), features(new Float64Array(6), 2, 3)),
    ).toThrow(/feature sizes differ \(2 and 3\)/);
  });
});

describe("KID (unbiased)", () => {
  test("≈ 0 for two samples of one distribution, clearly positive for different ones", () => {
    const L = [
      [1, 0],
      [0.3, 1],
    ];
    const x = gaussian(600, [0, 0], L, 4);
    const same = kid(x, gaussian(600, [0, 0], L, 5), { subsets: 5, size: 300 });
    const other = kid(x, gaussian(600, [1, 1], L, 6), { subsets: 5, size: 300 });
    expect(Math.abs(same.mean)).toBeLessThan(3 * same.std + 0.01);
    expect(other.mean).toBeGreaterThan(0.3);
    expect(other.mean).toBeGreaterThan(10 * Math.abs(same.mean));
  });
});

describe("Inception score", () => {
  const oneHot = (labels: number[], k: number) => {
    const out = new Float64Array(labels.length * k);
    labels.forEach((c, i) => {
      out[i * k + c] = 1;
    });
    return features(out, labels.length, k);
  };
  test("confident and spread over K classes scores K; one class scores 1; unsure scores 1", () => {
    expect(inceptionScore(oneHot([0, 1, 2, 3, 4, 0, 1, 2, 3, 4], 5))).toBeCloseTo(5, 10);
    expect(inceptionScore(oneHot([2, 2, 2, 2], 5))).toBeCloseTo(1, 10);
    expect(inceptionScore(features(new Float64Array(20).fill(0.2), 4, 5))).toBeCloseTo(1, 10);
  });
});

describe("precision and recall", () => {
  test("a set against itself: 1 and 1; far apart: 0 and 0; a collapsed generator: high precision, low recall", () => {
    const x = gaussian(
      300,
      [0, 0],
      [
        [1, 0],
        [0, 1],
      ],
      7,
    );
    expect(precisionRecall(x, x)).toEqual({ precision: 1, recall: 1 });
    expect(
      precisionRecall(
        x,
        gaussian(
          300,
          [50, 50],
          [
            [1, 0],
            [0, 1],
          ],
          8,
        ),
      ),
    ).toEqual({
      precision: 0,
      recall: 0,
    });
    // Mode collapse: every fake near the origin, where the real set is dense.
    const collapsed = gaussian(
      300,
      [0, 0],
      [
        [0.05, 0],
        [0, 0.05],
      ],
      9,
    );
    const pr = precisionRecall(x, collapsed);
    expect(pr.precision).toBeGreaterThan(0.95);
    expect(pr.recall).toBeLessThan(0.3);
  });
});
