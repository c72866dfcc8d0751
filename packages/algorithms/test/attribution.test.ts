// Attribution: occlusion finds the patch that decides, Grad-CAM matches a hand computation,
// Integrated Gradients add up to the score's change, gradients of a linear model are its
// weights, and bad arguments get one-line errors.

import { tensor } from "@sheep/tensor";
import { describe, expect, test } from "vitest";
import {
  gradCam,
  inferno,
  integratedGradients,
  occlusion,
  overlayHeatmap,
  saliency,
  smoothGrad,
  windowStarts,
} from "../src/index.ts";
import { linearModel, patchModel, squareCamModel } from "./hand-models.ts";
import { maxAbsDiff, testImage, tinyModel, useWebGPU } from "./helpers.ts";

useWebGPU();

/** 24×24 grey at 0.5 with a white 6×6 patch at (14, 4), the patch the model decides by. */
function patchImage() {
  const side = 24;
  const data = new Float32Array(side * side).fill(0.5);
  for (let y = 14; y < 20; y++) data.fill(1, y * side + 4, y * side + 10);
  return tensor(data, { shape: [1, 1, side, side] });
}

describe("occlusion", () => {
  test("window starts cover the far edge", () => {
    expect(windowStarts(10, 4, 4)).toEqual([0, 4, 6]);
    expect(windowStarts(8, 4, 2)).toEqual([0, 2, 4]);
  });

  test("the map of an image where one patch decides the class peaks on that patch", async () => {
    const model = patchModel(24, 14, 4, 6);
    const map = await occlusion(model, patchImage(), { window: 6, stride: 2, baseline: 0 });
    expect(map.windows).toBe(100);
    expect(map.target).toBe(0);
    expect(map.probability).toBeGreaterThan(0.99);
    const top = map.heat.indexOf(Math.max(...map.heat));
    const [y, x] = [Math.floor(top / 24), top % 24];
    expect(y >= 14 && y < 20 && x >= 4 && x < 10).toBe(true);
    // pixels no window over the patch covers: no drop at all
    expect(map.heat[0]).toBe(0);
    expect(map.heat[23 * 24 + 23]).toBe(0);
    // by hand: a window hiding c of the patch's 36 pixels sets z₀ = 20·((36 − c)/36 − 0.5), and
    // p(patch) = sigmoid(z₀); each pixel averages p₀ − p over the windows covering it
    const p = (c: number) => 1 / (1 + Math.exp(-20 * ((36 - c) / 36 - 0.5)));
    const overlap = (a: number, b: number) => Math.max(0, Math.min(a + 6, b + 6) - Math.max(a, b));
    const starts = windowStarts(24, 6, 2);
    const want = new Float64Array(24 * 24);
    for (let y = 0; y < 24; y++) {
      for (let x = 0; x < 24; x++) {
        const drops: number[] = [];
        for (const top of starts.filter((t) => t <= y && y < t + 6)) {
          for (const left of starts.filter((l) => l <= x && x < l + 6)) {
            drops.push(p(0) - p(overlap(top, 14) * overlap(left, 4)));
          }
        }
        want[y * 24 + x] = drops.reduce((a, b) => a + b, 0) / drops.length;
      }
    }
    expect(maxAbsDiff(map.heat, want)).toBeLessThan(1e-5);
  });
});

describe("Grad-CAM", () => {
  test("equals the hand computation on a 1×1-conv net with a squared pool", async () => {
    const [cin, k, classes, h, w] = [2, 3, 2, 3, 4];
    const wts = Float32Array.from([0.8, -0.3, -0.5, 1.1, 0.4, 0.9]);
    const v = Float32Array.from([1, -2, 0.5, -0.7, 1.3, 0.6]);
    const model = squareCamModel(wts, v, k, classes);
    const xd = Float32Array.from(
      { length: cin * h * w },
      (_, i) => Math.sin(1.7 * i + 0.3) * 0.5 + 0.5,
    );
    const cam = await gradCam(model, tensor(xd, { shape: [1, cin, h, w] }), "feat", { target: 1 });
    // by hand: A_k = Σ_ch w[k, ch]·x_ch; ∂z/∂A_k = 2·V[1, k]·A_k/(hw); α_k = its mean
    const hw = h * w;
    const a = Array.from({ length: k }, (_, kk) =>
      Array.from({ length: hw }, (_, i) => wts[kk * cin] * xd[i] + wts[kk * cin + 1] * xd[hw + i]),
    );
    const alpha = a.map((ak, kk) => {
      const dz = ak.map((t) => (2 * v[1 * k + kk] * t) / hw); // V is [classes, k]; class 1
      return dz.reduce((s2, t) => s2 + t, 0) / hw;
    });
    const want = Array.from({ length: hw }, (_, i) =>
      Math.max(
        0,
        a.reduce((s, ak, kk) => s + alpha[kk] * ak[i], 0),
      ),
    );
    expect(cam.tapHeight).toBe(h);
    expect(cam.tapWidth).toBe(w);
    expect(maxAbsDiff(cam.coarse, want)).toBeLessThan(1e-5 * Math.max(...want.map(Math.abs), 1));
    expect(Math.max(...want)).toBeGreaterThan(0);
    expect(cam.heat.length).toBe(h * w);
  });
});

describe("gradients", () => {
  const w = Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5, -2, 1]);
  const image = () => tensor(Float32Array.from([0.2, 0.9, 0.4, 0.6]), { shape: [1, 1, 2, 2] });

  test("saliency and SmoothGrad of a linear model are its target's weights", async () => {
    const model = linearModel(w, 2);
    const x = image();
    const s = await saliency(model, x, { target: 1 });
    expect(maxAbsDiff(s.values, w.subarray(4))).toBeLessThan(1e-6);
    expect(maxAbsDiff(s.heat, w.subarray(4).map(Math.abs))).toBeLessThan(1e-6);
    const sg = await smoothGrad(model, x, { target: 1, samples: 8, batchSize: 4 });
    expect(maxAbsDiff(sg.values, w.subarray(4))).toBeLessThan(1e-5);
  });

  test("Integrated Gradients of a linear model: exactly w ⊙ (x − baseline)", async () => {
    const model = linearModel(w, 2);
    const x = image();
    const ig = await integratedGradients(model, x, { target: 0, steps: 4 });
    const xd = [0.2, 0.9, 0.4, 0.6];
    expect(
      maxAbsDiff(
        ig.values,
        xd.map((v, i) => v * w[i]),
      ),
    ).toBeLessThan(1e-6);
    expect(Math.abs(ig.total - ig.delta)).toBeLessThan(1e-5);
  });

  // Measured on lavapipe: |Σ − Δ| = 3.7% of |Δ| with 64 steps, 0.19% with 128 steps on the
  // tiny random CNN (ReLU kinks along the path are the midpoint rule's error).
  test("Integrated Gradients on a CNN add up to z(x) − z(baseline) within 1%", async () => {
    const model = tinyModel(5);
    const ig = await integratedGradients(model, testImage(16, 16), { steps: 128, batchSize: 64 });
    const error = Math.abs(ig.total - ig.delta) / Math.abs(ig.delta);
    console.log(
      `IG: Σ ${ig.total.toFixed(5)} vs Δ ${ig.delta.toFixed(5)} (${(100 * error).toFixed(2)}%)`,
    );
    expect(Math.abs(ig.delta)).toBeGreaterThan(1e-3);
    expect(error).toBeLessThan(0.01);
  });
});

describe("heatmaps and bad inputs", () => {
  test("inferno's ends and an overlay", () => {
    expect(inferno(0).map((v) => Math.round(v * 255))).toEqual([0, 0, 4]);
    expect(inferno(1).map((v) => Math.round(v * 255))).toEqual([252, 255, 164]);
    const out = overlayHeatmap(
      new Float32Array(4).fill(1),
      1,
      Float32Array.from([0, 0, 0, 2]),
      2,
      2,
      {
        alpha: 1,
      },
    );
    expect([out[3], out[7], out[11]].map((v) => Math.round(v * 255))).toEqual([252, 255, 164]);
    expect(() => overlayHeatmap(new Float32Array(4), 1, new Float32Array(3), 2, 2)).toThrow(
      "heatmap: image [1, 2, 2] and heat of 3 do not match",
    );
  });

  test("a window larger than the image, an unknown layer, a batch", async () => {
    const model = patchModel(24, 14, 4, 6);
    await expect(occlusion(model, patchImage(), { window: 30 })).rejects.toThrow(
      "occlusion: window 30 does not fit the 24×24 image (1…24)",
    );
    const cam = squareCamModel(new Float32Array(2).fill(1), new Float32Array(2).fill(1), 1, 2);
    await expect(
      gradCam(cam, tensor(new Float32Array(4), { shape: [1, 1, 2, 2] }), "conv9"),
    ).rejects.toThrow('square-cam has no layer "conv9"; its layers:');
    await expect(
      saliency(model, tensor(new Float32Array(2 * 576), { shape: [2, 1, 24, 24] })),
    ).rejects.toThrow("saliency: needs one image [1, C, H, W], got [2, 1, 24, 24]");
  });
});
