// EXIF orientation: every one of the 8 values turns a JPEG's pixels the way the EXIF spec words
// it ("row 0 is the visual <side>, column 0 is the visual <side>"), in both TIFF byte orders.

import * as exifr from "exifr";
import { describe, expect, it } from "vitest";
import {
  applyOrientation,
  decodeImage,
  encodeImage,
  type RgbaImage,
  readExifOrientation,
  readImageHeader,
} from "../src/index.ts";
import { exifTiff, withExifOrientation } from "./helpers/exif-splice.ts";

const BLOCK = 16; // pixels per cell: large enough to keep its colour through JPEG compression
const COLOURS: Record<string, readonly number[]> = {
  A: [255, 0, 0],
  B: [0, 255, 0],
  C: [0, 0, 255],
  D: [255, 255, 255],
  E: [0, 0, 0],
  F: [255, 255, 0],
};

/** Cells as rows of letters, each painted as a BLOCK×BLOCK square of its colour. */
function paint(rows: readonly string[]): RgbaImage {
  const width = rows[0].length * BLOCK;
  const height = rows.length * BLOCK;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cell = rows[Math.floor(y / BLOCK)][Math.floor(x / BLOCK)];
      data.set([...COLOURS[cell], 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Reads the cells back: each cell's centre pixel, named by its nearest colour. */
function cells(img: RgbaImage): string[] {
  const rows: string[] = [];
  for (let cy = 0; cy < img.height / BLOCK; cy++) {
    let row = "";
    for (let cx = 0; cx < img.width / BLOCK; cx++) {
      const at = ((cy * BLOCK + BLOCK / 2) * img.width + cx * BLOCK + BLOCK / 2) * 4;
      const px = img.data.subarray(at, at + 3);
      const distance = (c: readonly number[]) => c.reduce((s, v, i) => s + (v - px[i]) ** 2, 0);
      row += Object.keys(COLOURS).sort((a, b) => distance(COLOURS[a]) - distance(COLOURS[b]))[0];
    }
    rows.push(row);
  }
  return rows;
}

const STORED = ["ABC", "DEF"];
// Written from the EXIF spec's wording, not from src/orientation.ts.
const DISPLAYED: Record<number, string[]> = {
  1: ["ABC", "DEF"], // row 0 top, column 0 left
  2: ["CBA", "FED"], // row 0 top, column 0 right
  3: ["FED", "CBA"], // row 0 bottom, column 0 right
  4: ["DEF", "ABC"], // row 0 bottom, column 0 left
  5: ["AD", "BE", "CF"], // row 0 left, column 0 top
  6: ["DA", "EB", "FC"], // row 0 right, column 0 top (turn 90° clockwise to view)
  7: ["FC", "EB", "DA"], // row 0 right, column 0 bottom
  8: ["CF", "BE", "AD"], // row 0 left, column 0 bottom
};

describe("EXIF orientation", () => {
  const jpeg = encodeImage(paint(STORED), "jpeg", { quality: 95 });

  it("the pattern survives JPEG as is", () => {
    expect(cells(decodeImage(jpeg))).toEqual(STORED);
  });

  for (const little of [false, true]) {
    it.each([1, 2, 3, 4, 5, 6, 7, 8])(`orientation %i (${little ? "II" : "MM"})`, async (n) => {
      const oriented = withExifOrientation(jpeg, n, little);
      expect(await exifr.orientation(oriented)).toBe(n); // the test's EXIF, checked by exifr
      const img = decodeImage(oriented);
      expect(cells(img)).toEqual(DISPLAYED[n]);
      const header = readImageHeader(oriented);
      expect([header.width, header.height, header.orientation]).toEqual([img.width, img.height, n]);
    });
  }

  it("ignores orientations outside 1–8 and malformed EXIF", () => {
    expect(cells(decodeImage(withExifOrientation(jpeg, 9)))).toEqual(STORED);
    expect(cells(decodeImage(withExifOrientation(jpeg, 0)))).toEqual(STORED);
    const tiff = Uint8Array.from(exifTiff(6));
    expect(readExifOrientation(tiff)).toBe(6);
    expect(readExifOrientation(tiff.subarray(0, 20))).toBe(1); // cut inside IFD0
    expect(readExifOrientation(Uint8Array.from([0x4d, 0x4d, 0, 43, 0, 0, 0, 8]))).toBe(1);
    expect(readExifOrientation(new Uint8Array(0))).toBe(1);
  });
});

describe("applyOrientation on exact pixels", () => {
  /** One pixel per cell, the letter's code in R, a byte offset of 1 to force the aligned copy. */
  const tiny = (rows: readonly string[]): RgbaImage => {
    const width = rows[0].length;
    const buffer = new Uint8ClampedArray(1 + width * rows.length * 4);
    const data = buffer.subarray(1);
    [...rows.join("")].forEach((ch, p) => {
      data.set([ch.charCodeAt(0), 0, 0, 255], p * 4);
    });
    return { width, height: rows.length, data };
  };
  const letters = (img: RgbaImage) =>
    Array.from({ length: img.height }, (_, y) =>
      Array.from({ length: img.width }, (_, x) =>
        String.fromCharCode(img.data[(y * img.width + x) * 4]),
      ).join(""),
    );

  it.each([1, 2, 3, 4, 5, 6, 7, 8] as const)("orientation %i", (n) => {
    expect(letters(applyOrientation(tiny(STORED), n))).toEqual(DISPLAYED[n]);
  });

  it("a one-row strip turns into a column", () => {
    expect(letters(applyOrientation(tiny(["ABCD"]), 6))).toEqual(["A", "B", "C", "D"]);
    expect(letters(applyOrientation(tiny(["ABCD"]), 8))).toEqual(["D", "C", "B", "A"]);
  });
});
