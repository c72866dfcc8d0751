// Brush occlusion and the shipped test-batch format: painting over the patch that decides the
// class lowers its probability by the hand-computed amount; strokes between two scores cost one
// forward, and a score with nothing new painted costs none; the batch file reads back as written.

import { expect, test } from "vitest";
import { BrushOcclusion, labelledBatchFile, readLabelledBatch } from "../src/index.ts";
import { patchModel } from "./hand-models.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

/** 24×24 grey at 0.5 with a white 6×6 patch at (14, 4): patchModel's deciding patch. */
function patchImage(): Float32Array {
  const data = new Float32Array(24 * 24).fill(0.5);
  for (let y = 14; y < 20; y++) data.fill(1, y * 24 + 4, y * 24 + 10);
  return data;
}

/** patchModel, counting its forward passes. */
function countedModel() {
  const model = patchModel(24, 14, 4, 6);
  const counter = { forwards: 0 };
  return {
    counter,
    model: {
      ...model,
      forward: (x: Parameters<typeof model.forward>[0], taps: readonly string[]) => {
        counter.forwards++;
        return model.forward(x, taps);
      },
    },
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

test("painting over the deciding patch lowers its probability as computed by hand", async () => {
  const { model } = countedModel();
  const brush = new BrushOcclusion(patchImage(), 1, 24, 24, 0);
  const clean = await brush.score(model, 2);
  expect(clean.top[0].label).toBe("patch");
  // z₀ = 20·(1 − 0.5) = 10
  expect(clean.cleanTopProbability).toBeCloseTo(sigmoid(10), 5);
  // a disc of radius 1.5 around (7.5, 17.5), a pixel centre, covers the 3×3 pixels 6…8 × 16…18, all in the patch
  expect(brush.paint(7.5, 17.5, 1.5)).toBe(true);
  expect(brush.mask.reduce((a, v) => a + v, 0)).toBe(9);
  expect(brush.paint(7.5, 17.5, 1.5)).toBe(false); // nothing new
  const after = await brush.score(model, 2);
  // 9 of the patch's 36 pixels at 0: mean 27/36, z₀ = 20·(0.75 − 0.5) = 5
  expect(after.cleanTopProbability).toBeCloseTo(sigmoid(5), 5);
  expect(after.strokes).toBe(1);
});

test("strokes between two scores are scored by one forward; no change runs none", async () => {
  const { model, counter } = countedModel();
  const brush = new BrushOcclusion(patchImage(), 1, 24, 24, 0);
  await brush.score(model);
  const first = counter.forwards; // the clean image and the painted one
  for (let x = 5; x <= 9; x++) brush.paint(x, 15, 1); // five strokes
  const s = await brush.score(model);
  expect(s.strokes).toBe(5);
  expect(counter.forwards - first).toBe(1);
  const again = await brush.score(model);
  expect(again.strokes).toBe(0);
  expect(counter.forwards - first).toBe(1);
  expect(again.top).toEqual(s.top);
  brush.clear();
  expect((await brush.score(model)).cleanTopProbability).toBeCloseTo(sigmoid(10), 5);
  expect(() => brush.paint(Number.NaN, 1, 2)).toThrow(/finite point/);
  expect(() => new BrushOcclusion(new Float32Array(5), 1, 2, 2)).toThrow(/not \[1, 2, 2\]/);
});

test("a labelled batch file reads back as written (bytes: values rounded to 1/255)", async () => {
  const images = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => ((i * 7) % 256) / 255);
  const labels = Int32Array.from([2, 0, 9]);
  const bytes = labelledBatchFile({ images, shape: [3, 1, 4, 4], labels }, { data: "test" });
  const back = await readLabelledBatch(bytes);
  expect(back.shape).toEqual([3, 1, 4, 4]);
  expect([...back.labels]).toEqual([2, 0, 9]);
  expect(Math.max(...back.images.map((v, i) => Math.abs(v - images[i])))).toBeLessThan(1e-6);
  expect(back.metadata.data).toBe("test");
});
