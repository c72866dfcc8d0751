// Pooling's shape rules: PyTorch's pooled length (ceil mode included) and the checks that turn
// a bad window or input into a ShapeError naming the op and the shapes.

import { ShapeError } from "../errors.ts";
import type { Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";

/** A max-pooling window, [along H, along W] each. */
export interface MaxPoolAttrs {
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  ceilMode: boolean;
}

/** An average-pooling window; divisor 0 means "no divisor override". */
export interface AvgPoolAttrs {
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  ceilMode: boolean;
  countIncludePad: boolean;
  divisor: number;
}

/**
 * PyTorch's pooled length: floor (or ceil) of (n + 2p - d(k-1) - 1) / s, plus 1; in ceil mode
 * the last window must start inside the input or the left padding, else it is dropped.
 */
export function pooledLength(
  n: number,
  k: number,
  s: number,
  p: number,
  d: number,
  ceil: boolean,
): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/** Check an NCHW input and a window, and give the pooled [N, C, OH, OW]. */
export function pooledShape(op: string, shapes: Shape[], x: Shape, a: MaxPoolAttrs): number[] {
  if (x.length !== 4) throw new ShapeError(op, shapes, "expects an NCHW input (4 dims)");
  const pair = (v: readonly number[]) => v.length === 2 && v.every(Number.isInteger);
  if (![a.kernel, a.stride, a.padding, a.dilation].every(pair)) {
    throw new ShapeError(op, shapes, "kernel, stride, padding and dilation must be integer pairs");
  }
  if ([...a.kernel, ...a.stride, ...a.dilation].some((v) => v < 1)) {
    throw new ShapeError(
      op,
      shapes,
      `kernel [${a.kernel}], stride [${a.stride}] and dilation [${a.dilation}] must be ≥ 1`,
    );
  }
  if (a.padding.some((p, d) => p < 0 || p > Math.floor(a.kernel[d] / 2))) {
    throw new ShapeError(
      op,
      shapes,
      `padding [${a.padding}] must be between 0 and half the kernel [${a.kernel}]`,
    );
  }
  const [oh, ow] = [0, 1].map((d) =>
    pooledLength(x[2 + d], a.kernel[d], a.stride[d], a.padding[d], a.dilation[d], a.ceilMode),
  );
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      op,
      shapes,
      `a ${a.kernel[0]}×${a.kernel[1]} window (stride [${a.stride}], padding [${a.padding}], ` +
        `dilation [${a.dilation}]) does not fit the ${x[2]}×${x[3]} input: the output would be ${oh}×${ow}`,
    );
  }
  return [x[0], x[1], oh, ow];
}

/** The gradient ops take g and check it against the input size they were told. */
export function checkGrad(op: string, g: Tensor, expected: Shape) {
  if (g.rank !== 4 || g.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(op, [g.shape, expected], "the gradient must have the pooled shape");
  }
}

export function checkFloat(op: string, x: Tensor) {
  if (x.dtype !== "float32") throw new ShapeError(op, [x.shape], "expects a float32 input");
}
