// The working size of a dream: photos are dreamt at most --max-side pixels on their longer side
// (default 1024), or at full size with --full-size. Shrinking happens on the CPU, before the
// picture is uploaded: a 12 MP photo as float32 RGB (144 MB) is over many devices' largest
// storage binding.

import type { RgbaImage } from "@sheep/io";

/** Default longer side of a dream, in pixels: detailed, and minutes (not hours) on a laptop. */
export const DEFAULT_MAX_SIDE = 1024;

/** [width, height] scaled so the longer side is at most `maxSide` (never enlarged). */
export function workingSize(width: number, height: number, maxSide: number): [number, number] {
  const k = Math.min(1, maxSide / Math.max(width, height));
  return [Math.max(1, Math.round(width * k)), Math.max(1, Math.round(height * k))];
}

/**
 * Shrink by area averaging: each output pixel is the mean of the source pixels its footprint
 * covers, weighted by how much of each it covers (no aliasing, unlike nearest or bilinear).
 */
export function shrinkRgba(img: RgbaImage, width: number, height: number): RgbaImage {
  if (width === img.width && height === img.height) return img;
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = img.width / width;
  const sy = img.height / height;
  // Per output column: the source columns it covers and their weights (shared by every row).
  const cols = Array.from({ length: width }, (_, x) => spans(x * sx, (x + 1) * sx, img.width));
  const acc = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const rows = spans(y * sy, (y + 1) * sy, img.height);
    for (let x = 0; x < width; x++) {
      acc.fill(0);
      let total = 0;
      for (const [r, wr] of rows) {
        for (const [c, wc] of cols[x]) {
          const w = wr * wc;
          const i = (r * img.width + c) * 4;
          for (let k = 0; k < 4; k++) acc[k] += w * img.data[i + k];
          total += w;
        }
      }
      const o = (y * width + x) * 4;
      for (let k = 0; k < 4; k++) out[o + k] = acc[k] / total;
    }
  }
  return { width, height, data: out };
}

/** Source indices covered by [a, b) and how much of each. */
function spans(a: number, b: number, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
    out.push([i, Math.min(b, i + 1) - Math.max(a, i)]);
  }
  return out;
}
