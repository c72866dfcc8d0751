// dreamStep is the dream's own step (what the demo's Engine page traces): one octave of one step
// of dream() gives the same image, the step's formula matches one written out by hand, and
// engine.trace records every dispatch of it.

import { abs, engine, mean, roll, type Tensor, tidy, valueAndGrad } from "@sheep/tensor";
import { beforeAll, expect, test } from "vitest";
import {
  actualPositions,
  type DreamModel,
  dream,
  dreamStep,
  layerObjective,
  prepareObjective,
  tapsOf,
} from "../src/index.ts";
import { maxAbsDiff, testImage, tinyModel, useWebGPU } from "./helpers.ts";

useWebGPU();

let model: DreamModel;
beforeAll(() => {
  model = tinyModel();
});

test("one step of dream() (one octave, no jitter, untiled) is dreamStep", async () => {
  const image = testImage(32, 32);
  const o = { stepSize: 3, normalize: "meanAbs" } as const;
  const full = await dream(model, image, { ...o, octaves: 1, steps: 1, jitter: 0, tile: "off" });
  const objective = prepareObjective(model, layerObjective({ c2: 1 }));
  const { next, value } = tidy(() => dreamStep(model, objective, image, o));
  const [a, b] = [await full.data(), await next.data()];
  expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
  expect(maxAbsDiff(a, await image.data())).toBeGreaterThan(1e-3); // the step moved the image
  expect(await value.item()).toBeGreaterThan(0);
  for (const t of [full, next, value, image]) t.dispose();
  objective.dispose();
});

test("the step is x + stepSize/255 · g / mean|g|, g taken on the rolled image and rolled back", async () => {
  const image = testImage(24, 20);
  const objective = prepareObjective(model, layerObjective({ c1: 1, c2: 0.5 }));
  const shift: [number, number] = [3, -2];
  const got = tidy(() => {
    const o = { stepSize: 4, normalize: "meanAbs", shift } as const;
    return dreamStep(model, objective, image, o).next;
  });
  // by hand: the objective's gradient at the rolled image, rolled back, scaled, added, clamped
  const want = tidy(() => {
    const f = (y: Tensor) => objective.value(tapsOf(model, y, objective.taps), actualPositions);
    const g = roll(valueAndGrad(f)(roll(image, shift, [2, 3])).grads[0], [-3, 2], [2, 3]);
    return image.add(g.div(mean(abs(g)).add(1e-8)).mul(4 / 255)).clamp(0, 1);
  });
  expect(maxAbsDiff(await got.data(), await want.data())).toBeLessThan(1e-5);
  for (const t of [got, want, image]) t.dispose();
  objective.dispose();
});

test("engine.trace records the step's forward, backward and update dispatches", async () => {
  const image = testImage(16, 16);
  const objective = prepareObjective(model, layerObjective({ c2: 1 }));
  const kept: Tensor[] = [];
  const records = await engine.trace(() =>
    tidy(() => {
      const { next, value } = dreamStep(model, objective, image, {
        stepSize: 1.5,
        normalize: "std",
        shift: [2, 1],
      });
      kept.push(next, value);
      return kept;
    }),
  );
  const ops = records.map((r) => r.op);
  const kernels = records.map((r) => r.kernel);
  // the roll (two concats a dim) opens the step; forward convs, then the backward's transposes
  expect(ops.slice(0, 4)).toEqual(["concat", "concat", "concat", "concat"]);
  const lastConv = ops.lastIndexOf("conv2d");
  expect(lastConv).toBeGreaterThan(0);
  expect(ops.indexOf("convTranspose2d")).toBeGreaterThan(lastConv);
  expect(ops).toContain("maxPool2dGrad");
  // the update ends it: x + step · g / std(g), clamped to [0, 1] (fused into one kernel)
  expect(kernels.some((k) => /maximum·minimum/.test(k))).toBe(true);
  for (const t of [...kept, image]) t.dispose();
  objective.dispose();
});
