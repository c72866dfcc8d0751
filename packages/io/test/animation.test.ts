// Animated GIF and APNG: structure (size, loop, delays, frame count) and pixels, read back by
// readers written in the tests (GIF) or by pngjs on frames re-assembled from fdAT chunks (APNG).

import { crc32 } from "node:zlib";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeImage, encodeApng, encodeGif, type RgbaImage } from "../src/index.ts";
import { crc32 as ourCrc32 } from "../src/png-chunks.ts";
import { readGif } from "./helpers/gif-reader.ts";
import { chunk, SIGNATURE } from "./helpers/png-builder.ts";

/** Frame k: four flat quadrants whose colours shift with k (few colours: exact in a GIF). */
function frame(k: number, width = 20, height = 12, alpha = 255): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const colours = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [40 * k, 100, 200 - 30 * k],
  ];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      data.set([...colours[(q + k) % 4], alpha], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

const frames = [0, 1, 2, 3].map((k) => frame(k));

describe("encodeGif", () => {
  it("writes size, a loop-forever extension, delays and every frame's pixels", () => {
    const gif = readGif(encodeGif(frames, { fps: 25 }));
    expect([gif.width, gif.height, gif.loops]).toEqual([20, 12, 0]);
    expect(gif.frames.map((f) => f.delayCs)).toEqual([4, 4, 4, 4]);
    for (const [k, f] of gif.frames.entries())
      expect(f.rgba).toEqual(new Uint8Array(frames[k].data));
  });

  it("a global palette gives the same pixels from one colour table", () => {
    const perFrame = encodeGif(frames);
    const global = encodeGif(frames, { palette: "global" });
    expect(global.length).toBeLessThan(perFrame.length); // no local colour tables
    for (const [k, f] of readGif(global).frames.entries()) {
      expect(f.rgba).toEqual(new Uint8Array(frames[k].data));
    }
  });

  it("a global palette sampled with a stride still finds every flat colour", () => {
    // 9 frames of 512×512 = 2.4 M pixels: every 2nd pixel goes into the palette's sample.
    const big = [0, 1, 2, 3, 0, 1, 2, 3, 0].map((k) => frame(k, 512, 512));
    const gif = readGif(encodeGif(big, { palette: "global" }));
    expect(gif.frames).toHaveLength(9);
    // Buffer.equals: toEqual walks a million-element array one element at a time, slowly.
    const same = gif.frames.map((f, k) => Buffer.from(f.rgba).equals(Buffer.from(big[k].data)));
    expect(same).toEqual(new Array(9).fill(true));
  });

  it("per-frame delays, the 2-centisecond floor, and play-once", () => {
    const gif = readGif(encodeGif(frames, { delayMs: [0, 14, 15, 1000], loop: false }));
    expect(gif.frames.map((f) => f.delayCs)).toEqual([2, 2, 2, 100]);
    expect(gif.loops).toBeUndefined();
    expect(readGif(encodeGif(frames)).frames[0].delayCs).toBe(10); // default 10 fps
  });

  it("composites alpha over the background", () => {
    const gif = readGif(encodeGif([frame(0, 4, 4, 0)], { background: [0, 0, 0] }));
    expect(Array.from(gif.frames[0].rgba.subarray(0, 4))).toEqual([0, 0, 0, 255]);
  });

  it("quantises a photo-like frame to ≤256 colours with small error", () => {
    const data = new Uint8ClampedArray(64 * 64 * 4);
    for (let p = 0; p < 64 * 64; p++) data.set([(p % 64) * 4, (p >> 6) * 4, 128, 255], p * 4);
    const gif = readGif(encodeGif([{ width: 64, height: 64, data }]));
    let worst = 0;
    gif.frames[0].rgba.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - data[i]));
    });
    expect(worst).toBeLessThanOrEqual(24);
  });

  it("refuses bad input", () => {
    expect(() => encodeGif([])).toThrow(/at least one frame/);
    expect(() => encodeGif([frame(0), frame(1, 10, 10)])).toThrow(
      /frame 1 is 10×10 but frame 0 is 20×12/,
    );
    expect(() => encodeGif(frames, { fps: 10, delayMs: 100 })).toThrow(/either delayMs or fps/);
    expect(() => encodeGif(frames, { delayMs: [1, 2] })).toThrow(/2 delays for 4 frames/);
  });
});

interface Chunk {
  type: string;
  data: Uint8Array;
}

/** Splits a PNG into chunks, checking each CRC with zlib's implementation. */
function chunksOf(png: Uint8Array): Chunk[] {
  expect(png.subarray(0, 8)).toEqual(SIGNATURE);
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.readUInt32BE(at);
    expect(view.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    out.push({
      type: view.toString("latin1", at + 4, at + 8),
      data: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return out;
}

describe("encodeApng", () => {
  it("has acTL, one fcTL per frame, sequence numbers in order, and frames pngjs can read", () => {
    const apng = encodeApng(frames, { delayMs: [100, 200, 300, 40] });
    const chunks = chunksOf(apng);
    expect(chunks.map((c) => c.type)).toEqual([
      "IHDR",
      "acTL",
      "fcTL",
      "IDAT",
      "fcTL",
      "fdAT",
      "fcTL",
      "fdAT",
      "fcTL",
      "fdAT",
      "IEND",
    ]);
    const u32 = (d: Uint8Array, at: number) => Buffer.from(d).readUInt32BE(at);
    const u16 = (d: Uint8Array, at: number) => Buffer.from(d).readUInt16BE(at);
    const actl = chunks[1].data;
    expect([u32(actl, 0), u32(actl, 4)]).toEqual([4, 0]); // 4 frames, loop forever
    const sequence = chunks
      .filter((c) => c.type === "fcTL" || c.type === "fdAT")
      .map((c) => u32(c.data, 0));
    expect(sequence).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const fctls = chunks.filter((c) => c.type === "fcTL").map((c) => c.data);
    expect(fctls.map((d) => [u32(d, 4), u32(d, 8), u16(d, 20) / u16(d, 22)])).toEqual(
      [0.1, 0.2, 0.3, 0.04].map((s) => [20, 12, s]),
    );

    // A viewer without APNG support sees frame 0.
    expect(decodeImage(apng).data).toEqual(frames[0].data);
    // Each later frame, re-wrapped as a plain PNG from its fdAT data, decodes to its pixels.
    const ihdr = chunks[0].data;
    let k = 1;
    for (const c of chunks.filter((c) => c.type === "fdAT")) {
      const png = Buffer.concat([
        SIGNATURE,
        chunk("IHDR", ihdr),
        chunk("IDAT", c.data.subarray(4)),
        chunk("IEND", new Uint8Array(0)),
      ]);
      expect(new Uint8ClampedArray(PNG.sync.read(png).data)).toEqual(frames[k++].data);
    }
  });

  it("stores delays over 65.535 s in hundredths of a second", () => {
    const fctl = chunksOf(encodeApng([frame(0)], { delayMs: 70_000 })).find(
      (c) => c.type === "fcTL",
    );
    const view = Buffer.from(fctl!.data);
    expect([view.readUInt16BE(20), view.readUInt16BE(22)]).toEqual([7000, 100]);
  });

  it("keeps alpha (colour type 6) and can play once", () => {
    const translucent = [frame(0, 4, 4, 100), frame(1, 4, 4, 100)];
    const chunks = chunksOf(encodeApng(translucent, { loop: false }));
    expect(chunks[0].data[9]).toBe(6);
    expect(Buffer.from(chunks[1].data).readUInt32BE(4)).toBe(1);
    expect(decodeImage(encodeApng(translucent)).data).toEqual(translucent[0].data);
  });

  it("our CRC-32 agrees with zlib's", () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
    expect(ourCrc32(bytes)).toBe(crc32(bytes));
    expect(ourCrc32(new Uint8Array(0))).toBe(0);
  });
});
