// Drawing the GAN lab on 2-D canvases: D's heat map, real and generated points, G's warped
// grid, D's gradient arrows at samples, and line charts of the losses and mode coverage.

export interface View {
  size: number;
  extent: number;
}

/** Plane coordinates → canvas pixels (y up). */
const px = (v: View, x: number) => ((x + v.extent) / (2 * v.extent)) * v.size;
const py = (v: View, y: number) => ((v.extent - y) / (2 * v.extent)) * v.size;

/** The heat map: n × n values, row-major from the top-left, normalised to their range. */
export function drawHeat(ctx: CanvasRenderingContext2D, v: View, n: number, values: Float32Array) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of values) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const span = Math.max(hi - lo, 1e-6);
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const t = (values[i] - lo) / span;
    img.data.set([20 + 200 * t, 30 + 200 * t, 90 + 150 * t, 255], 4 * i);
  }
  // Draw small, then scale up with smoothing: a 32 × 32 map looks like the smooth function it is.
  const tmp = new OffscreenCanvas(n, n);
  tmp.getContext("2d")!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, v.size, v.size);
}

export function drawPoints(
  ctx: CanvasRenderingContext2D,
  v: View,
  pts: Float32Array,
  colour: string,
  r = 1.6,
) {
  ctx.fillStyle = colour;
  for (let i = 0; i < pts.length / 2; i++) {
    ctx.beginPath();
    ctx.arc(px(v, pts[2 * i]), py(v, pts[2 * i + 1]), r, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** G's image of an n × n latent grid: its rows and columns as polylines. */
export function drawMesh(ctx: CanvasRenderingContext2D, v: View, n: number, pts: Float32Array) {
  ctx.strokeStyle = "rgba(255, 255, 255, 0.35)";
  ctx.lineWidth = 1;
  const at = (i: number, j: number) => [
    px(v, pts[2 * (i * n + j)]),
    py(v, pts[2 * (i * n + j) + 1]),
  ];
  for (let i = 0; i < n; i++) {
    for (const line of [(k: number) => at(i, k), (k: number) => at(k, i)]) {
      ctx.beginPath();
      for (let k = 0; k < n; k++) {
        const [x, y] = line(k);
        if (k === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
  }
}

/** Arrows along ∇ₓD at points, scaled so the longest is 18 px. */
export function drawArrows(
  ctx: CanvasRenderingContext2D,
  v: View,
  pts: Float32Array,
  grads: Float32Array,
) {
  let longest = 1e-9;
  for (let i = 0; i < grads.length / 2; i++) {
    longest = Math.max(longest, Math.hypot(grads[2 * i], grads[2 * i + 1]));
  }
  ctx.strokeStyle = "rgba(255, 230, 120, 0.9)";
  for (let i = 0; i < pts.length / 2; i++) {
    const x = px(v, pts[2 * i]);
    const y = py(v, pts[2 * i + 1]);
    const s = 18 / longest;
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + grads[2 * i] * s, y - grads[2 * i + 1] * s);
    ctx.stroke();
  }
}

export interface Series {
  label: string;
  colour: string;
  values: number[];
  /** Fixed range (coverage 0…modes); default: the data's range. */
  range?: [number, number];
}

/** Line chart of several series over the same x (record index). */
export function drawCurves(ctx: CanvasRenderingContext2D, series: Series[]) {
  const { width: w, height: hgt } = ctx.canvas;
  ctx.fillStyle = "#111522";
  ctx.fillRect(0, 0, w, hgt);
  ctx.font = "11px sans-serif";
  series.forEach((s, k) => {
    const vals = s.values.filter(Number.isFinite);
    if (vals.length < 1) return;
    const [lo, hi] = s.range ?? [Math.min(...vals), Math.max(...vals)];
    const span = Math.max(hi - lo, 1e-9);
    ctx.strokeStyle = s.colour;
    ctx.beginPath();
    s.values.forEach((y, i) => {
      const X = (i / Math.max(1, s.values.length - 1)) * (w - 8) + 4;
      const Y = hgt - 6 - ((y - lo) / span) * (hgt - 20);
      if (i === 0) ctx.moveTo(X, Y);
      else ctx.lineTo(X, Y);
    });
    ctx.stroke();
    ctx.fillStyle = s.colour;
    ctx.fillText(`${s.label} ${vals.at(-1)!.toFixed(2)}`, 6 + k * 110, 12);
  });
}
