// The shipped GoogLeNet fooled on a real photo (Chelsea the cat, from the demo's samples): a
// targeted PGD of ε = 0.01 (2.55 of 255 per pixel) turns it into a hen, and Grad-CAM runs on
// an inception block. Measured on lavapipe: Egyptian cat 50.6% → hen 99.9% in 5 steps.

import { join } from "node:path";
import { resize2d, tidy } from "@sheep/tensor";
import { expect, test } from "vitest";
import { attack, classIndex, gradCam, predict } from "../src/index.ts";
import { loadDreamModel, readImageTensor } from "../src/node.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

const chelsea = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "apps",
  "demo",
  "static",
  "samples",
  "chelsea.png",
);

test("targeted PGD (ε 0.01, 5 steps) makes GoogLeNet call Chelsea a hen; Grad-CAM runs", async () => {
  const { model } = await loadDreamModel({ model: "googlenet" });
  const photo = await readImageTensor(chelsea);
  const x = tidy(() => resize2d(photo, [224, 224]).clamp(0, 1));
  const hen = classIndex(model, "hen");
  const before = (await predict(model, x).data())[0];
  expect(model.classes?.[before]).toMatch(/cat/);
  const adv = attack(model, x, "pgd", { eps: 0.01, steps: 5, target: hen, seed: 1 });
  expect((await predict(model, adv).data())[0]).toBe(hen);
  const cam = await gradCam(model, x, "inception_5b/output");
  expect([cam.tapHeight, cam.tapWidth]).toEqual([7, 7]);
  expect(Math.max(...cam.heat)).toBeGreaterThan(0);
}, 300_000);
