// Local response normalisation across channels (AlexNet's and GoogLeNet's LRN), composed from
// existing ops so its gradient comes from theirs: square → a channel-window average (an average
// pool over a [N, 1, C, H·W] view) → affine → pow → multiply.

import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { avgPool2d } from "./cnn-pool.ts";
import { add, mul, pow, square } from "./elementwise.ts";
import { pad, reshape } from "./shape.ts";

export interface LocalResponseNormOptions {
  /** Default 1e-4. Multiplies the window's MEAN of squares (so it is "divided by size"). */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
  /** Default 1. */
  k?: number;
}

/**
 * torch.nn.functional.local_response_norm over dim 1 of x [N, C, …]:
 *
 *   out[c] = x[c] / (k + alpha/size · Σ_{c' in window(c)} x[c']²)^beta
 *
 * where window(c) is c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋, clipped to the channels (missing
 * channels count as zeros, and the divisor stays `size`).
 *
 * This is Caffe's LRN with norm_region ACROSS_CHANNELS (local_size = size, same alpha, beta,
 * k): Caffe also divides alpha by local_size. TF.js's localResponseNormalization(x,
 * depthRadius, bias, alpha, beta) is the same with depthRadius = (size − 1)/2 (odd size),
 * bias = k and its alpha = alpha/size (TF does not divide).
 */
export function localResponseNorm(
  x: Tensor,
  size: number,
  opts: LocalResponseNormOptions = {},
): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = opts;
  if (!Number.isInteger(size) || size < 1) {
    throw new ShapeError(
      "localResponseNorm",
      [x.shape],
      `size must be an integer ≥ 1, got ${size}`,
    );
  }
  if (x.rank < 3) {
    throw new ShapeError("localResponseNorm", [x.shape], "expects [N, C, …] (at least 3 dims)");
  }
  for (const [name, v] of [
    ["alpha", alpha],
    ["beta", beta],
    ["k", k],
  ] as const) {
    if (!Number.isFinite(v)) {
      throw new ShapeError("localResponseNorm", [x.shape], `${name} must be finite, got ${v}`);
    }
  }
  const [n, c] = x.shape;
  const positions = x.shape.slice(2).reduce((a, b) => a * b, 1);
  // Channels become the pooled "height": a [size, 1] window slides along them, over zero
  // padding (⌊size/2⌋ before, ⌊(size−1)/2⌋ after), and every window is divided by size. An odd
  // size pads both sides alike, which the pool does itself (count_include_pad: every window lies
  // inside the padded input, so the divisor is size); an even size pads first, then pools.
  const sq = reshape(square(x), [n, 1, c, positions]);
  const half = Math.floor(size / 2);
  const pooled =
    size % 2 === 1
      ? avgPool2d(sq, { kernelSize: [size, 1], stride: 1, padding: [half, 0] })
      : avgPool2d(pad(sq, [0, 0, half, half - 1]), { kernelSize: [size, 1], stride: 1 });
  const meanSq = reshape(pooled, x.shape);
  // (k + alpha·mean)^(−beta): the base is ≥ k > 0 for the usual k, so pow's gradient is finite.
  return mul(x, pow(add(mul(meanSq, alpha), k), -beta));
}
