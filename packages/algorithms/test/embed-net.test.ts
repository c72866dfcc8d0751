// The embedding net's training and evaluation on real images: a seed reproduces the weights, the
// loss falls on a fixed tiny batch, every loss trains a step without NaN, a saved net loads back
// to the same embeddings, the holdout spec is checked, and the shipped Fashion-MNIST net
// retrieves held-out classes clearly better than the same net at random init.

import { describe, expect, it } from "vitest";
import type { ImageSet } from "../src/gan/dcgan/data.ts";
import {
  EMBED_LOSSES,
  EmbeddingNet,
  EmbeddingTrainer,
  embedImages28,
  evaluateEmbedding,
  loadEmbeddingNet,
  loadEmbeddingNetBytes,
  loadImageSet,
  parseHoldout,
  saveEmbeddingNet,
  subsetByClass,
  trainEmbedding,
} from "../src/node.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

/** 4 images each of Fashion-MNIST classes 0–3 (the first ones of the test split): 16 images. */
async function tinySet(): Promise<ImageSet> {
  const set = await loadImageSet("fashion-mnist", { split: "test", limit: 200 });
  const rows: number[] = [];
  for (let c = 0; c < 4; c++) {
    for (let i = 0, got = 0; got < 4; i++) {
      if (set.labels[i] === c) {
        rows.push(i);
        got++;
      }
    }
  }
  const x = new Float32Array(rows.length * 784);
  rows.forEach((r, i) => {
    x.set(set.x.subarray(r * 784, (r + 1) * 784), i * 784);
  });
  return { ...set, x, labels: Int32Array.from(rows, (r) => set.labels[r]), n: rows.length };
}

const tiny = { width: 4, dim: 8, p: 4, k: 4 };

async function weights(net: EmbeddingNet): Promise<number[]> {
  const all: number[] = [];
  for (const p of net.parameters()) all.push(...(await p.data()));
  return all;
}

describe("embedding net training", () => {
  it("the same seed gives identical weights; another seed does not", async () => {
    const data = await tinySet();
    const run = async (seed: number) => {
      const r = await trainEmbedding(data, { ...tiny, loss: "triplet", steps: 3, seed });
      const w = await weights(r.net);
      r.net.dispose();
      return { w, losses: r.records.map((x) => x.loss) };
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a.w).toEqual(b.w);
    expect(a.losses).toEqual(b.losses);
    expect(c.w).not.toEqual(a.w);
  });

  it("the loss falls on a fixed tiny batch (softmax CE and batch-hard triplet)", async () => {
    const data = await tinySet();
    for (const cfg of [
      { loss: "softmax" as const },
      { loss: "triplet" as const, mining: "hard" as const },
    ]) {
      // P = 4 classes × K = 4 of a 4 × 4 set: every batch is the whole set, so the loss is a
      // function of the weights alone and must fall under Adam.
      const r = await trainEmbedding(data, { ...tiny, ...cfg, steps: 25, lr: 3e-3, seed: 2 });
      const first = r.records[0].loss;
      const last = r.records.slice(-5).reduce((s, x) => s + x.loss, 0) / 5;
      console.log(`${cfg.loss}: loss ${first.toFixed(4)} → ${last.toFixed(4)} (mean of last 5)`);
      expect(last).toBeLessThan(0.6 * first);
      // The collapse monitor recorded every step: 16 images, 4 per class → 48 positive pairs.
      expect(r.records.every((x) => x.monitor !== undefined)).toBe(true);
      expect(r.records[0].monitor?.positive.reduce((s, v) => s + v, 0)).toBe(48);
      r.net.dispose();
    }
  });

  it("every loss and mining trains a step to a finite loss", async () => {
    const data = await tinySet();
    const variants = [
      ...EMBED_LOSSES.filter((l) => l !== "triplet").map((loss) => ({ loss })),
      { loss: "triplet" as const, mining: "all" as const },
      { loss: "triplet" as const, mining: "semihard" as const },
      { loss: "triplet" as const, mining: "hard" as const, softMargin: true },
    ];
    for (const v of variants) {
      const t = new EmbeddingTrainer(data, { ...tiny, ...v, steps: 1 });
      const rec = await t.step();
      expect(Number.isFinite(rec.loss), JSON.stringify(v)).toBe(true);
      expect(rec.activeShare).toBeGreaterThanOrEqual(0);
      expect(rec.activeShare).toBeLessThanOrEqual(1);
      t.dispose();
      t.net.dispose();
    }
  });

  it("bad settings are refused with one line naming them", async () => {
    const data = await tinySet();
    expect(() => new EmbeddingTrainer(data, { p: 5 })).toThrow(/P = 5 classes .* only 4/);
    expect(() => new EmbeddingTrainer(data, { p: 4, loss: "hinge" as never })).toThrow(
      /loss "hinge"/,
    );
    expect(() => new EmbeddingTrainer(data, { p: 4, dim: 1 })).toThrow(/dim must be/);
    expect(() => parseHoldout("9-6")).toThrow(/backwards/);
    expect(() => parseHoldout("6-10")).toThrow(/class 10 does not exist/);
    expect(() => parseHoldout("5")).toThrow(/at least 2/);
    expect(() => parseHoldout("0-8")).toThrow(/leaves 1 class/);
    expect(parseHoldout("6-9")).toEqual([6, 7, 8, 9]);
    expect(parseHoldout("0-1,5")).toEqual([0, 1, 5]);
  });

  it("a saved net loads back to the same embeddings", async () => {
    const data = await tinySet();
    const net = new EmbeddingNet({ width: 4, dim: 8 }, { seed: 3 });
    const bytes = await saveEmbeddingNet(net, {
      data: "fashion-mnist",
      holdout: "6-9",
      train: "{}",
    });
    const back = await loadEmbeddingNetBytes(bytes);
    expect(back.holdout).toBe("6-9");
    expect(back.net.shape).toEqual(net.shape);
    expect(await embedImages28(back.net, data.x)).toEqual(await embedImages28(net, data.x));
    net.dispose();
    back.net.dispose();
  });

  it("the shipped Fashion-MNIST net beats its random init on the held-out classes 6–9", async () => {
    const shipped = await loadEmbeddingNet("embed-fashion-mnist");
    expect(shipped.holdout).toBe("6-9");
    const test = subsetByClass(
      await loadImageSet("fashion-mnist", { split: "test" }),
      [6, 7, 8, 9],
    );
    const random = new EmbeddingNet(shipped.net.shape, { seed: 1 });
    const limit = 400;
    const [mine, base] = [
      await evaluateEmbedding(shipped.net, test, { limit }),
      await evaluateEmbedding(random, test, { limit }),
    ];
    console.log(
      `held-out 6–9, ${limit} queries: MAP@R ${base.mapAtR.toFixed(3)} random → ${mine.mapAtR.toFixed(3)} shipped; R-precision ${base.rPrecision.toFixed(3)} → ${mine.rPrecision.toFixed(3)}; Recall@1 ${base.recall[1].toFixed(3)} → ${mine.recall[1].toFixed(3)}`,
    );
    // Recall@1 is not asserted: on these 4 classes a random net already finds a same-class
    // neighbour for ~92% of the first 400 queries (measured: 0.920 random, 0.905 shipped), so
    // it cannot tell the nets apart here; MAP@R and R-precision rank all R matches and can.
    expect(mine.mapAtR).toBeGreaterThan(base.mapAtR + MAP_MARGIN);
    expect(mine.rPrecision).toBeGreaterThan(base.rPrecision + MAP_MARGIN);
    shipped.net.dispose();
    random.dispose();
  });
});

/**
 * How far the shipped net's MAP@R and R-precision must clear the random net's: half the
 * measured MAP@R gap (0.487 random → 0.585 shipped on these 400 queries, lavapipe).
 */
const MAP_MARGIN = 0.05;
