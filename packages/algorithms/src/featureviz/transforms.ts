// Transformation robustness (Olah et al., Distill 2017): before each step the image is padded,
// jittered, scaled and rotated at random, so only patterns that survive small transformations
// are reinforced and the high-frequency noise that fools the network for one exact pixel grid
// does not. Every transformation is differentiable: gradients flow back to the parameters.
//
// Default values are those of Lucid's `standard_transforms` (the Distill article's code):
// pad 12 with grey, jitter 8, scale 0.9 … 1.1, rotate −10° … 10° (0 five times more often),
// jitter 4.

import { narrow, pad, resize2d, type Tensor, tensor, transpose } from "@sheep/tensor";
import type { Rng } from "../common/rng.ts";

export interface TransformOptions {
  /** Grey border added first, in pixels. */
  pad: number;
  /** Random crop: up to this many pixels off (the image shrinks by it). */
  jitter: number;
  /** Scale factors, one picked per step. */
  scales: readonly number[];
  /** Rotation angles in degrees, one picked per step. */
  angles: readonly number[];
  /** A second, smaller random crop after scaling and rotating. */
  jitter2: number;
}

export const ROBUST_TRANSFORMS: TransformOptions = {
  pad: 12,
  jitter: 8,
  scales: Array.from({ length: 11 }, (_, i) => 1 + (i - 5) / 50),
  angles: [...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0],
  jitter2: 4,
};

/** No transformation at all (the naive recipe). */
export const NO_TRANSFORMS: TransformOptions = {
  pad: 0,
  jitter: 0,
  scales: [1],
  angles: [0],
  jitter2: 0,
};

/** A random crop that is d pixels smaller in each dim (Lucid's jitter). */
function jitter(x: Tensor, d: number, r: Rng): Tensor {
  if (d <= 0) return x;
  const [h, w] = [x.shape[2], x.shape[3]];
  return narrow(narrow(x, 2, r.int(0, d), h - d), 3, r.int(0, d), w - d);
}

/**
 * Shift row y by a·(y − cy) pixels with linear interpolation:
 *   out[y][x] = Σ_k w_k(y)·in[y][x − k],   w_k(y) = max(0, 1 − |k − a·(y − cy)|)
 * for integer shifts k = −reach … reach: the tent (bilinear) kernel, at most two non-zero
 * weights per row. All terms are views of one padded copy times a per-row weight, so the
 * engine fuses the sum into one kernel. `reach` is fixed per image size (not per angle) so
 * that every angle runs the same kernel.
 */
export function shearRows(x: Tensor, a: number, reach: number): Tensor {
  const [, , h, w] = x.shape;
  if (Math.abs(a) * ((h - 1) / 2) > reach - 1)
    throw new Error(`shearRows: reach ${reach} is too short`);
  const shift = tensor(
    Array.from({ length: h }, (_, y) => a * (y - (h - 1) / 2)),
    { shape: [1, 1, h, 1], backend: x.backend.kind },
  );
  const padded = pad(x, [reach, reach, 0, 0]);
  let out: Tensor | null = null;
  for (let k = -reach; k <= reach; k++) {
    const weight = shift.sub(k).abs().neg().add(1).relu();
    const term = narrow(padded, 3, reach - k, w).mul(weight);
    out = out ? out.add(term) : term;
  }
  return out!;
}

/** Shift column x by b·(x − cx) pixels: shearRows of the transposed image. */
export function shearCols(x: Tensor, b: number, reach: number): Tensor {
  return transpose(shearRows(transpose(x, 2, 3), b, reach), 2, 3);
}

/** The shifts the three shears of a rotation by up to `maxDegrees` need, for an h × w image. */
export function shearReach(h: number, w: number, maxDegrees: number): [number, number] {
  const t = (Math.abs(maxDegrees) * Math.PI) / 180;
  const reach = (tan: number, n: number) => Math.ceil(tan * ((n - 1) / 2)) + 1;
  return [reach(Math.tan(t / 2), Math.max(h, w)), reach(Math.sin(t), Math.max(h, w))];
}

/**
 * Rotate by `degrees` counter-clockwise (on screen) about the centre, as three shears (Paeth
 * 1986): R(θ) = Sx(−tan θ/2)·Sy(sin θ)·Sx(−tan θ/2). Each shear moves pixels along one axis
 * only, which makes it a short sum of shifted copies instead of a gather over every pixel.
 * Corners fill with grey. `reach` (default: what this angle and size need) fixes the shifts
 * summed, so that many angles and sizes can share one compiled kernel.
 */
export function rotate(
  x: Tensor,
  degrees: number,
  reach = shearReach(x.shape[2], x.shape[3], degrees),
): Tensor {
  if (degrees === 0) return x;
  // rows grow downwards: counter-clockwise on screen is a negative angle in (x, y)
  const t = (-degrees * Math.PI) / 180;
  const a = -Math.tan(t / 2);
  const once = shearRows(x.sub(0.5), a, reach[0]);
  return shearRows(shearCols(once, Math.sin(t), reach[1]), a, reach[0]).add(0.5);
}

/** The robustness transformations, in Lucid's order, with random choices from r. */
export function transform(x: Tensor, o: TransformOptions, r: Rng): Tensor {
  let out = o.pad > 0 ? pad(x, [o.pad, o.pad, o.pad, o.pad], { value: 0.5 }) : x;
  out = jitter(out, o.jitter, r);
  const s = r.pick(o.scales);
  // the largest image any scale gives, and the widest angle: one reach for every step
  const side = Math.round(Math.max(out.shape[2], out.shape[3]) * Math.max(...o.scales));
  const reach = shearReach(side, side, Math.max(...o.angles.map(Math.abs)));
  if (s !== 1) {
    const [h, w] = [out.shape[2], out.shape[3]];
    out = resize2d(out, [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))]);
  }
  out = rotate(out, r.pick(o.angles), reach);
  return jitter(out, o.jitter2, r);
}
