// Faces drawn onto a copy of their image: each box as a rectangle outline (thicker on larger
// images) with its number as a row of dots above it, each landmark as a small square. Plain
// pixel writes on RGBA data, for the CLI's `face detect --out x.png` and the demo.

import type { RgbaImage } from "@sheep/io";
import type { Face } from "./faces.ts";

const BOX: readonly number[] = [40, 220, 90];
const POINT: readonly number[] = [255, 60, 60];

function fill(
  img: RgbaImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  rgb: readonly number[],
) {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(img.width, Math.ceil(x1));
  const yb = Math.min(img.height, Math.ceil(y1));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++)
      img.data.set([rgb[0], rgb[1], rgb[2], 255], (y * img.width + x) * 4);
  }
}

/** A copy of `image` with the faces' boxes, numbers (1 = first) and landmarks drawn. */
export function drawFaces(image: RgbaImage, faces: readonly Face[]): RgbaImage {
  const out: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
  const t = Math.max(2, Math.round(Math.max(image.width, image.height) / 400));
  for (const [i, f] of faces.entries()) {
    const { x, y, width: w, height: h } = f.box;
    fill(out, x - t, y - t, x + w + t, y, BOX);
    fill(out, x - t, y + h, x + w + t, y + h + t, BOX);
    fill(out, x - t, y, x, y + h, BOX);
    fill(out, x + w, y, x + w + t, y + h, BOX);
    // The face's number as dots above the box (1 dot for face 1, …), readable without a font.
    for (let k = 0; k <= i; k++)
      fill(out, x + k * 3 * t, y - 4 * t, x + k * 3 * t + 2 * t, y - 2 * t, BOX);
    const r = Math.max(1, t / 2);
    for (const p of f.landmarks) fill(out, p.x - r, p.y - r, p.x + r, p.y + r, POINT);
  }
  return out;
}
