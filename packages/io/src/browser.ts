// The browser entry of @sheep/io: decode with the browser's own codecs (createImageBitmap, which
// applies EXIF orientation) and encode with a canvas. It never imports pngjs, jpeg-js or node:*,
// and Node code never imports it. The pure parts (conversions, GIF, headers) are re-exported so a
// page needs only this entry.

import { ImageError } from "./errors.ts";
import { checkPixelLimit, type DecodeOptions, readImageHeader } from "./header.ts";
import {
  assertImage,
  DEFAULT_JPEG_QUALITY,
  flattenAlpha,
  type ImageFormat,
  isOpaque,
  type Rgb,
  type RgbaImage,
} from "./image.ts";

// The IDX parser is pure (no file system): the demo reads its gzipped data batches with it.
export { type IdxArray, IdxError, parseIdx } from "./datasets/idx.ts";
export * from "./shared.ts";

const MIME: Record<ImageFormat, string> = { png: "image/png", jpeg: "image/jpeg" };

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A 2D canvas of the given size: OffscreenCanvas where it exists (workers too), else <canvas>. */
function makeCanvas(width: number, height: number) {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(width, height);
    const toBlob = (type: string, quality?: number) => canvas.convertToBlob({ type, quality });
    return { ctx: canvas.getContext("2d", { willReadFrequently: true }), toBlob };
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const toBlob = (type: string, quality?: number) =>
    new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error("canvas.toBlob failed"))),
        type,
        quality,
      ),
    );
  return { ctx: canvas.getContext("2d", { willReadFrequently: true }) as Context2D | null, toBlob };
}

/**
 * Decodes a PNG or JPEG File/Blob/ArrayBuffer/Uint8Array into RGBA, EXIF orientation applied.
 * The header is read and the pixel limit checked before the browser decodes anything, with the
 * same rules and messages as decodeImage in Node. Colour-space conversion is off, so pixel values
 * are the file's own, as in Node; alpha passes through a premultiplied canvas, so colours of
 * nearly transparent pixels may shift slightly.
 */
export async function decodeImageInBrowser(
  input: Blob | ArrayBuffer | Uint8Array,
  opts: DecodeOptions = {},
): Promise<RgbaImage> {
  const bytes =
    input instanceof Blob ? new Uint8Array(await input.arrayBuffer()) : new Uint8Array(input);
  const header = readImageHeader(bytes);
  checkPixelLimit(header, opts.maxPixels);

  let bitmap: ImageBitmap;
  try {
    const blob = new Blob([bytes], { type: MIME[header.format] });
    bitmap = await createImageBitmap(blob, {
      imageOrientation: "from-image",
      premultiplyAlpha: "none",
      colorSpaceConversion: "none",
    });
  } catch (err) {
    throw new ImageError(
      "corrupt",
      `${header.format.toUpperCase()} data is corrupt: the browser could not decode it`,
      { cause: err },
    );
  }
  try {
    const { width, height } = bitmap;
    const { ctx } = makeCanvas(width, height);
    if (!ctx) throw new Error("no 2D canvas context available");
    ctx.drawImage(bitmap, 0, 0);
    return { width, height, data: ctx.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close(); // frees the decoded pixels now rather than at garbage collection
  }
}

export interface BrowserEncodeOptions {
  /** JPEG quality 1–100, default 90 (the canvas takes it as 0–1). */
  quality?: number;
  /** JPEG has no alpha; canvases would composite over black, we composite over this (white). */
  background?: Rgb;
}

/** Encodes RGBA pixels as PNG or JPEG with the browser's encoder. */
export async function encodeImageInBrowser(
  img: RgbaImage,
  format: ImageFormat,
  opts: BrowserEncodeOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  assertImage(img);
  const quality = format === "jpeg" ? (opts.quality ?? DEFAULT_JPEG_QUALITY) / 100 : undefined;
  if (quality !== undefined && !(quality >= 0.01 && quality <= 1)) {
    throw new RangeError(`JPEG quality must be between 1 and 100, got ${opts.quality}`);
  }
  const flat = format === "jpeg" && !isOpaque(img) ? flattenAlpha(img, opts.background) : img;
  const { ctx, toBlob } = makeCanvas(img.width, img.height);
  if (!ctx) throw new Error("no 2D canvas context available");
  // ImageData wants its own ArrayBuffer-backed array; the copy also leaves `img` untouched.
  ctx.putImageData(new ImageData(new Uint8ClampedArray(flat.data), img.width, img.height), 0, 0);
  const blob = await toBlob(MIME[format], quality);
  // Browsers quietly fall back to PNG for a type they cannot encode; say so instead.
  if (blob.type !== MIME[format]) {
    throw new ImageError("unsupported", `this browser cannot encode ${MIME[format]}`);
  }
  return new Uint8Array(await blob.arrayBuffer());
}
