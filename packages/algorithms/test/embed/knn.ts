// GPU k-nearest neighbours equal brute force in float64 JavaScript, streamed through several
// gallery chunks (the last one partial), with ties: small-integer points make many distances
// exactly equal, and exact in float32 too, so the tie order (lower gallery index first) is tested.

import { tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import { knn } from "../../src/index.ts";
import { maxAbsDiff } from "../helpers.ts";

const [q, m, d, k] = [5, 37, 4, 6];
/** Deterministic small integers in [−3, 3]. */
const ints = (count: number, seed: number) =>
  Array.from(
    { length: count },
    (_, i) => (Math.floor(Math.abs(Math.sin(seed + i * 12.9898)) * 43758) % 7) - 3,
  );

/** Brute force: every gallery row scored, sorted best first, lower index first on a tie. */
function bruteForce(Q: number[], G: number[], score: (a: number[], b: number[]) => number) {
  const row = (v: number[], i: number) => v.slice(i * d, i * d + d);
  return Array.from({ length: q }, (_, i) => {
    const s = Array.from({ length: m }, (_, j) => score(row(Q, i), row(G, j)));
    const order = [...s.keys()].sort((a, b) => s[b] - s[a] || a - b).slice(0, k);
    return { order, values: order.map((j) => s[j]) };
  });
}

describe("GPU k-nearest neighbours", () => {
  it("equal brute force over chunks, ties included (Euclidean)", async () => {
    const Q = ints(q * d, 1);
    const G = ints(m * d, 2);
    const want = bruteForce(Q, G, (a, b) => -Math.hypot(...a.map((v, t) => v - b[t])));
    const ties = want.filter((w) => new Set(w.values).size < k).length;
    expect(ties, "the data must hold ties within the top k").toBeGreaterThan(0);
    const r = knn(tensor(Q, { shape: [q, d] }), tensor(G, { shape: [m, d] }), k, { chunk: 8 });
    const idx = Array.from(await r.indices.data());
    expect(idx).toEqual(want.flatMap((w) => w.order));
    const dist = await r.values.data64();
    expect(
      maxAbsDiff(
        dist,
        want.flatMap((w) => w.values.map((v) => -v)),
      ),
    ).toBeLessThan(1e-5);
  });

  it("equal brute force by cosine similarity", async () => {
    const Q = Array.from({ length: q * d }, (_, i) => Math.sin(0.7 * i + 0.2));
    const G = Array.from({ length: m * d }, (_, i) => Math.cos(1.9 * i + 0.5));
    const cos = (a: number[], b: number[]) => {
      const dot = (x: number[], y: number[]) => x.reduce((s, v, t) => s + v * y[t], 0);
      return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    };
    const want = bruteForce(Q, G, cos);
    const r = knn(tensor(Q, { shape: [q, d] }), tensor(G, { shape: [m, d] }), k, {
      metric: "cosine",
      chunk: 16,
    });
    expect(Array.from(await r.indices.data())).toEqual(want.flatMap((w) => w.order));
    expect(
      maxAbsDiff(
        await r.values.data64(),
        want.flatMap((w) => w.values),
      ),
    ).toBeLessThan(1e-5);
  });

  it("rejects k beyond the gallery in one line", () => {
    const g = tensor([1, 2, 3, 4], { shape: [2, 2] });
    expect(() => knn(g, g, 3)).toThrow(
      /knn: k must be an integer in \[1, 2\] \(the gallery's size\), got 3/,
    );
  });
});
