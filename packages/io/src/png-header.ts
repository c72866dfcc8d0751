// Reads a PNG's size and pixel format from its IHDR chunk, and walks the chunk list to catch a
// cut-off file, all before any pixel memory is allocated. pngjs does the real decoding later.

import { ImageError } from "./errors.ts";

export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  interlaced: boolean;
}

/** Legal bit depths per colour type (PNG spec, table 11.1). */
const BIT_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

const SIGNATURE_BYTES = 8;
// A chunk is length (4) + type (4) + data (length) + CRC (4).
const CHUNK_OVERHEAD = 12;

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/**
 * Parses IHDR and checks that every chunk up to IEND is complete. Throws ImageError `truncated`
 * (with the byte count the file promised), `corrupt` (no IHDR, impossible values), or `empty`.
 * CRCs are left to pngjs, which checks them while decoding.
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (needed: number) =>
    new ImageError(
      "truncated",
      `image is truncated: expected at least ${needed} bytes of PNG data, got ${bytes.length}`,
    );

  let header: PngHeader | undefined;
  let at = SIGNATURE_BYTES;
  for (;;) {
    if (at + 8 > bytes.length) throw truncated(at + CHUNK_OVERHEAD);
    const length = view.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) {
      throw new ImageError("corrupt", `PNG data is corrupt: no valid chunk at byte ${at}`);
    }
    const end = at + CHUNK_OVERHEAD + length;
    if (end > bytes.length) throw truncated(end);

    if (header === undefined) {
      // IHDR must be first and 13 bytes long: width, height, depth, type, three method bytes.
      if (type !== "IHDR" || length !== 13) {
        throw new ImageError("corrupt", "PNG data is corrupt: the first chunk is not IHDR");
      }
      header = parseIhdr(view, at + 8);
    }
    if (type === "IEND") return header;
    at = end;
  }
}

function parseIhdr(view: DataView, at: number): PngHeader {
  const width = view.getUint32(at);
  const height = view.getUint32(at + 4);
  const bitDepth = view.getUint8(at + 8);
  const colorType = view.getUint8(at + 9);
  const interlace = view.getUint8(at + 12);
  if (width === 0 || height === 0) {
    const which =
      width === 0 && height === 0
        ? "zero width and height"
        : `zero ${width === 0 ? "width" : "height"}`;
    throw new ImageError("empty", `image has ${which}`);
  }
  if (width > 0x7fffffff || height > 0x7fffffff) {
    throw new ImageError("corrupt", `PNG data is corrupt: impossible size ${width}×${height}`);
  }
  if (!BIT_DEPTHS[colorType]?.includes(bitDepth)) {
    throw new ImageError(
      "corrupt",
      `PNG data is corrupt: colour type ${colorType} with bit depth ${bitDepth} is not valid`,
    );
  }
  // Compression and filter method 0 are the only ones ever defined; interlace is 0 or 1 (Adam7).
  if (view.getUint8(at + 10) !== 0 || view.getUint8(at + 11) !== 0 || interlace > 1) {
    throw new ImageError("corrupt", "PNG data is corrupt: unknown compression/filter/interlace");
  }
  return { width, height, bitDepth, colorType, interlaced: interlace === 1 };
}
