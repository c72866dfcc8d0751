// A short real style transfer on the shipped GoogLeNet (packages/models/weights): the demo's
// sample photo and painting at 64², GoogLeNet's default layers and weights (style/layers.ts),
// ten L-BFGS steps. The style loss must fall by the factor measured when this test was written
// (see the log line), with room for the adapter's float differences.

import { join } from "node:path";
import { loadGoogLeNetFile } from "@sheep/models/node";
import { resize2d } from "@sheep/tensor";
import { expect, test } from "vitest";
import { googLeNetDreamModel, readImageTensor, stylize } from "../src/node.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

const SAMPLES = join(import.meta.dirname, "..", "..", "..", "apps", "demo", "static", "samples");

test("GoogLeNet, 64², 10 L-BFGS steps: the style loss falls at least 10× (measured ÷28.8)", async () => {
  const model = googLeNetDreamModel(await loadGoogLeNetFile());
  const content = resize2d(await readImageTensor(join(SAMPLES, "astronaut.png")), [64, 64]);
  const style = await readImageTensor(join(SAMPLES, "starry_night.jpg"));
  const { record } = await stylize(model, content, [style], { steps: 10 });
  const styleLoss = (i: number) => Object.values(record[i].style).reduce((a, v) => a + v, 0);
  const factor = styleLoss(0) / styleLoss(9);
  console.log(
    `GoogLeNet 64², 10 L-BFGS steps: style loss ${styleLoss(0).toExponential(3)} → ${styleLoss(9).toExponential(3)} (÷${factor.toFixed(1)}), content ${record[9].content.toExponential(2)}, total ${record[0].total.toExponential(3)} → ${record[9].total.toExponential(3)}`,
  );
  expect(factor).toBeGreaterThan(10);
  expect(record[9].total).toBeLessThan(record[0].total);
}, 120_000);
