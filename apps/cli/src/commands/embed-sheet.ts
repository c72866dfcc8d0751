// Pictures for `sheep embed search|project`: the contact sheet of a query and its nearest
// pictures, and the 2-D scatter of a projection with each point's thumbnail — as a PNG (drawn
// on the host canvas) and as SVG text (thumbnails embedded as PNG data URIs).

import { type Canvas, canvas, drawText, type PictureIndex, textWidth } from "@sheep/algorithms";
import { encodeImage, type RgbaImage } from "@sheep/io";

/** The canvas (three float planes) as an opaque RGBA image. */
export function canvasImage(c: Canvas): RgbaImage {
  const plane = c.width * c.height;
  const data = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) data[p * 4 + ch] = Math.round(c.data[ch * plane + p] * 255);
    data[p * 4 + 3] = 255;
  }
  return { width: c.width, height: c.height, data };
}

/** Paint RGB bytes [t, t, 3] scaled to side × side (nearest) with the top-left at (top, left). */
export function paintThumb(
  c: Canvas,
  rgb: Uint8Array,
  t: number,
  side: number,
  top: number,
  left: number,
) {
  const plane = c.width * c.height;
  for (let y = 0; y < side; y++) {
    const ty = top + y;
    if (ty < 0 || ty >= c.height) continue;
    const sy = Math.floor((y * t) / side);
    for (let x = 0; x < side; x++) {
      const tx = left + x;
      if (tx < 0 || tx >= c.width) continue;
      const s = (sy * t + Math.floor((x * t) / side)) * 3;
      for (let ch = 0; ch < 3; ch++) c.data[ch * plane + ty * c.width + tx] = rgb[s + ch] / 255;
    }
  }
}

/** The i-th thumbnail of the index, or null when it has none. */
export function thumbOf(index: PictureIndex, i: number): Uint8Array | null {
  if (!index.thumbnails) return null;
  const n = index.thumbSize * index.thumbSize * 3;
  return index.thumbnails.subarray(i * n, (i + 1) * n);
}

export interface SheetCell {
  rgb: Uint8Array | null;
  t: number;
  caption: string;
}

/** One row: the query, then each hit with its rank and distance underneath. */
export function contactSheet(cells: readonly SheetCell[], side = 128): RgbaImage {
  const gap = 8;
  const caption = 16;
  const c = canvas(cells.length * (side + gap) + gap, side + 2 * gap + caption, 1);
  cells.forEach((cell, i) => {
    const left = gap + i * (side + gap);
    if (cell.rgb) paintThumb(c, cell.rgb, cell.t, side, gap, left);
    let text = cell.caption;
    while (text.length > 1 && textWidth(text) > side) text = text.slice(0, -1);
    drawText(c, text, gap + side + 4, left, 1);
  });
  return canvasImage(c);
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

/** Map coordinates to pixel positions inside a square of `size` with a margin. */
function layout(coords: Float64Array, n: number, size: number, margin: number) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    [x0, x1] = [Math.min(x0, coords[2 * i]), Math.max(x1, coords[2 * i])];
    [y0, y1] = [Math.min(y0, coords[2 * i + 1]), Math.max(y1, coords[2 * i + 1])];
  }
  const span = Math.max(x1 - x0, y1 - y0, 1e-12);
  const inner = size - 2 * margin;
  return (i: number): [number, number] => [
    margin + ((coords[2 * i] - x0) / span) * inner,
    margin + ((y1 - coords[2 * i + 1]) / span) * inner,
  ];
}

/** 2-D scatter as a PNG: every point's thumbnail centred on it (a dot when there is none). */
export function scatterImage(index: PictureIndex, coords: Float64Array, size = 800): RgbaImage {
  const n = index.files.length;
  const thumb = Math.max(12, Math.min(64, Math.round(size / Math.sqrt(n + 1) / 1.5)));
  const at = layout(coords, n, size, thumb);
  const c = canvas(size, size, 1);
  for (let i = 0; i < n; i++) {
    const [x, y] = at(i);
    const rgb = thumbOf(index, i);
    const s = rgb ? thumb : 4;
    const [top, left] = [Math.round(y - s / 2), Math.round(x - s / 2)];
    if (rgb) paintThumb(c, rgb, index.thumbSize, s, top, left);
    else paintThumb(c, new Uint8Array([31, 119, 180]), 1, s, top, left);
  }
  return canvasImage(c);
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** 2-D scatter as SVG: a coloured dot per point (colour by label), thumbnails, file as title. */
export function scatterSvg(
  index: PictureIndex,
  coords: Float64Array,
  labels: readonly string[],
  title: string,
  size = 800,
): string {
  const n = index.files.length;
  const thumb = Math.max(12, Math.min(64, Math.round(size / Math.sqrt(n + 1) / 1.5)));
  const at = layout(coords, n, size, thumb);
  const kinds = [...new Set(labels)];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${size}" height="${size}" fill="white"/>`,
    `<text x="8" y="16">${esc(title)}</text>`,
  ];
  for (let i = 0; i < n; i++) {
    const [x, y] = at(i).map((v) => v.toFixed(1));
    const colour = PALETTE[kinds.indexOf(labels[i]) % PALETTE.length];
    const rgb = thumbOf(index, i);
    out.push(`<g><title>${esc(index.files[i])}</title>`);
    if (rgb) {
      const t = index.thumbSize;
      const rgba = new Uint8ClampedArray(t * t * 4);
      for (let p = 0; p < t * t; p++)
        rgba.set([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2], 255], 4 * p);
      const png = Buffer.from(encodeImage({ width: t, height: t, data: rgba }, "png"));
      const h = thumb / 2;
      out.push(
        `<image x="${(+x - h).toFixed(1)}" y="${(+y - h).toFixed(1)}" width="${thumb}" height="${thumb}" href="data:image/png;base64,${png.toString("base64")}"/>`,
      );
    }
    out.push(`<circle cx="${x}" cy="${y}" r="4" fill="${colour}" stroke="white"/></g>`);
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
