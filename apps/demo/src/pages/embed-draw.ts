// Drawing the Embeddings page on 2-D canvases: the collapse monitor's distance histograms and
// per-dimension variances, the projector's scatter of held-out points coloured by class, and
// 28×28 grey images (queries and their neighbours).

import type { CollapseRecord } from "@sheep/algorithms";

const BG = "#111522";

/** Ten colours far apart, one per Fashion-MNIST class. */
export const CLASS_COLOURS = [
  "#4cc9f0",
  "#f72585",
  "#ffd166",
  "#06d6a0",
  "#b5179e",
  "#f8961e",
  "#90be6d",
  "#ff4fa3",
  "#c0c0ff",
  "#e76f51",
];

/** Positive (green) and negative (pink) pair distances of the monitored batch, as bars. */
export function drawHistograms(ctx: CanvasRenderingContext2D, r: CollapseRecord): void {
  const { width: w, height: hgt } = ctx.canvas;
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, w, hgt);
  // Shares, not counts: there are many more negative pairs than positive ones in a P×K batch.
  const share = (c: number[]) => {
    const s = c.reduce((a, b) => a + b, 0) || 1;
    return c.map((v) => v / s);
  };
  const [pos, neg] = [share(r.positive), share(r.negative)];
  const top = Math.max(...pos, ...neg, 1e-9);
  const bw = (w - 8) / pos.length;
  for (const [vals, colour, dx] of [
    [pos, "#2ec27e", 0],
    [neg, "#ff4fa3", bw / 2],
  ] as const) {
    ctx.fillStyle = colour;
    vals.forEach((v, i) => {
      const bh = (v / top) * (hgt - 22);
      ctx.fillRect(4 + i * bw + dx, hgt - 4 - bh, bw / 2 - 1, bh);
    });
  }
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#2ec27e";
  ctx.fillText(`d(a, p) mean ${r.meanPositive.toFixed(2)}`, 6, 12);
  ctx.fillStyle = "#ff4fa3";
  ctx.fillText(`d(a, n) mean ${r.meanNegative.toFixed(2)}`, 140, 12);
  ctx.fillStyle = "#ccc";
  ctx.fillText(`0 … ${r.edges.at(-1)!.toFixed(2)}`, w - 70, 12);
}

/** One bar per embedding dimension: its variance over the batch (collapse: all near 0). */
export function drawVariances(ctx: CanvasRenderingContext2D, vars: number[]): void {
  const { width: w, height: hgt } = ctx.canvas;
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, w, hgt);
  const top = Math.max(...vars, 1e-12);
  const bw = (w - 8) / vars.length;
  ctx.fillStyle = "#4cc9f0";
  vars.forEach((v, i) => {
    const bh = (v / top) * (hgt - 22);
    ctx.fillRect(4 + i * bw, hgt - 4 - bh, Math.max(1, bw - 1), bh);
  });
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#ccc";
  const sum = vars.reduce((a, b) => a + b, 0);
  ctx.fillText(
    `variance per dimension · max ${top.toExponential(1)} · total ${sum.toFixed(3)}`,
    6,
    12,
  );
}

/** Canvas positions of 2-D coordinates, scaled to fill the square with a margin. */
export function scatterPositions(coords: Float64Array, size: number): Float64Array {
  const n = coords.length / 2;
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of coords) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const span = Math.max(hi - lo, 1e-12);
  const out = new Float64Array(2 * n);
  // One scale for both axes: distances on screen keep the projection's proportions.
  let [cx, cy] = [0, 0];
  for (let i = 0; i < n; i++) [cx, cy] = [cx + coords[2 * i] / n, cy + coords[2 * i + 1] / n];
  for (let i = 0; i < n; i++) {
    out[2 * i] = size / 2 + ((coords[2 * i] - cx) / span) * (size - 20);
    out[2 * i + 1] = size / 2 - ((coords[2 * i + 1] - cy) / span) * (size - 20);
  }
  return out;
}

/** The projector: one dot per held-out image in its class colour, the query ringed. */
export function drawScatter(
  ctx: CanvasRenderingContext2D,
  pos: Float64Array,
  labels: ArrayLike<number>,
  note: string,
  chosen: number[] = [],
): void {
  const { width: w, height: hgt } = ctx.canvas;
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, w, hgt);
  for (let i = 0; i < labels.length; i++) {
    ctx.fillStyle = CLASS_COLOURS[labels[i] % 10];
    ctx.fillRect(pos[2 * i] - 2, pos[2 * i + 1] - 2, 4, 4);
  }
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 2;
  chosen.forEach((i, k) => {
    ctx.beginPath();
    ctx.arc(pos[2 * i], pos[2 * i + 1], k === 0 ? 7 : 4, 0, 2 * Math.PI);
    ctx.stroke();
  });
  ctx.lineWidth = 1;
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#ccc";
  ctx.fillText(note, 6, hgt - 6);
}

/** A 28×28 image in [−1, 1] on a new canvas, scaled up without smoothing. */
export function imageCanvas(x: Float32Array, label: string, scale = 2): HTMLCanvasElement {
  const c = document.createElement("canvas");
  c.width = 28;
  c.height = 28;
  c.style.width = c.style.height = `${28 * scale}px`;
  c.style.imageRendering = "pixelated";
  c.setAttribute("role", "img");
  c.setAttribute("aria-label", label);
  const ctx = c.getContext("2d")!;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(((x[i] + 1) / 2) * 255);
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return c;
}
