// A float RGB canvas on the host (three planes, values in [0, 1]) where grids are composed and
// labelled before they go back to the device as one image.

import { ADVANCE, GLYPH_HEIGHT, glyph, textWidth } from "./font.ts";

export interface Canvas {
  width: number;
  height: number;
  /** 3 × height × width, plane by plane (the layout of one NCHW image). */
  data: Float32Array;
}

export function canvas(width: number, height: number, fill = 1): Canvas {
  return { width, height, data: new Float32Array(3 * width * height).fill(fill) };
}

/** Copy a 3 × h × w image (planes) into the canvas with its top-left corner at (top, left). */
export function blit(
  c: Canvas,
  img: ArrayLike<number>,
  h: number,
  w: number,
  top: number,
  left: number,
) {
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < h; y++) {
      const ty = top + y;
      if (ty < 0 || ty >= c.height) continue;
      for (let x = 0; x < w; x++) {
        const tx = left + x;
        if (tx < 0 || tx >= c.width) continue;
        c.data[ch * c.width * c.height + ty * c.width + tx] = img[ch * h * w + y * w + x];
      }
    }
  }
}

/** Draw text with its top-left at (top, left), each font pixel a scale × scale square. */
export function drawText(c: Canvas, text: string, top: number, left: number, scale = 1, ink = 0.1) {
  const plane = c.width * c.height;
  [...text].forEach((ch, i) => {
    glyph(ch).forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== "#") continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const y = top + gy * scale + dy;
            const x = left + (i * ADVANCE + gx) * scale + dx;
            if (y < 0 || y >= c.height || x < 0 || x >= c.width) continue;
            for (let ch3 = 0; ch3 < 3; ch3++) c.data[ch3 * plane + y * c.width + x] = ink;
          }
        }
      }
    });
  });
}

/** Text centred in a box of `width` pixels, shortened with "." until it fits. */
export function fitText(text: string, width: number, scale = 1): string {
  let t = text;
  while (t.length > 1 && textWidth(t, scale) > width) t = `${t.slice(0, -2)}.`;
  return t;
}

/** Height of one line of text at `scale`, with a pixel of margin above and below per scale. */
export const lineHeight = (scale = 1) => (GLYPH_HEIGHT + 4) * scale;
