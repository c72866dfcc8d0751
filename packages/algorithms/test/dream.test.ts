// DeepDream's properties on a tiny random CNN: the objective rises, seeds reproduce, tiles
// match the untiled gradient, octaves have the sizes asked for, class mixtures push their
// classes, and an abort returns the last finished image.

import { noGrad, type Tensor, tidy } from "@sheep/tensor";
import { beforeAll, describe, expect, test } from "vitest";
import {
  type DreamModel,
  type DreamProgress,
  dream,
  layerObjective,
  octaveSizes,
  parseClassMixture,
  tapsOf,
  tileLayout,
} from "../src/index.ts";
import { maxAbsDiff, testImage, tinyModel, useWebGPU } from "./helpers.ts";

useWebGPU();

let model: DreamModel;
beforeAll(() => {
  model = tinyModel();
});
const quick = { octaves: 1, steps: 4, jitter: 2 };

describe("dream", () => {
  test("the objective rises over steps, and the image stays in [0, 1]", async () => {
    const seen: DreamProgress[] = [];
    const out = await dream(model, testImage(32, 32), { ...quick, steps: 6, stepSize: 3 }, (p) => {
      seen.push(p);
    });
    expect(out.shape).toEqual([1, 3, 32, 32]);
    const values = seen.map((p) => p.objective);
    expect(values.at(-1)!).toBeGreaterThan(values[0] * 1.05);
    const rises = values.slice(1).filter((v, i) => v > values[i]).length;
    expect(rises).toBeGreaterThanOrEqual(values.length - 2);
    const data = await out.data();
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
  });

  test("a seed reproduces the same bits; another seed does not", async () => {
    const run = async (seed: number) =>
      (await dream(model, testImage(24, 24), { ...quick, jitter: 6, seed })).data();
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
  });

  test("tiles with enough overlap give the untiled dream", async () => {
    const image = testImage(48, 40);
    const opts = { ...quick, steps: 3, jitter: 5, seed: 3 };
    const untiled = await dream(model, image, { ...opts, tile: "off" });
    const seen: number[] = [];
    const tiled = await dream(model, image, { ...opts, tile: 32, tileOverlap: 8 }, (p) => {
      seen.push(p.tiles);
    });
    expect(seen[0]).toBe(tileLayout(48, 40, 32, 8, 2).flat().length);
    expect(seen[0]).toBeGreaterThan(4);
    expect(maxAbsDiff(await untiled.data(), await tiled.data())).toBeLessThan(2e-4);
  });

  test("tile layouts cover the image once, boxes on the stride grid and within the tile", () => {
    const tiles = tileLayout(100, 70, 48, 8, 4).flat();
    const hits = new Uint8Array(100 * 70);
    for (const { core, box } of tiles) {
      const [y, x, h, w] = core;
      for (let i = y; i < y + h; i++) for (let j = x; j < x + w; j++) hits[i * 70 + j]++;
      expect(box[0] % 4).toBe(0);
      expect(box[1] % 4).toBe(0);
      expect(Math.max(box[2], box[3])).toBeLessThanOrEqual(48);
    }
    expect(hits.every((v) => v === 1)).toBe(true);
  });

  test("octaves have the sizes asked for, smallest first", async () => {
    expect(octaveSizes(100, 60, 4, 1.4)).toEqual([
      [36, 22],
      [51, 31],
      [71, 43],
      [100, 60],
    ]);
    // too small for the network: dropped, but the full size always runs
    expect(octaveSizes(20, 20, 3, 2, 8)).toEqual([
      [10, 10],
      [20, 20],
    ]);
    const sizes: [number, number][] = [];
    const out = await dream(
      model,
      testImage(40, 30),
      { octaves: 3, octaveScale: 1.5, steps: 1 },
      (p) => {
        sizes.push(p.size);
      },
    );
    expect(sizes).toEqual(octaveSizes(40, 30, 3, 1.5));
    expect(out.shape).toEqual([1, 3, 40, 30]);
  });

  test("a class mixture raises its classes' logits more than the others", async () => {
    const image = testImage(32, 32);
    const logits = async (x: Tensor) =>
      Array.from(
        await noGrad(() => tidy(() => tapsOf(model, x, ["logits"]).get("logits")!)).data(),
      );
    const before = await logits(image);
    const objective = parseClassMixture("two:0.5,4:0.5", model.classes);
    expect(objective).toEqual([
      { kind: "class", index: 2, weight: 0.5 },
      { kind: "class", index: 4, weight: 0.5 },
    ]);
    const out = await dream(model, image, { ...quick, steps: 8, objective });
    const after = await logits(out);
    const gain = after.map((v, i) => v - before[i]);
    const others = [0, 1, 3].map((i) => gain[i]);
    expect(Math.min(gain[2], gain[4])).toBeGreaterThan(Math.max(...others));
  });

  test("channels, guides, mean objectives and other normalisations all dream", async () => {
    const image = testImage(32, 32);
    for (const options of [
      { objective: { kind: "channel", layer: "c2", channel: 3 } as const },
      { objective: { kind: "guide", layer: "c2", image: testImage(24, 28) } as const },
      { objective: layerObjective("c1:1,c3:0.5", "mean") },
      { normalize: "laplacian" as const },
      { normalize: "meanAbs" as const },
    ]) {
      const seen: number[] = [];
      const out = await dream(model, image, { ...quick, ...options }, (p) => {
        seen.push(p.objective);
      });
      expect(out.shape).toEqual([1, 3, 32, 32]);
      expect(seen.at(-1)!).toBeGreaterThan(seen[0]);
    }
  });

  test("an abort returns the last finished step at full size", async () => {
    const controller = new AbortController();
    let calls = 0;
    const image = testImage(40, 40);
    const out = await dream(
      model,
      image,
      { octaves: 2, steps: 5 },
      () => {
        if (++calls === 3) controller.abort();
      },
      controller.signal,
    );
    expect(calls).toBe(3);
    expect(out.shape).toEqual([1, 3, 40, 40]);
    expect(maxAbsDiff(await out.data(), await image.data())).toBeGreaterThan(0);
  });

  test("bad objectives fail with one clear line", async () => {
    const image = testImage(16, 16);
    await expect(dream(model, image, { objective: layerObjective("nope:1") })).rejects.toThrow(
      /tiny has no layer "nope"/,
    );
    await expect(
      dream(model, image, { objective: { kind: "channel", layer: "c1", channel: 99 } }),
    ).rejects.toThrow(/channels 0–7, not 99/);
    expect(() => parseClassMixture("zebra:1", model.classes)).toThrow(/no class is called/);
    await expect(dream(model, testImage(16, 16).mean(1, true))).rejects.toThrow(/one RGB image/);
  });

  test("an image smaller than the objective's layers need is refused with the size to use", async () => {
    const small = { ...model, minSize: () => 24 };
    await expect(dream(small, testImage(20, 30))).rejects.toThrow(
      /needs at least 24 px on the image's shorter side; this image is 30×20/,
    );
  });
});
