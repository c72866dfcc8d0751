// Builds PNG files chunk by chunk for tests, for the colour types and bit depths pngjs cannot
// write (palette, 1/2/4-bit grey) and for forged headers. Independent of src/: CRCs come from
// node:zlib, compression from zlib.deflateSync, bit packing written out here.

import { crc32, deflateSync } from "node:zlib";

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  bitDepth: number;
  /** Samples row-major, channels interleaved, each in [0, 2^bitDepth − 1]. */
  samples: readonly number[];
  /** colorType 3: the palette as [r, g, b] triples. */
  palette?: readonly (readonly number[])[];
  /** tRNS: palette alphas (type 3), or one grey / RGB sample value made transparent (0, 2). */
  trns?: readonly number[];
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function ihdr(width: number, height: number, bitDepth = 8, colorType = 6): Uint8Array {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([bitDepth, colorType, 0, 0, 0], 8);
  return chunk("IHDR", data);
}

export const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Packs samples into scanlines (MSB first for depths below 8, big-endian for 16), filter 0. */
function scanlines(spec: PngSpec): Uint8Array {
  const perRow = spec.width * CHANNELS[spec.colorType];
  const rowBytes = Math.ceil((perRow * spec.bitDepth) / 8);
  const out = new Uint8Array(spec.height * (1 + rowBytes));
  for (let y = 0; y < spec.height; y++) {
    const row = out.subarray(y * (1 + rowBytes) + 1, (y + 1) * (1 + rowBytes));
    for (let i = 0; i < perRow; i++) {
      const v = spec.samples[y * perRow + i];
      if (spec.bitDepth === 16) {
        row[i * 2] = v >> 8;
        row[i * 2 + 1] = v & 0xff;
      } else {
        const bit = i * spec.bitDepth;
        row[bit >> 3] |= v << (8 - spec.bitDepth - (bit & 7));
      }
    }
  }
  return out;
}

export function buildPng(spec: PngSpec): Uint8Array {
  const parts = [SIGNATURE, ihdr(spec.width, spec.height, spec.bitDepth, spec.colorType)];
  if (spec.palette) parts.push(chunk("PLTE", Uint8Array.from(spec.palette.flat())));
  if (spec.trns) {
    // Palette alphas are bytes; grey/RGB transparent values are 16-bit fields.
    const trns =
      spec.colorType === 3
        ? Uint8Array.from(spec.trns)
        : Uint8Array.from(spec.trns.flatMap((v) => [v >> 8, v & 0xff]));
    parts.push(chunk("tRNS", trns));
  }
  parts.push(chunk("IDAT", deflateSync(scanlines(spec))), chunk("IEND", new Uint8Array(0)));
  return Buffer.concat(parts);
}
