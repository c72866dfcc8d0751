// Bad input: every failure is an ImageError with the right code and a message a person can act
// on, found from the header before any decoder allocates pixel memory.

import { deflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { describe, expect, it, vi } from "vitest";
import {
  decodeImage,
  encodeImage,
  ImageError,
  type ImageErrorCode,
  readImageHeader,
} from "../src/index.ts";
import { buildFlatJpeg } from "./helpers/jpeg-builder.ts";
import { chunk, ihdr, SIGNATURE } from "./helpers/png-builder.ts";

function codeOf(fn: () => unknown): { code: ImageErrorCode; message: string; cause: unknown } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    const { code, message, cause } = err as ImageError;
    return { code, message, cause };
  }
  throw new Error("expected an ImageError");
}

const image = (w: number, h: number) => ({
  width: w,
  height: h,
  data: new Uint8ClampedArray(w * h * 4).fill(200),
});
const png = encodeImage(image(20, 10), "png");
const jpeg = encodeImage(image(20, 10), "jpeg");
const bytes = (...parts: Uint8Array[]) => Buffer.concat(parts);

describe("truncated files", () => {
  it.each([30, 50, png.length - 5, png.length - 12])("PNG cut to %i bytes", (n) => {
    const { code, message } = codeOf(() => decodeImage(png.subarray(0, n)));
    expect(code).toBe("truncated");
    expect(message).toMatch(
      new RegExp(`^image is truncated: expected at least \\d+ bytes of PNG data, got ${n}$`),
    );
  });

  it.each([4, 20, Math.floor(jpeg.length / 2), jpeg.length - 2])("JPEG cut to %i bytes", (n) => {
    const { code, message } = codeOf(() => decodeImage(jpeg.subarray(0, n)));
    expect(code).toBe("truncated");
    expect(message).toMatch(/^image is truncated: .* of JPEG data, got \d+$/);
  });

  it("a progressive JPEG cut inside its scans", () => {
    const prog = buildFlatJpeg({
      blocksWide: 4,
      blocksHigh: 4,
      values: new Array(16).fill([9]),
      progressive: true,
    });
    expect(codeOf(() => decodeImage(prog.subarray(0, prog.length - 10))).code).toBe("truncated");
  });

  it("a signature cut short", () => {
    expect(codeOf(() => decodeImage(png.subarray(0, 5))).message).toBe(
      "image is truncated: expected at least 8 bytes of PNG signature, got 5",
    );
    expect(codeOf(() => decodeImage(Uint8Array.from([0xff, 0xd8]))).code).toBe("truncated");
  });
});

describe("empty images", () => {
  it("no bytes at all", () => {
    expect(codeOf(() => decodeImage(new Uint8Array(0)))).toMatchObject({
      code: "empty",
      message: "image file is empty (0 bytes)",
    });
  });

  it("a PNG header with zero width or height", () => {
    const iend = chunk("IEND", new Uint8Array(0));
    expect(codeOf(() => decodeImage(bytes(SIGNATURE, ihdr(0, 5), iend)))).toMatchObject({
      code: "empty",
      message: "image has zero width",
    });
    expect(codeOf(() => decodeImage(bytes(SIGNATURE, ihdr(5, 0), iend))).message).toBe(
      "image has zero height",
    );
  });

  it("a JPEG frame header with zero width", () => {
    const forged = jpeg.slice();
    const sof = forged.findIndex((b, i) => b === 0xff && forged[i + 1] === 0xc0);
    // After FF C0: length (2), precision (1), height (2), then width (2) at bytes 7–8.
    forged[sof + 7] = 0;
    forged[sof + 8] = 0;
    expect(codeOf(() => decodeImage(forged))).toMatchObject({
      code: "empty",
      message: "image has zero width",
    });
  });
});

describe("too large", () => {
  // A complete, valid-CRC PNG that claims 100000 × 100000 pixels (40 GB of RGBA).
  const huge = bytes(
    SIGNATURE,
    ihdr(100_000, 100_000),
    chunk("IDAT", deflateSync(new Uint8Array(10))),
    chunk("IEND", new Uint8Array(0)),
  );

  it("is refused from the header, before pngjs runs", () => {
    const read = vi.spyOn(PNG.sync, "read");
    const { code, message } = codeOf(() => decodeImage(huge));
    expect(code).toBe("too-large");
    expect(message).toBe(
      "image is 100000×100000 = 10000 MP, above the limit of 64 MP; " +
        "pass a larger maxPixels or downscale the image first",
    );
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
  });

  it("honours maxPixels, for JPEG too", () => {
    expect(codeOf(() => decodeImage(jpeg, { maxPixels: 199 })).message).toMatch(
      /^image is 20×10 = 200 pixels, above the limit of 199 pixels;/,
    );
    // Where megapixels would print "64 MP above the limit of 64 MP", exact counts are shown.
    const justOver = bytes(SIGNATURE, ihdr(8001, 8000), chunk("IEND", new Uint8Array(0)));
    expect(codeOf(() => readImageHeader(justOver) && decodeImage(justOver)).message).toMatch(
      /^image is 8001×8000 = 64,008,000 pixels, above the limit of 64,000,000 pixels;/,
    );
    expect(decodeImage(jpeg, { maxPixels: 200 }).width).toBe(20);
    expect(readImageHeader(huge)).toEqual({
      format: "png",
      width: 100_000,
      height: 100_000,
      orientation: 1,
    });
  });
});

describe("unsupported formats", () => {
  const riff = (kind: string) =>
    Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from(kind), Buffer.alloc(20)]);
  it.each([
    ["WebP", riff("WEBPVP8 ")],
    ["GIF", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;")],
    ["BMP", Buffer.concat([Buffer.from("BM"), Buffer.alloc(60)])],
    ["TIFF", Buffer.from("II*\0\x08\0\0\0\0\0")],
    [
      "AVIF",
      Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from("ftypavif"), Buffer.alloc(20)]),
    ],
    [
      "HEIC/HEIF",
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic"), Buffer.alloc(20)]),
    ],
    ["SVG/XML/HTML text", Buffer.from('  <svg xmlns="http://www.w3.org/2000/svg"/>')],
  ])("%s", (name, file) => {
    expect(codeOf(() => decodeImage(file))).toEqual({
      code: "unsupported",
      message: `unsupported image format (looks like ${name}): use PNG or JPEG`,
      cause: undefined,
    });
  });

  it("garbage", () => {
    const { code, message } = codeOf(() =>
      decodeImage(Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a])),
    );
    expect(code).toBe("unsupported");
    expect(message).toBe(
      "unsupported image format (first bytes 12 34 56 78 9a match no known image signature): " +
        "use PNG or JPEG",
    );
  });

  it("JPEG variants jpeg-js cannot decode", () => {
    const withSof = (marker: number, patch?: (b: Uint8Array, sof: number) => void) => {
      const forged = jpeg.slice();
      const sof = forged.findIndex((b, i) => b === 0xff && forged[i + 1] === 0xc0);
      forged[sof + 1] = marker;
      patch?.(forged, sof);
      return forged;
    };
    expect(codeOf(() => decodeImage(withSof(0xc3))).message).toMatch(/\(lossless JPEG\)/);
    expect(codeOf(() => decodeImage(withSof(0xc9))).message).toMatch(/\(arithmetic-coded JPEG\)/);
    expect(
      codeOf(() =>
        decodeImage(
          withSof(0xc0, (b, s) => {
            b[s + 4] = 12;
          }),
        ),
      ).message,
    ).toMatch(/\(12-bit JPEG\)/);
    expect(
      codeOf(() =>
        decodeImage(
          withSof(0xc0, (b, s) => {
            b[s + 5] = 0;
            b[s + 6] = 0;
          }),
        ),
      ).message,
    ).toMatch(/DNL/);
  });
});

describe("corrupt files", () => {
  it("a PNG with a bad CRC: pngjs's error becomes the cause", () => {
    const bad = png.slice();
    bad[29] ^= 0xff; // inside IHDR's CRC
    const { code, message, cause } = codeOf(() => decodeImage(bad));
    expect(code).toBe("corrupt");
    expect(message).toMatch(/^PNG data is corrupt: /);
    expect(cause).toBeInstanceOf(Error);
    expect(cause).not.toBeInstanceOf(ImageError);
  });

  it("a PNG whose first chunk is not IHDR, and an impossible bit depth", () => {
    const iend = chunk("IEND", new Uint8Array(0));
    expect(codeOf(() => decodeImage(bytes(SIGNATURE, iend))).code).toBe("corrupt");
    expect(codeOf(() => decodeImage(bytes(SIGNATURE, ihdr(2, 2, 3, 2), iend))).message).toMatch(
      /colour type 2 with bit depth 3/,
    );
  });

  it("a JPEG whose scan data is garbage: jpeg-js's error becomes the cause", () => {
    const bad = jpeg.slice();
    const sos = bad.findIndex((b, i) => b === 0xff && bad[i + 1] === 0xda);
    bad.fill(0xa5, sos + 14, bad.length - 2); // stays well-formed at the marker level
    const err = codeOf(() => decodeImage(bad));
    expect(err.code).toBe("corrupt");
    expect(err.cause).toBeInstanceOf(Error);
  });
});
