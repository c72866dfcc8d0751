// k-means on the GPU against the host k-means (float64) with the same seed: on three separated
// clusters both find the classes (NMI 1), and on overlapping data they agree with each other.

import { tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import { kMeans, kMeansGpu, nmi } from "../../src/index.ts";

describe("k-means on the GPU", () => {
  it("finds separated clusters and agrees with the host k-means", async () => {
    const centres = [
      [0, 0, 1],
      [6, 0, -1],
      [0, 6, 0],
    ];
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 30; i++) {
      const c = i % 3;
      for (let j = 0; j < 3; j++) x.push(centres[c][j] + Math.sin(1.7 * i + j) * 0.8);
      y.push(c);
    }
    const gpu = await kMeansGpu(tensor(x, { shape: [30, 3] }), 3, 7);
    expect(nmi(y, gpu)).toBeCloseTo(1, 12);
    // Overlapping blobs: the answer depends on seeding and ties, so compare the two routes.
    const blur = x.map((v, i) => v * 0.15 + Math.cos(i * 0.9));
    const a = await kMeansGpu(tensor(blur, { shape: [30, 3] }), 3, 7);
    expect(nmi(kMeans(blur, 3, 3, 7), a)).toBeCloseTo(1, 6);
    await expect(() => kMeansGpu(tensor(x, { shape: [30, 3] }), 31)).rejects.toThrow(/n ≥ k ≥ 1/);
  });
});
