// JPEG decoding: jpeg-js round trips, grey / progressive / CMYK files from the flat-block
// builder, and the header walker's view of them.

import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, type RgbaImage, readImageHeader } from "../src/index.ts";
import { buildFlatJpeg } from "./helpers/jpeg-builder.ts";

/** A smooth gradient: JPEG's natural habitat, so the round-trip error stays small. */
function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([(x * 255) / (width - 1), (y * 255) / (height - 1), 128, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

function maxDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const pixel = (img: RgbaImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe("JPEG round trip", () => {
  it("stays within a few levels at quality 95, and further at quality 20", () => {
    const img = gradient(64, 40);
    const fine = decodeImage(encodeImage(img, "jpeg", { quality: 95 }));
    const coarse = decodeImage(encodeImage(img, "jpeg", { quality: 20 }));
    expect([fine.width, fine.height]).toEqual([64, 40]);
    expect(maxDifference(fine.data, img.data)).toBeLessThanOrEqual(6);
    expect(encodeImage(img, "jpeg", { quality: 20 }).length).toBeLessThan(
      encodeImage(img, "jpeg", { quality: 95 }).length,
    );
    expect(maxDifference(coarse.data, img.data)).toBeGreaterThan(
      maxDifference(fine.data, img.data),
    );
  });

  it("composites transparent pixels over the background instead of dropping alpha", () => {
    const data = new Uint8ClampedArray(16 * 16 * 4); // all transparent black
    const img = { width: 16, height: 16, data };
    expect(pixel(decodeImage(encodeImage(img, "jpeg")), 8, 8)).toEqual([255, 255, 255, 255]);
    const red = decodeImage(encodeImage(img, "jpeg", { background: [255, 0, 0] }));
    const [r, g, b] = pixel(red, 8, 8);
    expect(r).toBeGreaterThan(250);
    expect(Math.max(g, b)).toBeLessThan(5);
  });

  it("rejects a quality outside 1–100", () => {
    expect(() => encodeImage(gradient(8, 8), "jpeg", { quality: 0 })).toThrow(RangeError);
    expect(() => encodeImage(gradient(8, 8), "jpeg", { quality: 101 })).toThrow(RangeError);
  });
});

describe("JPEG variants jpeg-js decodes", () => {
  it("grey (one component)", () => {
    const jpeg = buildFlatJpeg({ blocksWide: 2, blocksHigh: 1, values: [[40], [200]] });
    const img = decodeImage(jpeg);
    expect([img.width, img.height]).toEqual([16, 8]);
    expect(pixel(img, 3, 3)).toEqual([40, 40, 40, 255]);
    expect(pixel(img, 12, 5)).toEqual([200, 200, 200, 255]);
  });

  it("progressive (a DC scan, then an AC scan per component), grey and colour", () => {
    const grey = buildFlatJpeg({
      blocksWide: 1,
      blocksHigh: 2,
      values: [[0], [255]],
      progressive: true,
    });
    expect(readImageHeader(grey)).toMatchObject({ width: 8, height: 16 });
    const img = decodeImage(grey);
    expect(pixel(img, 4, 4)).toEqual([0, 0, 0, 255]);
    expect(pixel(img, 4, 12)).toEqual([255, 255, 255, 255]);

    // Y = 128 with Cb = Cr = 128 is mid-grey; Cr = 255 pushes red up by 1.402 · 127 ≈ 178.
    const colour = buildFlatJpeg({
      blocksWide: 2,
      blocksHigh: 1,
      values: [
        [128, 128, 128],
        [128, 128, 255],
      ],
      progressive: true,
    });
    const rgb = decodeImage(colour);
    expect(pixel(rgb, 4, 4)).toEqual([128, 128, 128, 255]);
    const [r, g, b] = pixel(rgb, 12, 4);
    expect(r).toBe(255);
    expect(Math.abs(g - (128 - 0.714 * 127))).toBeLessThanOrEqual(1);
    expect(b).toBe(128);
  });

  it("Adobe CMYK (stored inverted, as Photoshop writes it)", () => {
    // Stored 255 means no ink. Blocks: no ink → white; full cyan → (0, 255, 255); full black.
    const values = [
      [255, 255, 255, 255],
      [0, 255, 255, 255],
      [255, 255, 255, 0],
    ];
    const jpeg = buildFlatJpeg({ blocksWide: 3, blocksHigh: 1, values, adobe: true });
    const img = decodeImage(jpeg);
    expect(pixel(img, 4, 4)).toEqual([255, 255, 255, 255]);
    expect(pixel(img, 12, 4)).toEqual([0, 255, 255, 255]);
    expect(pixel(img, 20, 4)).toEqual([0, 0, 0, 255]);
  });

  it("reports CMYK without an Adobe marker as unsupported (jpeg-js cannot read it)", () => {
    const jpeg = buildFlatJpeg({ blocksWide: 1, blocksHigh: 1, values: [[1, 2, 3, 4]] });
    expect(() => decodeImage(jpeg)).toThrow(/unsupported image format \(CMYK JPEG without/);
  });
});
