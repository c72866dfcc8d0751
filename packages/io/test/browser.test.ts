// The browser entry, as far as Node can check it: its import graph holds no Node-only code, and
// with the canvas APIs stubbed, it checks the header before decoding, asks createImageBitmap to
// apply EXIF orientation, flattens alpha for JPEG and notices a browser that ignores the type.
// Real decoding is left to the headless-Chromium tests.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeImageInBrowser, encodeImageInBrowser, ImageError } from "../src/browser.ts";
import { encodeImage } from "../src/index.ts";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../src");

/** Follows relative imports from `entry`; returns the files reached and the packages imported. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(SRC, file), "utf8");
    for (const [, spec] of source.matchAll(/^(?:import|export)[^;]*?from "([^"]+)"/gms)) {
      if (spec.startsWith(".")) visit(join(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("entry points", () => {
  it("browser.ts reaches no Node built-in, pngjs or jpeg-js", () => {
    expect([...importGraph("browser.ts").packages]).toEqual(["gifenc"]);
  });

  it("index.ts never reaches browser.ts", () => {
    const { files, packages } = importGraph("index.ts");
    expect(files.has("browser.ts")).toBe(false);
    expect([...packages].sort()).toEqual([
      "gifenc",
      "jpeg-js",
      "node:crypto",
      "node:fs/promises",
      "node:path",
      "node:zlib",
      "pngjs",
    ]);
  });
});

/** Minimal stand-ins for OffscreenCanvas, its 2D context, ImageData and createImageBitmap. */
function stubCanvas(encodedType?: string) {
  const calls = {
    bitmapOptions: [] as unknown[],
    blobTypes: [] as string[],
    closed: 0,
    encode: [] as unknown[],
  };
  let put: { data: Uint8ClampedArray } | undefined;
  const ctx = {
    drawImage: () => {},
    getImageData: (_x: number, _y: number, w: number, h: number) => ({
      data: new Uint8ClampedArray(w * h * 4).fill(7),
    }),
    putImageData: (d: { data: Uint8ClampedArray }) => {
      put = d;
    },
  };
  class OffscreenCanvas {
    constructor(
      public width: number,
      public height: number,
    ) {}
    getContext() {
      return ctx;
    }
    async convertToBlob(opts: { type: string; quality?: number }) {
      calls.encode.push(opts);
      return new Blob([new Uint8Array([1, 2, 3])], { type: encodedType ?? opts.type });
    }
  }
  class ImageData {
    constructor(
      public data: Uint8ClampedArray,
      public width: number,
      public height: number,
    ) {}
  }
  vi.stubGlobal("OffscreenCanvas", OffscreenCanvas);
  vi.stubGlobal("ImageData", ImageData);
  vi.stubGlobal("createImageBitmap", async (blob: Blob, options: unknown) => {
    calls.blobTypes.push(blob.type);
    calls.bitmapOptions.push(options);
    return { width: 3, height: 2, close: () => calls.closed++ };
  });
  return { calls, put: () => put };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const image = (w: number, h: number, alpha: number) => ({
  width: w,
  height: h,
  data: new Uint8ClampedArray(w * h * 4).fill(alpha),
});

describe("decodeImageInBrowser (stubbed canvas)", () => {
  it("decodes via createImageBitmap, EXIF orientation on, colour conversion off", async () => {
    const { calls } = stubCanvas();
    const png = encodeImage(image(3, 2, 255), "png");
    const img = await decodeImageInBrowser(new Blob([png]));
    expect([img.width, img.height, img.data[0]]).toEqual([3, 2, 7]);
    expect(calls.blobTypes).toEqual(["image/png"]);
    expect(calls.bitmapOptions).toEqual([
      { imageOrientation: "from-image", premultiplyAlpha: "none", colorSpaceConversion: "none" },
    ]);
    expect(calls.closed).toBe(1);
  });

  it("refuses from the header, before the browser decodes anything", async () => {
    const { calls } = stubCanvas();
    const jpeg = encodeImage(image(30, 20, 255), "jpeg");
    await expect(decodeImageInBrowser(jpeg, { maxPixels: 100 })).rejects.toMatchObject({
      code: "too-large",
    });
    await expect(decodeImageInBrowser(jpeg.subarray(0, 100))).rejects.toMatchObject({
      code: "truncated",
    });
    await expect(decodeImageInBrowser(new TextEncoder().encode("GIF89a....."))).rejects.toThrow(
      ImageError,
    );
    expect(calls.bitmapOptions).toEqual([]);
  });
});

describe("decodeImageInBrowser failures", () => {
  it("wraps the browser's own decode failure, keeping it as the cause", async () => {
    stubCanvas();
    const failure = new DOMException("The source image could not be decoded.", "InvalidStateError");
    vi.stubGlobal("createImageBitmap", async () => {
      throw failure;
    });
    const err = await decodeImageInBrowser(encodeImage(image(2, 2, 255), "png")).catch((e) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect(err).toMatchObject({ code: "corrupt", cause: failure });
  });
});

describe("encodeImageInBrowser (stubbed canvas)", () => {
  it("flattens alpha over white for JPEG and passes quality as 0–1", async () => {
    const { calls, put } = stubCanvas();
    const bytes = await encodeImageInBrowser(image(2, 2, 0), "jpeg", { quality: 80 });
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
    expect(calls.encode).toEqual([{ type: "image/jpeg", quality: 0.8 }]);
    expect(Array.from(put()!.data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
  });

  it("keeps alpha for PNG", async () => {
    const { calls, put } = stubCanvas();
    await encodeImageInBrowser(image(2, 2, 9), "png");
    expect(calls.encode).toEqual([{ type: "image/png", quality: undefined }]);
    expect(put()!.data[3]).toBe(9);
  });

  it("reports a browser that silently fell back to PNG", async () => {
    stubCanvas("image/png");
    await expect(encodeImageInBrowser(image(2, 2, 255), "jpeg")).rejects.toMatchObject({
      code: "unsupported",
      message: "this browser cannot encode image/jpeg",
    });
  });
});
