// The projector against independent answers: PCA on data built with known principal axes and
// variances, checked against ml-matrix's SVD too (both eigen-solvers); trustworthiness on a
// hand-computed case; t-SNE, exact and Barnes–Hut, keeping four Gaussian clusters apart.

import { tensor } from "@sheep/tensor";
import { SVD } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { pca, projectEmbeddings, trustworthiness, tsne } from "../../src/index.ts";

/** Orthonormal columns [d][d] by Gram–Schmidt of fixed, independent vectors. */
function basis(d: number): number[][] {
  const cols: number[][] = [];
  for (let j = 0; j < d; j++) {
    const c = Array.from(
      { length: d },
      (_, i) => Math.sin(1 + 3.1 * i + 1.7 * j * j) + (i === j ? 2 : 0),
    );
    for (const b of cols) {
      const dot = c.reduce((s, v, i) => s + v * b[i], 0);
      for (let i = 0; i < d; i++) c[i] -= dot * b[i];
    }
    const norm = Math.hypot(...c);
    cols.push(c.map((v) => v / norm));
  }
  return cols;
}

/** Same sign convention as the code under test: largest-magnitude entry positive. */
const canon = (v: number[]) => {
  const big = v.reduce((b, x, i) => (Math.abs(x) > Math.abs(v[b]) ? i : b), 0);
  return v[big] < 0 ? v.map((x) => -x) : v;
};

describe("PCA", () => {
  // X = Z Vᵀ: Z's columns are discrete cosines of different frequencies (zero-mean, mutually
  // orthogonal) scaled by s, so the covariance's eigenvectors are V's columns and its
  // eigenvalues s² ‖cosine‖² / (n − 1), known without any solver.
  const [n, d] = [120, 6];
  const s = [5, 3, 2, 1, 0.5, 0.2];
  const v = basis(d);
  const z = Array.from({ length: n }, (_, r) =>
    s.map((sk, k) => sk * Math.cos((Math.PI * (k + 1) * (r + 0.5)) / n)),
  );
  const x = z.map((row) =>
    Array.from({ length: d }, (_, i) => row.reduce((a, zk, k) => a + zk * v[k][i], 0)),
  );
  const norm2 = (k: number) => z.reduce((a, row) => a + (row[k] / s[k]) ** 2, 0);
  const wantVar = s.map((sk, k) => (sk * sk * norm2(k)) / (n - 1));

  for (const jacobiMax of [256, 0]) {
    it(`finds the known axes and variances (${jacobiMax ? "Jacobi" : "subspace iteration"})`, async () => {
      const r = await pca(tensor(x.flat(), { shape: [n, d] }), 3, { jacobiMax });
      expect(r.solver).toBe(jacobiMax ? "jacobi" : "subspace");
      for (let k = 0; k < 3; k++) {
        const want = canon(v[k]);
        for (let i = 0; i < d; i++) expect(r.axes[k][i]).toBeCloseTo(want[i], 4);
        expect(r.variances[k] / wantVar[k]).toBeCloseTo(1, 4);
      }
      const total = wantVar.reduce((a, b) => a + b, 0);
      expect(r.explained[0]).toBeCloseTo(wantVar[0] / total, 4);
      // Coordinates are the latent columns up to the sign the axis took.
      const c = await r.coords.data64();
      for (let k = 0; k < 3; k++) {
        const sign = Math.sign(canon(v[k])[0] / v[k][0]);
        for (let row = 0; row < n; row += 17)
          expect(c[row * 3 + k]).toBeCloseTo(sign * z[row][k], 3);
      }
    });
  }

  it("agrees with ml-matrix's SVD of the centred data on random data", async () => {
    const [m, dim] = [50, 5];
    const data = Array.from({ length: m * dim }, (_, i) => Math.sin(i * 1.37) * (1 + (i % dim)));
    const rows = Array.from({ length: m }, (_, r) => data.slice(r * dim, r * dim + dim));
    const mu = Array.from({ length: dim }, (_, j) => rows.reduce((a, r) => a + r[j], 0) / m);
    const svd = new SVD(rows.map((r) => r.map((x, j) => x - mu[j])));
    const r = await pca(tensor(data, { shape: [m, dim] }), 2);
    for (let k = 0; k < 2; k++) {
      const want = canon(svd.rightSingularVectors.getColumn(k));
      for (let i = 0; i < dim; i++) expect(r.axes[k][i]).toBeCloseTo(want[i], 4);
      expect(r.variances[k]).toBeCloseTo(svd.diagonal[k] ** 2 / (m - 1), 3);
    }
  });
});

describe("trustworthiness", () => {
  it("is 1 for the same points and matches a hand computation", () => {
    const high = [0, 1, 3, 6, 10, 15];
    expect(trustworthiness(high, 1, high, 1, 2)).toBe(1);
    // Point 5 moved next to 0 and 1: points 0, 1 and 5 each get an intruder of original rank
    // 5 as their nearest neighbour: penalty 3 × (5 − 1) = 12; T = 1 − 2·12 / (6·1·8) = 0.5.
    expect(trustworthiness(high, 1, [0, 1, 3, 6, 10, 0.5], 1, 1)).toBeCloseTo(0.5, 12);
    expect(() => trustworthiness(high, 1, high, 1, 3)).toThrow(
      /k must be an integer in \[1, n\/2\)/,
    );
  });
});

/** Four Gaussian clusters of 40 points in 10-D, centres 10σ apart. */
function clusters() {
  const [per, dim] = [40, 10];
  let seed = 7;
  const uni = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed + 0.5) / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
  const points: number[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 4; c++) {
    for (let p = 0; p < per; p++) {
      for (let t = 0; t < dim; t++) points.push((t === c ? 10 : 0) + gauss());
      labels.push(c);
    }
  }
  return { points, labels, n: 4 * per, dim };
}

describe("t-SNE", () => {
  for (const method of ["exact", "barnes-hut"] as const) {
    for (const dims of [2, 3] as const) {
      it(`keeps four clusters apart (${method}, ${dims}-D): trustworthiness ≥ 0.9`, async () => {
        const { points, labels, n, dim } = clusters();
        const r = await tsne(tensor(points, { shape: [n, dim] }), {
          method,
          dims,
          perplexity: 10,
          iterations: 400,
        });
        expect(r.method).toBe(method);
        expect(Number.isFinite(r.kl)).toBe(true);
        expect(trustworthiness(points, dim, r.coords, dims, 5)).toBeGreaterThanOrEqual(0.9);
        // Every point's nearest neighbour in the map is from its own cluster.
        let same = 0;
        for (let i = 0; i < n; i++) {
          let best = -1;
          let bd = Number.POSITIVE_INFINITY;
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            let d2 = 0;
            for (let t = 0; t < dims; t++)
              d2 += (r.coords[i * dims + t] - r.coords[j * dims + t]) ** 2;
            if (d2 < bd) [bd, best] = [d2, j];
          }
          if (labels[best] === labels[i]) same++;
        }
        expect(same).toBe(n);
      });
    }
  }

  it("rejects a perplexity too large for the points in one line", async () => {
    const x = tensor(
      Array.from({ length: 20 }, (_, i) => i),
      { shape: [10, 2] },
    );
    await expect(tsne(x, { perplexity: 5 })).rejects.toThrow(/tsne: perplexity must be in \[1, /);
    await expect(projectEmbeddings(x, { dims: 4 as 2 })).rejects.toThrow(
      /dims must be 2 or 3, got 4/,
    );
  });
});
