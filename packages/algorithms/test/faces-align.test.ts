// Face alignment on synthetic landmarks: a known similarity transform is recovered exactly,
// the chip template is dlib's geometry, and the chip samples the image where the inverse
// transform says (bilinear sampling reproduces a linear ramp exactly). Host-only, no GPU.

import { describe, expect, test } from "vitest";
import {
  ALIGN_POINTS,
  alignFace,
  applySimilarity,
  chipTemplate,
  FACE_CHIP,
  fitSimilarity,
  invertSimilarity,
  type Similarity,
} from "../src/index.ts";

/** 68 landmarks whose five alignment points are exactly `five` (each group collapsed). */
function landmarksFrom(five: { x: number; y: number }[]) {
  const pts = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
  ALIGN_POINTS.forEach((idx, k) => {
    for (const i of idx) pts[i] = { ...five[k] };
  });
  return pts;
}

describe("fitSimilarity", () => {
  test("recovers a known scale, rotation and translation from exact points", () => {
    const t: Similarity = { a: 1.7 * Math.cos(0.4), b: 1.7 * Math.sin(0.4), tx: -12, ty: 33 };
    const src = [
      { x: 3, y: 4 },
      { x: -7, y: 2 },
      { x: 10, y: -5 },
      { x: 0.5, y: 9 },
    ];
    const fit = fitSimilarity(
      src,
      src.map((p) => applySimilarity(t, p)),
    );
    for (const k of ["a", "b", "tx", "ty"] as const) expect(fit[k]).toBeCloseTo(t[k], 10);
  });

  test("is the least-squares fit: with noise, no nearby transform has a smaller error", () => {
    const src = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 0, y: 10 },
      { x: 7, y: 7 },
    ];
    const dst = [
      { x: 1.1, y: 2 },
      { x: 21, y: 2.3 },
      { x: 0.8, y: 22 },
      { x: 15, y: 16.2 },
    ];
    const err = (t: Similarity) =>
      src.reduce((s, p, i) => {
        const q = applySimilarity(t, p);
        return s + (q.x - dst[i].x) ** 2 + (q.y - dst[i].y) ** 2;
      }, 0);
    const fit = fitSimilarity(src, dst);
    const e0 = err(fit);
    for (const k of ["a", "b", "tx", "ty"] as const) {
      for (const d of [-1e-3, 1e-3]) expect(err({ ...fit, [k]: fit[k] + d })).toBeGreaterThan(e0);
    }
  });

  test("refuses coincident source points", () => {
    const p = { x: 1, y: 1 };
    expect(() => fitSimilarity([p, p], [p, { x: 2, y: 2 }])).toThrow(/coincide/);
  });
});

describe("chip template (dlib's get_face_chip_details geometry: 150 px, padding 0.25)", () => {
  test("eyes level and mirror-symmetric about the chip's centre line, mouth below the nose", () => {
    const [le, re, nose, ml, mr] = chipTemplate();
    expect(le.y).toBeCloseTo(re.y, 6);
    // dlib's mean shape is centred on x = 0.490127, i.e. (0.490127 + 0.25) / 1.5 · 150.
    const axis = ((0.490127 + 0.25) / 1.5) * 150;
    expect((le.x + re.x) / 2).toBeCloseTo(axis, 1);
    expect(nose.x).toBeCloseTo(axis, 4);
    expect(ml.y).toBeGreaterThan(nose.y);
    expect(ml.y).toBeCloseTo(mr.y, 6);
    // Eye distance: about 0.53 of the unpadded shape → ~53 px of 150.
    expect(re.x - le.x).toBeGreaterThan(50);
    expect(re.x - le.x).toBeLessThan(56);
  });
});

describe("alignFace", () => {
  // A face placed in a 300×200 image by a known transform: rotated 20°, scaled 0.8, shifted.
  const toChip: Similarity = (() => {
    const s = 1 / 0.8;
    const th = (20 * Math.PI) / 180;
    return { a: s * Math.cos(th), b: s * Math.sin(th), tx: -60, ty: -20 };
  })();
  const toImage = invertSimilarity(toChip);
  const landmarks = landmarksFrom(chipTemplate().map((p) => applySimilarity(toImage, p)));
  // R = x / 2, G = y (both below 255 inside the image), B = 128: linear ramps.
  const width = 300;
  const height = 200;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x / 2, y, 128, 255], (y * width + x) * 4);
  }

  test("recovers the transform that placed the landmarks", () => {
    const { transform } = alignFace({ width, height, data }, landmarks);
    for (const k of ["a", "b", "tx", "ty"] as const) expect(transform[k]).toBeCloseTo(toChip[k], 8);
  });

  test("each chip pixel is the image sampled at the inverse transform", () => {
    const { chip } = alignFace({ width, height, data }, landmarks);
    const n = FACE_CHIP.size;
    expect(chip.length).toBe(3 * n * n);
    let checked = 0;
    for (let v = 0; v < n; v += 7) {
      for (let u = 0; u < n; u += 7) {
        const p = applySimilarity(toImage, { x: u, y: v });
        // Away from the border (and from R's rounding at odd x), the ramps are exact.
        if (p.x < 1 || p.y < 1 || p.x > width - 2 || p.y > height - 2) continue;
        const r = chip[v * n + u] * 255;
        const g = chip[n * n + v * n + u] * 255;
        // R holds floor(x / 2): linear between pixels only to within half a level.
        expect(Math.abs(r - p.x / 2)).toBeLessThan(0.75);
        expect(g).toBeCloseTo(p.y, 3);
        expect(chip[2 * n * n + v * n + u] * 255).toBeCloseTo(128, 3);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  test("needs 68 landmarks", () => {
    expect(() => alignFace({ width, height, data }, landmarks.slice(0, 5))).toThrow(/68/);
  });
});
