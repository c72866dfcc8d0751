// PNG decoding across colour types and bit depths, and PNG encode → decode round trips.

import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, type RgbaImage } from "../src/index.ts";
import { buildPng } from "./helpers/png-builder.ts";

/** A w×h image where every byte is a different function of its position, alpha included. */
function pattern(width: number, height: number, opaque = false): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 2) * 11) & 0xff;
  if (opaque) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}

/** Pixels as [r, g, b, a] tuples, for readable failures. */
const pixels = (img: RgbaImage) =>
  Array.from({ length: img.width * img.height }, (_, p) =>
    Array.from(img.data.subarray(p * 4, p * 4 + 4)),
  );

describe("PNG round trips", () => {
  it("keeps RGBA exactly", () => {
    const img = pattern(7, 5);
    const back = decodeImage(encodeImage(img, "png"));
    expect(back.width).toBe(7);
    expect(back.height).toBe(5);
    expect(back.data).toEqual(img.data);
  });

  it("writes opaque images as RGB (colour type 2) and keeps them exactly", () => {
    const img = pattern(6, 3, true);
    const bytes = encodeImage(img, "png");
    expect(bytes[25]).toBe(2); // IHDR colour type: 8 signature + 8 chunk head + 9 into IHDR
    expect(decodeImage(bytes).data).toEqual(img.data);
  });

  it("returns a plain Uint8Array that owns its buffer", () => {
    const bytes = encodeImage(pattern(2, 2), "png");
    expect(Buffer.isBuffer(bytes)).toBe(false);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  });
});

describe("PNG decoding of every colour type", () => {
  it("RGB, 8-bit", () => {
    const png = buildPng({
      width: 2,
      height: 1,
      colorType: 2,
      bitDepth: 8,
      samples: [1, 2, 3, 250, 251, 252],
    });
    expect(pixels(decodeImage(png))).toEqual([
      [1, 2, 3, 255],
      [250, 251, 252, 255],
    ]);
  });

  // A tRNS match comes out as transparent black (pngjs zeroes the colour), which is also what a
  // browser canvas returns for any pixel with alpha 0.
  it("RGB, 8-bit, with a tRNS transparent colour", () => {
    const png = buildPng({
      width: 2,
      height: 1,
      colorType: 2,
      bitDepth: 8,
      samples: [1, 2, 3, 9, 9, 9],
      trns: [9, 9, 9],
    });
    expect(pixels(decodeImage(png))).toEqual([
      [1, 2, 3, 255],
      [0, 0, 0, 0],
    ]);
  });

  it("RGBA and RGB, 16-bit, rounded down to 8 bits", () => {
    // 16-bit v becomes round(v · 255 / 65535): 0x1234 = 4660 → 18.13 → 18; 0xff00 → 253.99 → 254.
    const rgba = buildPng({
      width: 1,
      height: 1,
      colorType: 6,
      bitDepth: 16,
      samples: [0x1234, 0xff00, 0xffff, 0x8000],
    });
    expect(pixels(decodeImage(rgba))).toEqual([[18, 254, 255, 128]]);
    const rgb = buildPng({
      width: 1,
      height: 1,
      colorType: 2,
      bitDepth: 16,
      samples: [0, 257, 65535],
    });
    expect(pixels(decodeImage(rgb))).toEqual([[0, 1, 255, 255]]);
  });

  it("16-bit RGBA written by pngjs", () => {
    const samples = new Uint16Array([0, 65535, 257 * 100, 65535, 257 * 7, 257 * 8, 257 * 9, 0]);
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from(samples.buffer); // pngjs reads 16-bit input in native byte order
    const bytes = PNG.sync.write(png, { bitDepth: 16, colorType: 6, inputColorType: 6 });
    expect(bytes[24]).toBe(16);
    expect(pixels(decodeImage(bytes))).toEqual([
      [0, 255, 100, 255],
      [7, 8, 9, 0],
    ]);
  });

  it.each([1, 2, 4, 8])("grey, %i-bit, scaled to 0–255", (bitDepth) => {
    const max = (1 << bitDepth) - 1;
    const png = buildPng({
      width: 3,
      height: 1,
      colorType: 0,
      bitDepth,
      samples: [0, max >> 1, max],
    });
    const mid = Math.round(((max >> 1) * 255) / max);
    expect(pixels(decodeImage(png))).toEqual([
      [0, 0, 0, 255],
      [mid, mid, mid, 255],
      [255, 255, 255, 255],
    ]);
  });

  it("grey, 16-bit, and grey + alpha, 8-bit and 16-bit", () => {
    const g16 = buildPng({ width: 1, height: 1, colorType: 0, bitDepth: 16, samples: [257 * 77] });
    expect(pixels(decodeImage(g16))).toEqual([[77, 77, 77, 255]]);
    const ga8 = buildPng({
      width: 2,
      height: 1,
      colorType: 4,
      bitDepth: 8,
      samples: [10, 20, 30, 40],
    });
    expect(pixels(decodeImage(ga8))).toEqual([
      [10, 10, 10, 20],
      [30, 30, 30, 40],
    ]);
    const ga16 = buildPng({
      width: 1,
      height: 1,
      colorType: 4,
      bitDepth: 16,
      samples: [257 * 5, 257 * 6],
    });
    expect(pixels(decodeImage(ga16))).toEqual([[5, 5, 5, 6]]);
  });

  it("grey with a tRNS transparent value", () => {
    const png = buildPng({
      width: 2,
      height: 1,
      colorType: 0,
      bitDepth: 8,
      samples: [7, 8],
      trns: [8],
    });
    expect(pixels(decodeImage(png))).toEqual([
      [7, 7, 7, 255],
      [0, 0, 0, 0],
    ]);
  });

  it.each([1, 2, 4, 8])("palette, %i-bit indices, with tRNS alpha", (bitDepth) => {
    const palette = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 20, 30],
    ].slice(0, 1 << bitDepth);
    const indices = [0, 1, 1, 0, 1, 0, 0, 1, 1].map((i, k) =>
      bitDepth === 1 ? i : (i + k) % palette.length,
    );
    const trns = [255, 128].slice(0, palette.length);
    const png = buildPng({
      width: 3,
      height: 3,
      colorType: 3,
      bitDepth,
      samples: indices,
      palette,
      trns,
    });
    const expected = indices.map((i) => [...palette[i], trns[i] ?? 255]);
    expect(pixels(decodeImage(png))).toEqual(expected);
  });

  it("an odd width whose rows do not end on a byte boundary", () => {
    const samples = Array.from({ length: 5 * 3 }, (_, i) => (i * 7) % 2);
    const png = buildPng({ width: 5, height: 3, colorType: 0, bitDepth: 1, samples });
    expect(pixels(decodeImage(png)).map((p) => p[0])).toEqual(samples.map((s) => s * 255));
  });
});
