// What an image file declares about itself (format, size, orientation), read from the header
// alone, and the pixel-limit check that runs on it before any decoder allocates pixel memory.
// Shared by the Node and browser decoders, so both refuse the same files with the same words.

import { ImageError } from "./errors.ts";
import type { Orientation } from "./exif.ts";
import { DEFAULT_MAX_PIXELS, type ImageFormat } from "./image.ts";
import { readJpegHeader } from "./jpeg-header.ts";
import { swapsAxes } from "./orientation.ts";
import { readPngHeader } from "./png-header.ts";
import { detectFormat } from "./sniff.ts";

export interface ImageHeader {
  format: ImageFormat;
  /** The size of the decoded image, after EXIF orientation (which may swap the stored axes). */
  width: number;
  height: number;
  /** EXIF orientation, 1 when absent (and always 1 for PNG). */
  orientation: Orientation;
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this; defaults to DEFAULT_MAX_PIXELS (64 MP). */
  maxPixels?: number;
}

/**
 * Detects the format by magic bytes and reads the header, checking that the file is complete.
 * Throws ImageError with code `empty`, `truncated`, `unsupported` or `corrupt`.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = detectFormat(bytes);
  if (format === "png") {
    const { width, height } = readPngHeader(bytes);
    return { format, width, height, orientation: 1 };
  }
  const { width, height, orientation } = readJpegHeader(bytes);
  const swap = swapsAxes(orientation);
  return { format, width: swap ? height : width, height: swap ? width : height, orientation };
}

/** "108 MP", "2.1 MP", or an exact count where megapixels would round away the difference. */
function sizeWords(pixels: number, other: number): string {
  const rounded = (p: number) => (p >= 10e6 ? Math.round(p / 1e6) : Number((p / 1e6).toFixed(1)));
  if (pixels < 100_000 || rounded(pixels) === rounded(other))
    return `${pixels.toLocaleString("en-US")} pixels`;
  return `${rounded(pixels)} MP`;
}

/** Throws ImageError `too-large` if the header's pixel count is above `maxPixels`. */
export function checkPixelLimit(header: ImageHeader, maxPixels = DEFAULT_MAX_PIXELS): void {
  const pixels = header.width * header.height;
  if (pixels <= maxPixels) return;
  throw new ImageError(
    "too-large",
    `image is ${header.width}×${header.height} = ${sizeWords(pixels, maxPixels)}, above the ` +
      `limit of ${sizeWords(maxPixels, pixels)}; ` +
      "pass a larger maxPixels or downscale the image first",
  );
}
