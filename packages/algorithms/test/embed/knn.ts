// GPU k-nearest neighbours equal brute force in float64 JavaScript, streamed through several
// gallery chunks (the last one partial), with ties: small-integer points make many distances
// exactly equal, and exact in float32 too, so the tie order (lower gallery index first) is tested.

import { tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import { knn, knnChunks } from "../../src/index.ts";
import { maxAbsDiff } from "../helpers.ts";

const [q, m, d, k] = [5, 37, 4, 6];
/** Deterministic small integers in [−3, 3]. */
const ints = (count: number, seed: number) =>
  Array.from(
    { length: count },
    (_, i) => (Math.floor(Math.abs(Math.sin(seed + i * 12.9898)) * 43758) % 7) - 3,
  );

/** Brute force: every gallery row scored, sorted best first, lower index first on a tie. */
function bruteForce(
  Q: number[],
  G: number[],
  score: (a: number[], b: number[]) => number,
  [nq, nm, dim] = [q, m, d],
) {
  const row = (v: number[], i: number) => v.slice(i * dim, i * dim + dim);
  return Array.from({ length: nq }, (_, i) => {
    const s = Array.from({ length: nm }, (_, j) => score(row(Q, i), row(G, j)));
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

  it("equal brute force in query blocks, with gallery chunks smaller than k", async () => {
    const Q = ints(q * d, 3);
    const G = ints(m * d, 4);
    const want = bruteForce(Q, G, (a, b) => -Math.hypot(...a.map((v, t) => v - b[t])));
    const r = knn(tensor(Q, { shape: [q, d] }), tensor(G, { shape: [m, d] }), k, {
      chunk: 5,
      queryChunk: 3,
    });
    expect(Array.from(await r.indices.data())).toEqual(want.flatMap((w) => w.order));
    expect(r.values.shape).toEqual([q, k]);
  });

  it("streams a 20k × 64 gallery in default chunks and equals float64 brute force", async () => {
    // Small integers keep every score exact in float32, so even the tie order must match.
    const [nq, nm, dim] = [3, 20000, 64];
    const Q = ints(nq * dim, 5);
    const G = ints(nm * dim, 6);
    const sq = (a: number[], b: number[]) => -a.reduce((s, v, t) => s + (v - b[t]) ** 2, 0);
    const want = bruteForce(Q, G, sq, [nq, nm, dim]);
    const r = knn(tensor(Q, { shape: [nq, dim] }), tensor(G, { shape: [nm, dim] }), k);
    expect(Array.from(await r.indices.data())).toEqual(want.flatMap((w) => w.order));
  });

  it("sizes chunks so that no buffer outgrows the device limits", () => {
    // A 100k × 128 gallery against 1000 queries on a device with 1 MiB bindings.
    const limits = { maxBufferSize: 4 << 20, maxStorageBufferBindingSize: 1 << 20 };
    const { chunk, queryChunk } = knnChunks(limits, 1000, 100_000, 128);
    const floats = (1 << 20) / 4;
    expect(chunk * 128).toBeLessThanOrEqual(floats);
    expect(queryChunk * chunk).toBeLessThanOrEqual(floats);
    expect(queryChunk * 128).toBeLessThanOrEqual(floats);
    expect(chunk).toBe(2048);
    expect(queryChunk).toBe(128);
    // Ample limits: one block of queries, the default chunk.
    const big = { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 };
    expect(knnChunks(big, 64, 100_000, 128)).toEqual({ chunk: 16384, queryChunk: 64 });
    // … but a score block stays within 128 MiB: 2²⁵ floats / 16384 = 2048 queries at once.
    expect(knnChunks(big, 10_000, 100_000, 128)).toEqual({ chunk: 16384, queryChunk: 2048 });
    expect(() =>
      knnChunks({ maxBufferSize: 64, maxStorageBufferBindingSize: 64 }, 1, 1, 128),
    ).toThrow(/knn: one row of 128 floats is over this device's buffer limit/);
  });

  it("rejects k beyond the gallery in one line", () => {
    const g = tensor([1, 2, 3, 4], { shape: [2, 2] });
    expect(() => knn(g, g, 3)).toThrow(
      /knn: k must be an integer in \[1, 2\] \(the gallery's size\), got 3/,
    );
  });
});
