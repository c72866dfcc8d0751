// Picture search with GoogLeNet's pooled features on synthetic pictures: a crop and a mirror
// image of an indexed picture find that picture first; the index survives its file format.

import type { RgbaImage } from "@sheep/io";
import { loadGoogLeNetFile } from "@sheep/models/node";
import { describe, expect, it } from "vitest";
import {
  buildIndex,
  decodeIndex,
  encodeIndex,
  googLeNetFeatures,
  queryFeatures,
  searchIndex,
} from "../../src/index.ts";

const S = 64;
/** Six pictures unlike each other in colour and structure, drawn pixel by pixel. */
const PAINT: ((x: number, y: number) => [number, number, number])[] = [
  (x, y) => (((x >> 3) + (y >> 3)) % 2 ? [220, 30, 30] : [20, 20, 200]), // checkerboard
  (x, y) => (Math.hypot(x - 20, y - 40) % 12 < 6 ? [30, 200, 60] : [250, 250, 240]), // rings
  (x, y) => ((x + 2 * y) % 16 < 8 ? [240, 220, 20] : [40, 40, 40]), // slanted stripes
  (x, y) => ((x - 40) ** 2 + (y - 24) ** 2 < 120 ? [255, 255, 255] : [120 + x, 30, 160 + y]), // moon
  (x, y) => [(x * 37 + y * 91) % 256, (x * 53 + y * 17) % 256, (x * y * 7) % 256], // noise
  (_x, y) => (y % 10 < 5 ? [20, 210, 220] : [10, 60, 70]), // horizontal bands
];

function picture(i: number): RgbaImage {
  const data = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      data.set([...PAINT[i](x, y), 255], (y * S + x) * 4);
    }
  }
  return { width: S, height: S, data };
}

function crop(img: RgbaImage, left: number, top: number, w: number, h: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((top + y) * img.width + left) * 4;
    data.set(img.data.subarray(from, from + w * 4), y * w * 4);
  }
  return { width: w, height: h, data };
}

function mirror(img: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      data.set(
        img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
        (y * img.width + img.width - 1 - x) * 4,
      );
  return { ...img, data };
}

describe("picture search (GoogLeNet features)", () => {
  it("finds the picture a crop or a mirror image came from, first", async () => {
    const model = await loadGoogLeNetFile();
    const extract = googLeNetFeatures(model);
    const size = 96; // small for the test's time; 224 in the CLI
    const pictures = PAINT.map((_, i) => ({ name: `p${i}.png`, load: () => picture(i) }));
    const progress: number[] = [];
    const index = await buildIndex(
      pictures,
      extract,
      { size, batch: 4, thumbSize: 16, extractorName: "googlenet" },
      (p) => {
        progress.push(p.done);
      },
    );
    expect(progress).toEqual([4, 6]);
    expect(index.dim).toBe(1024);
    expect(index.thumbnails?.length).toBe(6 * 16 * 16 * 3);
    // A thumbnail is the picture made small: the checkerboard's top-left is blue.
    expect(Array.from(index.thumbnails!.subarray(0, 3))).toEqual([20, 20, 200]);

    const queries = [
      crop(picture(3), 8, 6, 50, 52),
      mirror(picture(1)),
      crop(mirror(picture(2)), 0, 10, 54, 54),
      picture(5),
    ];
    const q = await queryFeatures(queries, extract, size);
    const hits = await searchIndex(index, q, 3);
    q.dispose();
    expect(hits.map((h) => h[0].file)).toEqual(["p3.png", "p1.png", "p2.png", "p5.png"]);
    // The picture itself is at distance 0 (to float32 rounding), the rest further and ascending.
    expect(hits[3][0].distance).toBeLessThan(1e-3);
    for (const h of hits) {
      expect(h.map((x) => x.rank)).toEqual([1, 2, 3]);
      for (let r = 1; r < h.length; r++)
        expect(h[r].distance).toBeGreaterThanOrEqual(h[r - 1].distance);
    }

    const back = await decodeIndex(encodeIndex(index));
    expect(back.files).toEqual(index.files);
    expect(back.features).toEqual(index.features);
    expect(back.thumbnails).toEqual(index.thumbnails);
    expect([back.dim, back.thumbSize, back.extractor]).toEqual([1024, 16, "googlenet"]);
    await expect(decodeIndex(new Uint8Array(16))).rejects.toThrow();
  });
});
