// decodeImage for Node: PNG through pngjs, JPEG through jpeg-js, both pure JavaScript. The header
// is read and the pixel limit checked first (header.ts); only then does a decoder allocate.

import { decode as decodeJpegPixels } from "jpeg-js";
import { PNG } from "pngjs";
import { decoderFailed } from "./errors.ts";
import {
  checkPixelLimit,
  type DecodeOptions,
  type ImageHeader,
  readImageHeader,
} from "./header.ts";
import { ownedBytes, type RgbaImage } from "./image.ts";
import { applyOrientation } from "./orientation.ts";

/**
 * Decodes PNG or JPEG bytes (detected by magic bytes, never by file name) into an RGBA image,
 * with a JPEG's EXIF orientation applied. Throws ImageError (`empty`, `truncated`, `unsupported`,
 * `too-large`, `corrupt`); a decoder's own exception is kept as the error's `cause`.
 */
export function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): RgbaImage {
  const header = readImageHeader(bytes);
  checkPixelLimit(header, opts.maxPixels);
  if (header.format === "png") return decodePng(bytes);
  return applyOrientation(decodeJpeg(bytes, header), header.orientation);
}

/**
 * pngjs handles every colour type and bit depth, palettes, tRNS transparency and interlacing,
 * and always hands back 8-bit RGBA (16-bit samples are rounded: v·255/65535).
 */
function decodePng(bytes: Uint8Array): RgbaImage {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const png = PNG.sync.read(buffer);
    const data = ownedBytes(png.data);
    return { width: png.width, height: png.height, data: new Uint8ClampedArray(data.buffer) };
  } catch (err) {
    throw decoderFailed("PNG", err);
  }
}

/**
 * jpeg-js decodes baseline and progressive JPEG, grey, YCbCr and (with an Adobe marker) CMYK.
 * Its own limits count pixels (maxResolutionInMP) and bytes of coefficient blocks
 * (maxMemoryUsageInMB, 512 by default). Our pixel limit has already run, so both are raised to
 * fit this image: about 4 bytes per sample of blocks (3–4 components) plus 4 of RGBA output.
 */
function decodeJpeg(bytes: Uint8Array, header: ImageHeader): RgbaImage {
  const pixels = header.width * header.height;
  try {
    const { width, height, data } = decodeJpegPixels(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: Math.max(100, Math.ceil(pixels / 1e6) + 1),
      maxMemoryUsageInMB: Math.max(512, Math.ceil((pixels * 24) / 2 ** 20) + 64),
    });
    return { width, height, data: new Uint8ClampedArray(ownedBytes(data).buffer) };
  } catch (err) {
    throw decoderFailed("JPEG", err);
  }
}
