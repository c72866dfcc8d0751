// Zoom and rotate an image about its centre, on the host: the step between the frames of an
// endless-zoom dream. It runs once per frame on data already read back, so plain loops are
// simplest; the frame then goes back to the device for the next dream.

import type { NCHW } from "@sheep/io";

/**
 * out(p) = in(c + R(−θ)·(p − c) / zoom) with bilinear sampling and edge clamping: the content
 * grows by `zoom` and turns by `degrees` (counter-clockwise on screen) about the centre c.
 */
export function zoomRotate(img: NCHW, zoom: number, degrees: number): NCHW {
  const [n, channels, h, w] = img.shape;
  if (!(zoom > 0)) throw new Error(`zoom must be positive, got ${zoom}`);
  const out = new Float32Array(img.data.length);
  const t = (degrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(t) / zoom, Math.sin(t) / zoom];
  const [cy, cx] = [(h - 1) / 2, (w - 1) / 2];
  const plane = h * w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Rows grow downwards, so a counter-clockwise turn on screen is clockwise in (x, y).
      const [u, v] = [x - cx, y - cy];
      const sx = Math.min(w - 1, Math.max(0, cx + cos * u - sin * v));
      const sy = Math.min(h - 1, Math.max(0, cy + sin * u + cos * v));
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [x1, y1] = [Math.min(w - 1, x0 + 1), Math.min(h - 1, y0 + 1)];
      const [fx, fy] = [sx - x0, sy - y0];
      for (let p = 0; p < n * channels; p++) {
        const at = (yy: number, xx: number) => img.data[p * plane + yy * w + xx];
        const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
        const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
        out[p * plane + y * w + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { shape: [n, channels, h, w], data: out };
}
