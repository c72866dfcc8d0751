// encodeImage for Node: RGBA pixels to PNG (pngjs) or JPEG (jpeg-js) bytes.

import { encode as encodeJpegPixels } from "jpeg-js";
import { PNG } from "pngjs";
import {
  assertImage,
  DEFAULT_JPEG_QUALITY,
  flattenAlpha,
  type ImageFormat,
  isOpaque,
  ownedBytes,
  type Rgb,
  type RgbaImage,
} from "./image.ts";

export interface EncodeOptions {
  /** JPEG quality, 1–100; default DEFAULT_JPEG_QUALITY (90). */
  quality?: number;
  /** JPEG has no alpha: transparent pixels are composited over this colour (default white). */
  background?: Rgb;
}

/** Encodes an image as PNG (lossless, keeps alpha) or JPEG (lossy, alpha flattened). */
export function encodeImage(
  img: RgbaImage,
  format: ImageFormat,
  opts: EncodeOptions = {},
): Uint8Array<ArrayBuffer> {
  assertImage(img);
  if (format === "png") return encodePng(img);
  if (format === "jpeg") return encodeJpeg(img, opts);
  throw new RangeError(`unknown image format "${format}": use "png" or "jpeg"`);
}

/** Writes RGB (colour type 2) when the image is opaque, a quarter smaller than RGBA (type 6). */
function encodePng(img: RgbaImage): Uint8Array<ArrayBuffer> {
  const { width, height, data } = img;
  const opaque = isOpaque(img);
  // The packer reads only width, height and data; `new PNG({ width, height })` would first
  // allocate a w·h·4 buffer of its own, only for us to replace it.
  const png = { width, height, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  const options = { colorType: opaque ? 2 : 6, inputColorType: 6, inputHasAlpha: true } as const;
  return ownedBytes(PNG.sync.write(png as PNG, options));
}

function encodeJpeg(img: RgbaImage, opts: EncodeOptions): Uint8Array<ArrayBuffer> {
  const quality = opts.quality ?? DEFAULT_JPEG_QUALITY;
  if (!(quality >= 1 && quality <= 100)) {
    throw new RangeError(`JPEG quality must be between 1 and 100, got ${quality}`);
  }
  const flat = isOpaque(img) ? img : flattenAlpha(img, opts.background);
  const { width, height, data } = flat;
  return ownedBytes(encodeJpegPixels({ width, height, data }, Math.round(quality)).data);
}
