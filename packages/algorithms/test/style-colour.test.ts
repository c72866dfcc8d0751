// Style transfer's colour preservation and mask, measured: luminance-only transfer keeps the
// content's chroma (YIQ's I and Q, computed here with the NTSC coefficients), colour matching
// gives the style the content's colour mean and covariance, and a mask keeps the style out.

import { tensor } from "@sheep/tensor";
import { describe, expect, test } from "vitest";
import { matchColours, stylize } from "../src/index.ts";
import { useWebGPU } from "./helpers.ts";
import { picture, styleNet } from "./style-helpers.ts";

useWebGPU();

const base = {
  contentLayer: "b",
  styleLayers: { a: 1, b: 0.5, c: 2 },
  steps: 6,
  normalization: "gatys",
} as const;

/** Mean |ΔI| + |ΔQ| between two images (plain loops over the NTSC chroma rows). */
function chromaDistance(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  const I = [0.596, -0.274, -0.322];
  const Q = [0.211, -0.523, 0.312];
  let s = 0;
  for (let p = 0; p < n; p++) {
    const row = (x: ArrayLike<number>, m: number[]) =>
      m[0] * x[p] + m[1] * x[n + p] + m[2] * x[2 * n + p];
    s += Math.abs(row(a, I) - row(b, I)) + Math.abs(row(a, Q) - row(b, Q));
  }
  return s / n;
}

/** Per-channel means and the 3 × 3 covariance of an image's pixels (plain loops). */
function stats(x: ArrayLike<number>, n: number) {
  const mu = [0, 1, 2].map((c) => {
    let s = 0;
    for (let p = 0; p < n; p++) s += x[c * n + p];
    return s / n;
  });
  const cov = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => {
      let s = 0;
      for (let p = 0; p < n; p++) s += (x[i * n + p] - mu[i]) * (x[j * n + p] - mu[j]);
      return s / n;
    }),
  );
  return { mu, cov: cov.flat() };
}

describe("colour preservation", () => {
  test("luminance-only transfer keeps the content's chroma (measured against plain transfer)", async () => {
    const content = picture(20, 20, 1);
    const style = picture(20, 20, 2);
    const c = await content.data();
    const runs: Record<string, number> = {};
    for (const preserveColour of ["none", "luminance"] as const) {
      const { image } = await stylize(styleNet(), content, [style], { ...base, preserveColour });
      runs[preserveColour] = chromaDistance(await image.data(), c, 400);
    }
    console.log(
      `mean |ΔI|+|ΔQ| from the content: plain ${runs.none.toFixed(4)}, luminance-only ${runs.luminance.toFixed(4)}`,
    );
    expect(runs.luminance).toBeLessThan(0.01);
    expect(runs.none).toBeGreaterThan(5 * runs.luminance);
  });

  test("colour matching gives the style the content's colour mean and covariance", async () => {
    const content = picture(20, 20, 1);
    // a style with other colours: channels scaled and shifted unevenly
    const s = await picture(20, 20, 2).data();
    const tinted = s.map((v, i) => (i < 400 ? 0.3 * v + 0.1 : i < 800 ? 0.6 * v : 0.2 * v + 0.5));
    const style = tensor(tinted, { shape: [1, 3, 20, 20] });
    const matched = await (await matchColours(style, content)).data();
    const want = stats(await content.data(), 400);
    const before = stats(tinted, 400);
    const got = stats(matched, 400);
    const gap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    console.log(
      `colour stats gap to the content: before mean ${gap(before.mu, want.mu).toFixed(4)} cov ${gap(before.cov, want.cov).toFixed(5)}; after mean ${gap(got.mu, want.mu).toExponential(2)} cov ${gap(got.cov, want.cov).toExponential(2)}`,
    );
    expect(gap(got.mu, want.mu)).toBeLessThan(2e-3);
    expect(gap(got.cov, want.cov)).toBeLessThan(2e-3 * Math.max(...want.cov.map(Math.abs)));
    expect(gap(before.mu, want.mu)).toBeGreaterThan(0.05);
  });
});

describe("mask", () => {
  test("style changes the image where the mask is, much less where it is not", async () => {
    const content = picture(20, 20, 1);
    const style = picture(20, 20, 2);
    const m = new Float32Array(400).map((_, i) => (i % 20 >= 10 ? 1 : 0));
    const mask = tensor(m, { shape: [1, 1, 20, 20] });
    const { image } = await stylize(styleNet(), content, [style], {
      ...base,
      // layer a sees 3 × 3 pixels: columns 0…3 are 6 px from any masked-in position
      contentLayer: "a",
      styleLayers: { a: 1 },
      tvWeight: 0, // TV smooths everywhere, mask or not
      mask,
    });
    const [a, c] = [await image.data(), await content.data()];
    const change = (x0: number, x1: number) => {
      let s = 0;
      for (let ch = 0; ch < 3; ch++)
        for (let y = 0; y < 20; y++)
          for (let x = x0; x < x1; x++)
            s += Math.abs(a[ch * 400 + y * 20 + x] - c[ch * 400 + y * 20 + x]);
      return s / (3 * 20 * (x1 - x0));
    };
    const [left, right] = [change(0, 4), change(16, 20)];
    console.log(
      `mean |change| with the mask on the right half: left edge ${left.toFixed(4)}, right edge ${right.toFixed(4)}`,
    );
    expect(right).toBeGreaterThan(10 * left);
  });
});
