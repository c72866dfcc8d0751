// Walks a JPEG's marker segments to find its size (SOFn), its EXIF orientation (APP1) and whether
// the file is complete (EOI), before any pixel memory is allocated. jpeg-js decodes later.
//
// A JPEG is a list of segments, each `FF <marker> <2-byte length> <payload>`; after an SOS (start
// of scan) segment comes entropy-coded data, in which a literal FF byte is written as FF 00, so
// the next real marker is the first FF not followed by 00 or a restart marker (D0–D7).

import { ImageError } from "./errors.ts";
import { type Orientation, readExifOrientation } from "./exif.ts";

export interface JpegHeader {
  width: number;
  height: number;
  /** 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  progressive: boolean;
  orientation: Orientation;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1;
const APP14 = 0xee;
const DHP = 0xde;

/** SOF markers jpeg-js decodes: baseline, extended sequential, progressive (Huffman coding). */
const DECODABLE_SOF = new Set([0xc0, 0xc1, 0xc2]);
/** Every SOF marker: C0–CF except C4 (DHT), C8 (reserved) and CC (DAC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** What the SOF markers jpeg-js cannot decode announce (ITU-T T.81, table B.1). */
function sofKind(marker: number): string {
  if (marker === 0xc3) return "lossless";
  if (marker >= 0xc5 && marker <= 0xc7) return "hierarchical";
  return "arithmetic-coded"; // C9–CB and CD–CF
}

/** "Exif\0\0" opens an APP1 segment that holds TIFF-structured EXIF. */
const isExif = (s: Uint8Array) =>
  s.length > 6 && String.fromCharCode(...s.subarray(0, 6)) === "Exif\0\0";
/** "Adobe" in APP14 tells jpeg-js how to read 4-component (CMYK) data; it refuses it without. */
const isAdobe = (s: Uint8Array) =>
  s.length >= 5 && String.fromCharCode(...s.subarray(0, 5)) === "Adobe";

/**
 * Parses the header segments and skims the scans to EOI. Throws ImageError `truncated` (a segment
 * runs past the end, or the data stops before EOI), `corrupt`, `empty` (zero width) or
 * `unsupported` (JPEG variants jpeg-js cannot decode: lossless, arithmetic, 12-bit…).
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  const n = bytes.length;
  const truncated = (detail: string) =>
    new ImageError("truncated", `image is truncated: ${detail} of JPEG data, got ${n}`);
  const unsupported = (what: string) =>
    new ImageError(
      "unsupported",
      `unsupported image format (${what}): use PNG or an ordinary 8-bit JPEG`,
    );

  let frame: Omit<JpegHeader, "orientation"> | undefined;
  let orientation: Orientation = 1;
  let adobe = false;
  let at = 2; // after SOI
  for (;;) {
    // Step to the next marker, skipping stray bytes and FF fill bytes as libjpeg does.
    while (at < n && bytes[at] !== 0xff) at++;
    while (at < n && bytes[at] === 0xff) at++;
    if (at >= n) throw truncated("expected an end-of-image marker after the last segment");
    const marker = bytes[at++];
    if (marker === EOI) break;
    if (marker === SOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;

    if (at + 2 > n) throw truncated(`expected at least ${at + 2} bytes`);
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2) throw new ImageError("corrupt", `JPEG data is corrupt: bad segment length`);
    const end = at + length;
    if (end > n) throw truncated(`expected at least ${end} bytes`);
    const payload = bytes.subarray(at + 2, end);
    at = end;

    if (marker === APP1 && isExif(payload) && orientation === 1) {
      orientation = readExifOrientation(payload.subarray(6));
    } else if (marker === APP14 && isAdobe(payload)) {
      adobe = true;
    } else if (marker === DHP) {
      throw unsupported("hierarchical JPEG");
    } else if (isSof(marker)) {
      if (frame) throw unsupported("JPEG with several frames");
      frame = parseSof(marker, payload);
    } else if (marker === SOS) {
      if (!frame) throw new ImageError("corrupt", "JPEG data is corrupt: scan before frame header");
      at = skipEntropyData(bytes, at);
      if (at < 0) throw truncated("the compressed pixel data stops before an end-of-image marker");
    }
  }
  if (!frame) throw new ImageError("corrupt", "JPEG data is corrupt: no frame header (SOFn)");
  if (frame.components === 4 && !adobe) throw unsupported("CMYK JPEG without an Adobe marker");
  return { ...frame, orientation };

  function parseSof(marker: number, s: Uint8Array): Omit<JpegHeader, "orientation"> {
    if (!DECODABLE_SOF.has(marker)) throw unsupported(`${sofKind(marker)} JPEG`);
    if (s.length < 6) throw new ImageError("corrupt", "JPEG data is corrupt: short SOF segment");
    const precision = s[0];
    const height = (s[1] << 8) | s[2];
    const width = (s[3] << 8) | s[4];
    const components = s[5];
    if (precision !== 8) throw unsupported(`${precision}-bit JPEG`);
    if (width === 0) throw new ImageError("empty", "image has zero width");
    // Height 0 is legal and means "given later in a DNL marker", which jpeg-js does not read.
    if (height === 0) throw unsupported("JPEG whose height is deferred to a DNL marker");
    if (![1, 3, 4].includes(components)) throw unsupported(`JPEG with ${components} components`);
    return { width, height, components, progressive: marker === 0xc2 };
  }
}

/**
 * Returns the offset of the marker that ends the entropy-coded data starting at `at`, or -1 if
 * the bytes run out first. Uint8Array.indexOf is native, so this skim costs little next to the
 * decode itself.
 */
function skipEntropyData(bytes: Uint8Array, at: number): number {
  for (;;) {
    const ff = bytes.indexOf(0xff, at);
    if (ff < 0 || ff + 1 >= bytes.length) return -1;
    const next = bytes[ff + 1];
    const stuffedOrRestart = next === 0x00 || (next >= 0xd0 && next <= 0xd7);
    if (!stuffedOrRestart && next !== 0xff) return ff;
    at = stuffedOrRestart ? ff + 2 : ff + 1;
  }
}
