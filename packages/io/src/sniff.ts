// Format detection by magic bytes: a file's first bytes say what it is, its name does not (phones
// save HEIC as .jpg, servers send WebP for .png URLs). Only PNG and JPEG pass; for everything
// else we name what it looks like so the user knows what to convert.

import { ImageError } from "./errors.ts";
import type { ImageFormat } from "./image.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Every JPEG starts with SOI (FF D8) and then another marker's FF.
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/** True when `bytes` starts with `prefix`; `at` shifts where the comparison starts. */
function startsWith(bytes: Uint8Array, prefix: readonly number[] | string, at = 0): boolean {
  const expected = typeof prefix === "string" ? [...prefix].map((ch) => ch.charCodeAt(0)) : prefix;
  if (bytes.length < at + expected.length) return false;
  return expected.every((b, i) => bytes[at + i] === b);
}

/** ISO-BMFF containers (HEIC, AVIF, MP4) say what they hold in the `ftyp` box's brand. */
function isoMediaName(bytes: Uint8Array): string | undefined {
  if (!startsWith(bytes, "ftyp", 4)) return undefined;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand === "avif" || brand === "avis") return "AVIF";
  if (["heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"].includes(brand)) return "HEIC/HEIF";
  return `an ISO media file (brand "${brand}"), e.g. MP4 or MOV video`;
}

/** Signatures of formats people commonly hand to an image loader, in the order we test them. */
const LOOKALIKES: readonly { name: string; test: (b: Uint8Array) => boolean }[] = [
  { name: "GIF", test: (b) => startsWith(b, "GIF87a") || startsWith(b, "GIF89a") },
  { name: "WebP", test: (b) => startsWith(b, "RIFF") && startsWith(b, "WEBP", 8) },
  { name: "BMP", test: (b) => startsWith(b, "BM") && b.length >= 14 },
  { name: "TIFF", test: (b) => startsWith(b, "II*\0") || startsWith(b, "MM\0*") },
  { name: "ICO", test: (b) => startsWith(b, [0, 0, 1, 0]) },
  { name: "JPEG XL", test: (b) => startsWith(b, [0xff, 0x0a]) || startsWith(b, "JXL ", 4) },
  { name: "JPEG 2000", test: (b) => startsWith(b, "jP  ", 4) || startsWith(b, [0xff, 0x4f]) },
  { name: "Photoshop PSD", test: (b) => startsWith(b, "8BPS") },
  { name: "QOI", test: (b) => startsWith(b, "qoif") },
  { name: "PDF", test: (b) => startsWith(b, "%PDF") },
  { name: "gzip-compressed data", test: (b) => startsWith(b, [0x1f, 0x8b]) },
  { name: "a ZIP archive", test: (b) => startsWith(b, "PK\x03\x04") },
  {
    name: "SVG/XML/HTML text",
    test: (b) => /^\s*</.test(String.fromCharCode(...b.subarray(0, 64))),
  },
];

function hexBytes(bytes: Uint8Array, n: number): string {
  return [...bytes.subarray(0, n)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/**
 * Returns "png" or "jpeg" from the magic bytes, or throws ImageError: `empty` for no bytes,
 * `truncated` for a cut-off signature, `unsupported` (naming the lookalike) for anything else.
 */
export function detectFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) throw new ImageError("empty", "image file is empty (0 bytes)");
  if (startsWith(bytes, PNG_SIGNATURE)) return "png";
  if (startsWith(bytes, JPEG_SIGNATURE)) return "jpeg";
  // A signature cut short is a truncated file, not an unknown format.
  for (const [name, sig] of [
    ["PNG", PNG_SIGNATURE],
    ["JPEG", JPEG_SIGNATURE],
  ] as const) {
    if (bytes.length < sig.length && bytes.every((b, i) => b === sig[i])) {
      throw new ImageError(
        "truncated",
        `image is truncated: expected at least ${sig.length} bytes of ${name} signature, ` +
          `got ${bytes.length}`,
      );
    }
  }
  const iso = isoMediaName(bytes);
  const lookalike = iso ?? LOOKALIKES.find((f) => f.test(bytes))?.name;
  const looks = lookalike
    ? `looks like ${lookalike}`
    : `first bytes ${hexBytes(bytes, 8)} match no known image signature`;
  throw new ImageError("unsupported", `unsupported image format (${looks}): use PNG or JPEG`);
}
