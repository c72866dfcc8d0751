// Pairwise distances against hand loops over the coordinates (float64 JavaScript), on the cpu
// oracle and WebGPU, including equal points: the value is 0 and the gradient finite — the hand
// gradient, which gives a pair at distance 0 no pull — and finite differences away from zero.

import { type BackendKind, grad, mul, sum, type Tensor, tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import { cosineSimilarity, euclideanDistances, squaredDistances } from "../../src/index.ts";
import { maxAbsDiff } from "../helpers.ts";

const backends: BackendKind[] = ["cpu", "webgpu"];
const rows = (v: number[], d: number) =>
  Array.from({ length: v.length / d }, (_, i) => v.slice(i * d, i * d + d));
const dist2 = (a: number[], b: number[]) => a.reduce((s, ai, k) => s + (ai - b[k]) ** 2, 0);
const dot = (a: number[], b: number[]) => a.reduce((s, ai, k) => s + ai * b[k], 0);

// Small integers: float32 holds every product and sum exactly, so equal rows give exactly 0 on
// the GPU too. Rows 0 and 3 of x are equal; y's row 1 equals x's row 2.
const X = [1, 2, -1, 0, 3, 1, -2, 2, 0, 1, 2, -1, 4, -3, 0];
const Y = [0, 0, 1, -2, 2, 0, 1, 1, 1];
const d = 3;

describe("pairwise distances", () => {
  it("match hand loops, with exact zeros for equal points", async () => {
    const xs = rows(X, d);
    const ys = rows(Y, d);
    for (const backend of backends) {
      const x = tensor(X, { shape: [5, d], backend });
      const y = tensor(Y, { shape: [3, d], backend });
      const self = await squaredDistances(x).data64();
      const cross = await squaredDistances(x, y).data64();
      const eu = await euclideanDistances(x, y).data64();
      const want = xs.flatMap((a) => xs.map((b) => dist2(a, b)));
      const wantCross = xs.flatMap((a) => ys.map((b) => dist2(a, b)));
      expect(maxAbsDiff(self, want), backend).toBeLessThan(1e-5);
      expect(maxAbsDiff(cross, wantCross), backend).toBeLessThan(1e-5);
      expect(maxAbsDiff(eu, wantCross.map(Math.sqrt)), backend).toBeLessThan(1e-5);
      expect(self[0 * 5 + 3], "equal rows").toBe(0);
      expect(cross[2 * 3 + 1], "equal rows across x and y").toBe(0);
    }
  });

  it("give a finite gradient at zero distance: the hand gradient, no NaN", async () => {
    // f(x) = Σ w_ij ‖x_i − x_j‖; ∂f/∂x_i = Σ_j (w_ij + w_ji)(x_i − x_j)/‖x_i − x_j‖ over j at
    // non-zero distance (a subgradient: 0 is what a pair at distance 0 contributes).
    const n = 5;
    const w = Array.from({ length: n * n }, (_, k) => 0.3 + ((k * 7) % 11) / 10);
    const xs = rows(X, d);
    const want = xs.flatMap((a, i) => {
      const g = [0, 0, 0];
      xs.forEach((b, j) => {
        const r = Math.sqrt(dist2(a, b));
        if (r > 0)
          for (let k = 0; k < d; k++) g[k] += ((w[i * n + j] + w[j * n + i]) * (a[k] - b[k])) / r;
      });
      return g;
    });
    for (const backend of backends) {
      const wt = tensor(w, { shape: [n, n], backend });
      const f = (x: Tensor) => sum(mul(euclideanDistances(x), wt));
      const [gx] = grad(f)(tensor(X, { shape: [n, d], backend }));
      const got = await gx.data64();
      expect(got.every(Number.isFinite), `${backend}: finite`).toBe(true);
      expect(maxAbsDiff(got, want), backend).toBeLessThan(backend === "cpu" ? 1e-12 : 1e-4);
    }
  });

  it("have the gradient of finite differences away from zero (float64)", async () => {
    const cpu = { backend: "cpu" as BackendKind };
    const x0 = [0.3, -1.2, 0.8, 1.1, 0.4, -0.5, -0.9, 0.2, 1.5, 0.05, -0.7, -1.3];
    const y = tensor([0.5, 0.1, -0.2, -1, 0.9, 0.3], { shape: [2, 3], ...cpu });
    const dir = x0.map((_, k) => Math.sin(3.7 * k + 1));
    const f = (x: Tensor) =>
      sum(mul(euclideanDistances(x), 0.7)).add(sum(euclideanDistances(x, y)));
    const at = (t: number) =>
      f(
        tensor(
          x0.map((v, k) => v + t * dir[k]),
          { shape: [4, 3], ...cpu },
        ),
      ).item();
    const h = 1e-6;
    const fd = ((await at(h)) - (await at(-h))) / (2 * h);
    const [gx] = grad(f)(tensor(x0, { shape: [4, 3], ...cpu }));
    const g = await gx.data64();
    expect(dot(Array.from(g), dir)).toBeCloseTo(fd, 7);
  });

  it("cosine similarity matches a hand loop, with and without normalisation", async () => {
    const xs = rows(X, d);
    const ys = rows(Y, d);
    const norm = (a: number[]) => Math.sqrt(dot(a, a));
    const want = xs.flatMap((a) => ys.map((b) => dot(a, b) / (norm(a) * norm(b))));
    const raw = xs.flatMap((a) => ys.map((b) => dot(a, b)));
    for (const backend of backends) {
      const x = tensor(X, { shape: [5, d], backend });
      const y = tensor(Y, { shape: [3, d], backend });
      expect(maxAbsDiff(await cosineSimilarity(x, y).data64(), want), backend).toBeLessThan(1e-6);
      const plain = await cosineSimilarity(x, y, false).data64();
      expect(maxAbsDiff(plain, raw), backend).toBeLessThan(1e-5);
    }
  });

  it("reject a wrong shape in one line", () => {
    const x = tensor([1, 2, 3, 4], { shape: [2, 2] });
    expect(() => squaredDistances(x, tensor([1, 2, 3], { shape: [1, 3] }))).toThrow(
      /squaredDistances: y must be \[m, 2\]/,
    );
  });
});
