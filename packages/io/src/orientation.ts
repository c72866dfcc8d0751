// Applies an EXIF orientation to decoded pixels, so the image comes out the way a camera's user
// saw it. Browsers do this in createImageBitmap({imageOrientation: "from-image"}); in Node we do.

import type { Orientation } from "./exif.ts";
import type { RgbaImage } from "./image.ts";

/**
 * Where the stored pixel (x, y) of a w×h image lands on screen, per orientation. The EXIF spec
 * words each case as "the 0th row is the visual <side>, the 0th column is the visual <side>":
 *
 *   1  row 0 top,    col 0 left    identity                  (x, y)
 *   2  row 0 top,    col 0 right   mirror left↔right         (w−1−x, y)
 *   3  row 0 bottom, col 0 right   rotate 180°               (w−1−x, h−1−y)
 *   4  row 0 bottom, col 0 left    mirror top↔bottom         (x, h−1−y)
 *   5  row 0 left,   col 0 top     transpose                 (y, x)
 *   6  row 0 right,  col 0 top     rotate 90° clockwise      (h−1−y, x)
 *   7  row 0 right,  col 0 bottom  transverse                (h−1−y, w−1−x)
 *   8  row 0 left,   col 0 bottom  rotate 90° anticlockwise  (y, w−1−x)
 */
const PLACE: Record<Orientation, (x: number, y: number, w: number, h: number) => [number, number]> =
  {
    1: (x, y) => [x, y],
    2: (x, y, w) => [w - 1 - x, y],
    3: (x, y, w, h) => [w - 1 - x, h - 1 - y],
    4: (x, y, _w, h) => [x, h - 1 - y],
    5: (x, y) => [y, x],
    6: (x, y, _w, h) => [h - 1 - y, x],
    7: (x, y, w, h) => [h - 1 - y, w - 1 - x],
    8: (x, y, w) => [y, w - 1 - x],
  };

/** True for the orientations that turn the image a quarter, swapping width and height. */
export function swapsAxes(orientation: Orientation): boolean {
  return orientation >= 5;
}

/** Returns the image as displayed; orientation 1 returns `img` itself, without copying. */
export function applyOrientation(img: RgbaImage, orientation: Orientation): RgbaImage {
  if (orientation === 1) return img;
  const { width: w, height: h } = img;
  const outWidth = swapsAxes(orientation) ? h : w;
  const outHeight = swapsAxes(orientation) ? w : h;
  // Move whole pixels as 32-bit words. A Uint32Array needs a 4-aligned offset, which a view into
  // a decoder's larger buffer may lack; then one copy buys the alignment.
  const bytes = img.data.byteOffset % 4 === 0 ? img.data : img.data.slice();
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, w * h);
  const out = new Uint32Array(w * h);
  // Each placement is affine in (x, y), so the destination index is origin + x·stepX + y·stepY:
  // three evaluations of the table give all three, and the loop does no per-pixel calls.
  const index = (x: number, y: number) => {
    const [dx, dy] = PLACE[orientation](x, y, w, h);
    return dy * outWidth + dx;
  };
  const origin = index(0, 0);
  const stepX = index(1, 0) - origin;
  const stepY = index(0, 1) - origin;
  for (let y = 0; y < h; y++) {
    const row = origin + y * stepY;
    for (let x = 0; x < w; x++) out[row + x * stepX] = src[y * w + x];
  }
  return { width: outWidth, height: outHeight, data: new Uint8ClampedArray(out.buffer) };
}
