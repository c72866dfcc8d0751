// Style transfer: the losses against plain-loop definitions, the whole loss's gradient against
// float64 finite differences and the cpu oracle, tiled equal to untiled, and the pipeline's
// properties (losses fall, blend (1, 0) is the single style, a seed reproduces a run).

import { engine, type Tensor, tensor } from "@sheep/tensor";
import { describe, expect, test } from "vitest";
import {
  evaluate,
  gramFactor,
  gramPart,
  type LossSetup,
  type LossTargets,
  type LossWeights,
  styleGrams,
  contentTargets,
  stylize,
  styleLayerLoss,
  tileLayout,
  totalVariation,
} from "../src/index.ts";
import { useWebGPU } from "./helpers.ts";
import { gramLoops, hashNoise, maxAbs, maxMagnitude, picture, styleNet } from "./style-helpers.ts";

useWebGPU();

const STYLE = { a: 1, b: 0.5, c: 2 };
const STRIDES = new Map([
  ["a", 1],
  ["b", 2],
  ["c", 4],
]);
const WEIGHTS: LossWeights = { content: 5, style: 100, tv: 1e-3, layers: STYLE };

describe("losses", () => {
  test("Gram per position, each normalisation, TV and content equal plain loops", async () => {
    const [c, h, w] = [5, 6, 7];
    const f = hashNoise(c * h * w, 1);
    const a = hashNoise(c * c, 2);
    const g = gramLoops(f, c, h * w);
    const ft = tensor(f, { shape: [1, c, h, w], backend: "cpu" });
    const gt = gramPart(ft, h * w);
    expect(maxAbs(await gt.data64(), g)).toBeLessThan(1e-12);
    let d2 = 0;
    for (let i = 0; i < c * c; i++) d2 += (g[i] - a[i]) ** 2;
    const at = tensor(a, { shape: [1, c, c], backend: "cpu" });
    // Gatys: Σ(G − A)²/(4C²M²) with G = FFᵀ; neural-style: mean of ((G − A)/(CM))²
    const expected = { gatys: d2 / (4 * c * c), johnson: d2 / (c * c), "neural-style": d2 / c ** 4 };
    for (const [norm, v] of Object.entries(expected)) {
      const got = await styleLayerLoss(gt, at, norm as keyof typeof expected).item();
      expect(got).toBeCloseTo(v, 10);
    }
    expect(gramFactor("gatys", 3)).toBeCloseTo(1 / 36, 12);
    expect(() => gramFactor("x" as never, 3)).toThrow(/unknown Gram normalisation "x"/);
    // TV: ½Σ(dx² + dy²) in 0–255 levels
    const img = hashNoise(3 * h * w, 3).map((v) => 0.5 + 0.5 * v);
    let tv = 0;
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const at = (yy: number, xx: number) => img[ch * h * w + yy * w + xx];
          if (x + 1 < w) tv += (at(y, x + 1) - at(y, x)) ** 2;
          if (y + 1 < h) tv += (at(y + 1, x) - at(y, x)) ** 2;
        }
      }
    }
    const tvGot = await totalVariation(tensor(img, { shape: [1, 3, h, w], backend: "cpu" })).item();
    expect(tvGot / (0.5 * 255 * 255 * tv)).toBeCloseTo(1, 10);
  });
});
