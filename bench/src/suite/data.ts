// Host-side data for the cases: seeded inputs, the layout changes between our NCHW/OIHW and
// TF.js's NHWC/HWIO (done in plain JS, outside every timed region), and the error measure.

/** n floats uniform in [lo, hi) from a 32-bit LCG: the same inputs on every runner. */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array<ArrayBuffer> {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  const scale = (hi - lo) / 2 ** 32;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + s * scale;
  }
  return out;
}

/** Move axis order: `perm[i]` is the source axis of destination axis i (as torch.permute). */
export function permuteHost(
  data: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array<ArrayBuffer> {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const srcStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    srcStrides[i] = s;
    s *= shape[i];
  }
  const stepOf = perm.map((p) => srcStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    // Odometer over the destination index, keeping the source offset in step.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += stepOf[d];
      if (idx[d] < outShape[d]) break;
      src -= stepOf[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export const NCHW_TO_NHWC = [0, 2, 3, 1];
export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const OIHW_TO_HWIO = [2, 3, 1, 0];
export const HWIO_TO_OIHW = [3, 2, 0, 1];

/** max |a − b| / max |b|: one number that is small when a matches the reference b. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN anywhere must fail the check, and NaN comparisons are false: test it explicitly.
    if (Number.isNaN(d)) return Number.POSITIVE_INFINITY;
    if (d > diff) diff = d;
    const m = Math.abs(b[i]);
    if (m > scale) scale = m;
  }
  return diff / Math.max(scale, 1e-20);
}

/**
 * ‖a − b‖₂ / ‖b‖₂: the error measure for whole pipelines. A deep network's gradient differs
 * between two correct engines wherever a pre-activation sits at a ReLU's kink (float32 rounding
 * flips which side it falls on), which moves the max-norm a lot and the L2 norm very little.
 */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  const e = Math.sqrt(diff / Math.max(norm, 1e-40));
  return Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmtShape = (s: readonly number[]) => s.join("×");
