// Heatmaps drawn over the image: values scaled to [0, 1] (by the map's largest value), coloured
// with a five-stop approximation of matplotlib's "inferno" (dark = nothing, yellow = most), and
// blended over a dimmed copy of the picture. Host-side: it is a few hundred thousand pixels.

/** Inferno at 0, ¼, ½, ¾, 1 (matplotlib's values, rounded). */
const INFERNO: readonly [number, number, number][] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** The colour of t ∈ [0, 1], linear between the stops, as RGB in [0, 1]. */
export function inferno(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(u));
  const f = u - i;
  const [a, b] = [INFERNO[i], INFERNO[i + 1]];
  return [0, 1, 2].map((k) => (a[k] + f * (b[k] - a[k])) / 255) as [number, number, number];
}

export interface OverlayOptions {
  /** How much of the colour shows over the image, 0…1. Default 0.6. */
  alpha?: number;
}

/**
 * RGB [3, H, W] in [0, 1]: the image (C = 1 or 3, [C, H, W] data) with the heat [H, W] over it.
 * The heat is divided by its largest absolute value, so maps of any scale compare.
 */
export function overlayHeatmap(
  image: Float32Array,
  channels: number,
  heat: Float32Array,
  height: number,
  width: number,
  o: OverlayOptions = {},
): Float32Array {
  const n = height * width;
  if (heat.length !== n || image.length !== channels * n || (channels !== 1 && channels !== 3)) {
    throw new Error(
      `heatmap: image [${channels}, ${height}, ${width}] and heat of ${heat.length} do not match`,
    );
  }
  const alpha = o.alpha ?? 0.6;
  let top = 0;
  for (const v of heat) top = Math.max(top, Math.abs(v));
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const colour = inferno(top > 0 ? Math.abs(heat[i]) / top : 0);
    for (let k = 0; k < 3; k++) {
      const px = image[(channels === 3 ? k : 0) * n + i];
      out[k * n + i] = (1 - alpha) * px + alpha * colour[k];
    }
  }
  return out;
}
