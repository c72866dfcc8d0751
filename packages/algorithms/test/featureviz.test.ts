// Feature visualisation: the building blocks against plain definitions (the DFT, the colour
// matrix, rotation), both recipes raise their objective, and grids have the documented layout.

import { randn } from "@sheep/tensor";
import { beforeAll, describe, expect, test } from "vitest";
import {
  ABLATION_STAGES,
  ablation,
  channelGrid,
  colourMixing,
  type DreamModel,
  dftTables,
  gridLayout,
  imagenetColourCovariance,
  irfft2,
  parseChannels,
  rotate,
  textWidth,
  visualize,
  zoomRotate,
} from "../src/index.ts";
import { maxAbsDiff, testImage, tinyModel, useWebGPU } from "./helpers.ts";

useWebGPU();

let model: DreamModel;
beforeAll(() => {
  model = tinyModel();
});

describe("building blocks", () => {
  test("irfft2 equals the inverse DFT written out, for even and odd sizes", async () => {
    for (const [h, w] of [
      [6, 8],
      [5, 7],
    ]) {
      const kx = Math.floor(w / 2) + 1;
      const re = randn([2, h, kx], { seed: h });
      const im = randn([2, h, kx], { seed: w });
      const out = await irfft2(re, im, dftTables(h, w)).data();
      expect(irfft2(re, im, dftTables(h, w)).shape).toEqual([2, h, w]);
      const [R, I] = [await re.data(), await im.data()];
      // numpy.fft.irfft2 written out:
      //   out[y][x] = Σ_k c_k·Re(Σ_ky X[ky][k]·e^{2πi(ky·y/h + k·x/w)}),
      // c_k = 2 for the columns that stand for a mirrored pair too, 1 for k = 0 and k = w/2
      const expected = new Float32Array(2 * h * w);
      for (let b = 0; b < 2; b++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            let s = 0;
            for (let k = 0; k < kx; k++) {
              const c = k === 0 || 2 * k === w ? 1 : 2;
              for (let ky = 0; ky < h; ky++) {
                const at = b * h * kx + ky * kx + k;
                const a = 2 * Math.PI * ((ky * y) / h + (k * x) / w);
                s += c * (R[at] * Math.cos(a) - I[at] * Math.sin(a));
              }
            }
            expected[b * h * w + y * w + x] = s / Math.sqrt(h * w);
          }
        }
      }
      expect(maxAbsDiff(out, expected)).toBeLessThan(1e-4);
    }
  });

  test("the colour matrix is a normalised Cholesky factor of ImageNet's covariance", () => {
    const M = colourMixing();
    const S = imagenetColourCovariance();
    const scale = S[0][0] / (M[0][0] * M[0][0]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const mm = M[i].reduce((s, v, k) => s + v * M[j][k], 0);
        expect(mm * scale).toBeCloseTo(S[i][j], 6);
        if (j > i) expect(M[i][j]).toBe(0);
      }
    }
    expect(Math.max(...[0, 1, 2].map((j) => Math.hypot(M[0][j], M[1][j], M[2][j])))).toBeCloseTo(
      1,
      9,
    );
  });

  test("rotation by shears matches direct bilinear rotation inside the image", async () => {
    const x = testImage(33, 33);
    const rotated = await rotate(x, 12).data();
    const direct = zoomRotate(
      { shape: [1, 3, 33, 33], data: new Float32Array(await x.data()) },
      1,
      12,
    );
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      for (let y = 8; y < 25; y++) {
        for (let xx = 8; xx < 25; xx++) {
          const i = c * 33 * 33 + y * 33 + xx;
          worst = Math.max(worst, Math.abs(rotated[i] - direct.data[i]));
        }
      }
    }
    expect(worst).toBeLessThan(0.02);
    expect(maxAbsDiff(await rotate(x, 0).data(), await x.data())).toBe(0);
  });

  test("parseChannels reads ranges and lists", () => {
    expect(parseChannels("0-3, 7,9-10")).toEqual([0, 1, 2, 3, 7, 9, 10]);
    expect(() => parseChannels("5-2")).toThrow(/5-2/);
    expect(() => parseChannels("a")).toThrow(/bad channel range/);
  });
});

describe("visualize", () => {
  for (const recipe of ["naive", "robust"] as const) {
    test(`the ${recipe} recipe raises its channel's activation`, async () => {
      const seen: number[] = [];
      const target = { kind: "channel", layer: "c2", channel: 5 } as const;
      const out = await visualize(model, target, { recipe, size: 32, steps: 12 }, (p) => {
        seen.push(p.objective);
      });
      expect(out.shape).toEqual([1, 3, 32, 32]);
      expect(seen).toHaveLength(12);
      expect(seen.at(-1)!).toBeGreaterThan(seen[0] + 0.05 * Math.abs(seen[0]));
      const data = await out.data();
      expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...data)).toBeLessThanOrEqual(1);
    });
  }

  test("neurons, whole layers and class logits can be targets; seeds reproduce", async () => {
    const opts = { size: 24, steps: 3 };
    for (const target of [
      { kind: "channel", layer: "c3", channel: 1, neuron: true },
      { kind: "layer", layer: "c1" },
      { kind: "class", index: 3 },
    ] as const) {
      const a = await (await visualize(model, target, { ...opts, seed: 4 })).data();
      const b = await (await visualize(model, target, { ...opts, seed: 4 })).data();
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    }
  });
});

describe("grids", () => {
  test("a channel grid places each channel's image in its cell, a batch at a time", async () => {
    const batches: number[] = [];
    const grid = await channelGrid(
      model,
      "c2",
      [0, 1, 2, 3, 4],
      { size: 16, steps: 2, batch: 2, columns: 3, gap: 2 },
      (p) => {
        batches.push(p.batch);
      },
    );
    expect(new Set(batches)).toEqual(new Set([0, 1, 2]));
    expect(grid.image.shape).toEqual([1, 3, 2 * 16 + 2, 3 * 16 + 2 * 2]);
    expect(grid.rows).toBe(2);
    expect(grid.cells.map((c) => [c.top, c.left])).toEqual([
      [0, 0],
      [0, 18],
      [0, 36],
      [18, 0],
      [18, 18],
    ]);
    // the empty sixth cell and the gaps stay white
    const data = await grid.image.data();
    const at = (c: number, y: number, x: number) => data[c * 34 * 52 + y * 52 + x];
    expect(at(0, 25, 45)).toBe(1);
    expect(at(1, 5, 17)).toBe(1);
  });

  test("the ablation shows one labelled cell per stage, in one row", async () => {
    const grid = await ablation(
      model,
      { kind: "channel", layer: "c2", channel: 0 },
      { size: 16, steps: 2 },
    );
    const n = ABLATION_STAGES.length;
    // columns as wide as the longest label: at 16 px no label is cut
    const cw = Math.max(16, ...ABLATION_STAGES.map((s) => textWidth(s.label) + 2));
    expect(cw).toBeGreaterThan(16);
    const layout = gridLayout(n, 16, n, 2, true, cw);
    expect(grid.image.shape).toEqual([1, 3, layout.height, layout.width]);
    expect(layout.width).toBe(n * cw + (n - 1) * 2);
    expect(layout.height).toBeGreaterThan(16 + 7);
    expect(grid.cells.map((c) => c.label)).toEqual(ABLATION_STAGES.map((s) => s.label));
    const pad = (cw - 16) >> 1;
    expect(grid.cells.map((c) => c.left)).toEqual(
      ABLATION_STAGES.map((_, i) => i * (cw + 2) + pad),
    );
    // every label band has ink
    const data = await grid.image.data();
    const w = layout.width;
    for (const cell of grid.cells) {
      let ink = 0;
      for (let y = 16; y < layout.height; y++) {
        for (let x = cell.left; x < cell.left + 16; x++) if (data[y * w + x] < 0.5) ink++;
      }
      expect(ink).toBeGreaterThan(5);
    }
  });

  test("an aborted grid keeps the batches it reached and leaves the rest white", async () => {
    const controller = new AbortController();
    const grid = await channelGrid(
      model,
      "c1",
      [0, 1, 2, 3, 4, 5],
      { size: 8, steps: 2, batch: 2, recipe: "naive" },
      (p) => {
        if (p.batch === 1 && p.step === 1) controller.abort();
      },
      controller.signal,
    );
    // 3 columns x 2 rows of 8 px cells, 2 px apart; channels 4 and 5 were never rendered
    expect(grid.image.shape).toEqual([1, 3, 18, 28]);
    const data = await grid.image.data();
    const cell = (top: number, left: number) =>
      [0, 1, 2].flatMap((c) =>
        Array.from(
          { length: 64 },
          (_, i) => data[c * 18 * 28 + (top + (i >> 3)) * 28 + left + (i & 7)],
        ),
      );
    expect(cell(0, 0).some((v) => v !== 1)).toBe(true);
    expect(cell(10, 0).some((v) => v !== 1)).toBe(true);
    expect(cell(10, 10).every((v) => v === 1)).toBe(true);
    expect(cell(10, 20).every((v) => v === 1)).toBe(true);
  });
});
