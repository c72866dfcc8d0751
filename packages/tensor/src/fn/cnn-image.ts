// Image functions for the CNN pipelines: the Gram matrix (style), dropout, resizing, roll and
// Gaussian blur (DeepDream's octaves, jitter and gradient smoothing).

import type { ResizeMode } from "../backend/cnn-routines.ts";
import { onesLike, zerosLike } from "../create.ts";
import { ShapeError } from "../errors.ts";
import { apply } from "../ops/apply.ts";
import { drawKey } from "../random.ts";
import { normAxis, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { batched, type Pair, pair } from "./cnn-args.ts";
import { mul, ne } from "./elementwise.ts";
import { concat, flatten, narrow, pad, reshape } from "./shape.ts";

export interface GramOptions {
  /**
   * Divide G by: a number, "hw" (H·W, the number of positions) or "chw" (C·H·W, as in the
   * PyTorch style-transfer tutorial). Default: no division.
   */
  normalize?: number | "hw" | "chw";
}

/**
 * Gram matrices of feature maps [N, C, …spatial]: G[n] = F·Fᵀ / divisor, where F is x[n]
 * reshaped to [C, H·W]. Returns [N, C, C]; each entry is the correlation of two channels.
 */
export function gram(x: Tensor, opts: GramOptions = {}): Tensor {
  if (x.rank < 3)
    throw new ShapeError("gram", [x.shape], "expects [N, C, …spatial] features (at least 3 dims)");
  const positions = sizeOf(x.shape.slice(2));
  const n = opts.normalize;
  const divisor =
    n === undefined ? 1 : n === "hw" ? positions : n === "chw" ? x.shape[1] * positions : n;
  if (!(divisor > 0))
    throw new ShapeError("gram", [x.shape], `the divisor must be positive, got ${divisor}`);
  return apply("gram", [x], { scale: 1 / divisor });
}

export interface DropoutOptions {
  /** Probability of zeroing an element. Default 0.5. */
  p?: number;
  /** Off: the input is returned unchanged. Default true. */
  training?: boolean;
  /** Seed of the mask; without it, the next key of the global stream (manualSeed). */
  seed?: number;
  /** Also return the mask: `{ out, mask }`, mask a float32 1 where kept, 0 where dropped. */
  returnMask?: boolean;
}

/**
 * Zero each element with probability p and scale the rest by 1/(1-p). The mask is a hash of
 * (seed, element index) computed on the device, identical on every backend; the gradient is
 * masked the same way. With `returnMask`, the mask too (as torch.native_dropout does).
 */
export function dropout(x: Tensor, opts?: DropoutOptions & { returnMask?: false }): Tensor;
export function dropout(
  x: Tensor,
  opts: DropoutOptions & { returnMask: true },
): { out: Tensor; mask: Tensor };
export function dropout(x: Tensor, opts?: DropoutOptions): Tensor | { out: Tensor; mask: Tensor };
export function dropout(
  x: Tensor,
  opts: DropoutOptions = {},
): Tensor | { out: Tensor; mask: Tensor } {
  const { p = 0.5, training = true } = opts;
  if (!(p >= 0 && p <= 1))
    throw new ShapeError("dropout", [x.shape], `p must be in [0, 1], got ${p}`);
  const withMask = (out: Tensor, mask: () => Tensor) =>
    opts.returnMask ? { out, mask: mask() } : out;
  if (!training || p === 0) return withMask(x, () => onesLike(x, { dtype: "float32" }));
  if (p === 1) return withMask(mul(x, 0), () => zerosLike(x, { dtype: "float32" }));
  const attrs = { p, key: drawKey(opts.seed) };
  // The same key hashes the same element indices, so dropout of ones is 1/(1-p) exactly where
  // x's elements were kept: that is the mask, without a second random stream.
  return withMask(apply("dropout", [x], attrs), () =>
    ne(apply("dropout", [onesLike(x, { dtype: "float32" })], attrs), 0),
  );
}

export interface ResizeOptions {
  /**
   * "bilinear" (default), "bicubic" (Keys' cubic convolution, a = −0.75, as PyTorch; it can
   * overshoot the input's range), "nearest" (PyTorch's legacy src = floor(dst·in/out)) or
   * "nearest-exact" (pixel centres line up: src = floor((dst + 0.5)·in/out)).
   */
  mode?: ResizeMode;
  /**
   * Bilinear and bicubic only. true: the centres of the corner pixels of input and output
   * coincide, src = dst·(in-1)/(out-1). false (default, "half-pixel"): the pixel areas coincide,
   * src = (dst + 0.5)·in/out - 0.5 (clamped at 0 for bilinear, as PyTorch).
   */
  alignCorners?: boolean;
}

const RESIZE_MODES: readonly ResizeMode[] = ["bilinear", "bicubic", "nearest", "nearest-exact"];

/** Resample NCHW (or CHW) images to [outH, outW], as torch.nn.functional.interpolate(size=…). */
export function resize2d(x: Tensor, size: Pair, opts: ResizeOptions = {}): Tensor {
  const mode = opts.mode ?? "bilinear";
  if (!RESIZE_MODES.includes(mode))
    throw new Error(`resize2d: unknown mode "${mode}" (use ${RESIZE_MODES.join(", ")})`);
  if (mode.startsWith("nearest") && opts.alignCorners) {
    throw new Error('resize2d: alignCorners only applies to modes "bilinear" and "bicubic"');
  }
  const attrs = {
    size: pair("resize2d", x, size, "size", 1),
    mode,
    alignCorners: opts.alignCorners ?? false,
  };
  return batched("resize2d", x, (x4) => apply("resize2d", [x4], attrs));
}

/**
 * Circular shift (torch.roll): element i of dim d moves to (i + shift) mod size. Without dims,
 * the flattened tensor is rolled and reshaped back.
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  const s = typeof shifts === "number" ? [shifts] : [...shifts];
  if (dims === undefined) {
    if (s.length !== 1) throw new ShapeError("roll", [x.shape], "without dims, takes one shift");
    return reshape(roll(flatten(x), s, [0]), x.shape);
  }
  const ds = typeof dims === "number" ? [dims] : [...dims];
  if (ds.length !== s.length)
    throw new ShapeError("roll", [x.shape], `${s.length} shifts for ${ds.length} dims`);
  let out = x;
  ds.forEach((dim, i) => {
    const d = normAxis("roll", dim, x.rank, x.shape);
    const n = x.shape[d];
    const k = n === 0 ? 0 : ((s[i] % n) + n) % n;
    // the last k elements move to the front
    if (k !== 0) out = concat([narrow(out, d, n - k, k), narrow(out, d, 0, n - k)], d);
  });
  return out;
}

export interface GaussianBlurOptions {
  /** Standard deviation in pixels: one for both dims, or [along H, along W]. */
  sigma: number | readonly [number, number];
  /** Odd taps per dim. Default: 2·ceil(3σ) + 1 (the kernel covers ±3σ). */
  kernelSize?: Pair;
}

/** torchvision's 1-D kernel: exp(-t²/2σ²) at t = -(k-1)/2 … (k-1)/2, normalised to sum 1. */
function gaussianTaps(k: number, sigma: number): number[] {
  const half = (k - 1) / 2;
  const w = Array.from({ length: k }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/**
 * Gaussian blur of each channel of NCHW (or CHW) images, as torchvision's gaussian_blur: two
 * 1-D passes (along W, then along H), each after reflect padding by half the kernel.
 */
export function gaussianBlur(x: Tensor, opts: GaussianBlurOptions): Tensor {
  const sigma = typeof opts.sigma === "number" ? [opts.sigma, opts.sigma] : [...opts.sigma];
  if (!sigma.every((v) => v > 0))
    throw new ShapeError("gaussianBlur", [x.shape], `sigma must be positive, got [${sigma}]`);
  const kernel =
    opts.kernelSize === undefined
      ? sigma.map((v) => 2 * Math.ceil(3 * v) + 1)
      : pair("gaussianBlur", x, opts.kernelSize, "kernelSize", 1);
  if (kernel.some((k) => k % 2 === 0 || k > 63)) {
    throw new ShapeError(
      "gaussianBlur",
      [x.shape],
      `kernel sizes must be odd and at most 63, got [${kernel}]`,
    );
  }
  return batched("gaussianBlur", x, (x4) => {
    let out = x4;
    for (const dim of [3, 2]) {
      const k = kernel[dim - 2];
      if (k === 1) continue;
      const r = (k - 1) / 2;
      if (r >= out.shape[dim]) {
        throw new ShapeError(
          "gaussianBlur",
          [x.shape],
          `a ${k}-tap kernel needs more than ${r} pixels along dim ${dim} for reflect padding`,
        );
      }
      const before = out.shape.map((_, d) => (d === dim ? r : 0));
      out = pad(out, { before, after: before }, { mode: "reflect" });
      out = apply("correlate1d", [out], { dim, taps: gaussianTaps(k, sigma[dim - 2]) });
    }
    return out;
  });
}
