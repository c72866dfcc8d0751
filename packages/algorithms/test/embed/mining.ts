// Triplet mining selects exactly its definition: on a crafted distance matrix where batch-hard,
// semi-hard and semi-hard's fallback each pick a different, known negative, and on a random
// symmetric matrix against plain loops that follow the papers' words.

import { type BackendKind, tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import { labelMasks, mineHard, mineSemiHard } from "../../src/index.ts";

const backends: BackendKind[] = ["cpu", "webgpu"];

/** Batch-hard by hand: the farthest positive and the closest negative of each anchor. */
function hardByHand(dm: number[][], labels: number[]) {
  return labels.map((la, a) => {
    let [pos, neg] = [-1, -1];
    labels.forEach((lb, b) => {
      if (b !== a && lb === la && (pos < 0 || dm[a][b] > dm[a][pos])) pos = b;
      if (lb !== la && (neg < 0 || dm[a][b] < dm[a][neg])) neg = b;
    });
    return { pos, neg };
  });
}

/**
 * Semi-hard by hand (FaceNet): for a positive pair (a, p), the closest negative with
 * d(a, n) > d(a, p); if there is none, the farthest negative (the stated fallback).
 */
function semiHardByHand(dm: number[][], labels: number[], a: number, p: number): number {
  const negs = labels.flatMap((l, b) => (l !== labels[a] ? [b] : []));
  const farther = negs.filter((b) => dm[a][b] > dm[a][p]);
  const byDist = (pick: (x: number, y: number) => boolean) => (best: number, b: number) =>
    pick(dm[a][b], dm[a][best]) ? b : best;
  if (farther.length) return farther.reduce(byDist((x, y) => x < y));
  return negs.reduce(byDist((x, y) => x > y));
}

async function mined(dm: number[][], labels: number[], backend: BackendKind) {
  const n = labels.length;
  const d = tensor(dm.flat(), { shape: [n, n], backend });
  const masks = labelMasks(tensor(labels, { dtype: "int32", backend }));
  const hard = mineHard(d, masks);
  const semi = mineSemiHard(d, masks);
  return {
    hardPos: Array.from(await hard.posIndex.data()),
    hardNeg: Array.from(await hard.negIndex.data()),
    hardDNeg: Array.from(await hard.dNeg.data64()),
    semiNeg: Array.from(await semi.negIndex.data()),
    semiDNeg: Array.from(await semi.dNeg.data64()),
  };
}

describe("triplet mining", () => {
  it("picks the known negative of each rule on a crafted batch", async () => {
    // Anchor 0 (label 0): positives 1 (d 1.0), 2 (d 3.0); negatives 3 (0.5), 4 (2.0), 5 (1.5).
    const labels = [0, 0, 0, 1, 2, 2];
    const row0 = [0, 1.0, 3.0, 0.5, 2.0, 1.5];
    const dm = labels.map((_, i) =>
      labels.map((_, j) => (i === j ? 0 : i === 0 ? row0[j] : j === 0 ? row0[i] : 4 + i + j)),
    );
    for (const backend of backends) {
      const r = await mined(dm, labels, backend);
      expect(r.hardPos[0], `${backend}: batch-hard positive = the farthest, 2`).toBe(2);
      expect(r.hardNeg[0], `${backend}: batch-hard negative = the closest, 3`).toBe(3);
      // (0, 1): negatives farther than 1.0 are 5 (1.5) and 4 (2.0): semi-hard takes 5.
      expect(r.semiNeg[0 * 6 + 1], `${backend}: semi-hard for (0, 1)`).toBe(5);
      expect(r.semiDNeg[0 * 6 + 1]).toBeCloseTo(1.5, 6);
      // (0, 2): no negative is farther than 3.0: the fallback takes the farthest, 4.
      expect(r.semiNeg[0 * 6 + 2], `${backend}: fallback for (0, 2)`).toBe(4);
      expect(r.semiDNeg[0 * 6 + 2]).toBeCloseTo(2.0, 6);
    }
  });

  it("matches the definitions on a random symmetric matrix", async () => {
    const labels = [0, 1, 0, 2, 1, 0, 2, 1, 3, 3];
    const n = labels.length;
    // Distinct distances (no ties) from a fixed irrational walk, symmetric, zero diagonal.
    const dm = labels.map((_, i) =>
      labels.map((_, j) =>
        i === j ? 0 : 0.1 + ((Math.sqrt(2) * (i + j + 1) * (Math.abs(i - j) + 3)) % 5),
      ),
    );
    const hard = hardByHand(dm, labels);
    for (const backend of backends) {
      const r = await mined(dm, labels, backend);
      expect(r.hardPos, backend).toEqual(hard.map((h) => h.pos));
      expect(r.hardNeg, backend).toEqual(hard.map((h) => h.neg));
      for (let a = 0; a < n; a++)
        for (let p = 0; p < n; p++) {
          if (p === a || labels[p] !== labels[a]) continue;
          const want = semiHardByHand(dm, labels, a, p);
          expect(r.semiNeg[a * n + p], `${backend}: semi-hard (${a}, ${p})`).toBe(want);
          expect(r.semiDNeg[a * n + p]).toBeCloseTo(dm[a][want], 5);
        }
    }
  });

  it("rejects float labels in one line", () => {
    expect(() => labelMasks(tensor([0, 1, 1]))).toThrow(
      /labelMasks: labels must be an int32 vector/,
    );
  });
});
