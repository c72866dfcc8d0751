// Pooling functions with PyTorch's arguments: max_pool2d, avg_pool2d, adaptive_avg_pool2d.

import { apply } from "../ops/apply.ts";
import type { Tensor } from "../tensor.ts";
import { batched, type Pair, pair } from "./cnn-args.ts";

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** Default: the kernel size (windows side by side). */
  stride?: Pair;
  /** Implicit -inf padding on both sides, at most half the kernel. Default 0. */
  padding?: Pair;
  /** Spacing between window taps. Default 1. */
  dilation?: Pair;
  /** Round the output size up: one more, partial window at the end when some input is left. */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  /** Implicit zero padding on both sides, at most half the kernel. Default 0. */
  padding?: Pair;
  ceilMode?: boolean;
  /** Divide by the window's size counting padded positions (default true), or only real ones. */
  countIncludePad?: boolean;
  /** Divide every window by this instead. */
  divisorOverride?: number;
}

function maxAttrs(x: Tensor, o: MaxPool2dOptions | Pair, op: string) {
  const opts: MaxPool2dOptions =
    typeof o === "object" && !Array.isArray(o)
      ? (o as MaxPool2dOptions)
      : { kernelSize: o as Pair };
  const kernel = pair(op, x, opts.kernelSize, "kernelSize", 1);
  return {
    kernel,
    stride: opts.stride === undefined ? kernel : pair(op, x, opts.stride, "stride", 1),
    padding: pair(op, x, opts.padding ?? 0, "padding", 0),
    dilation: pair(op, x, opts.dilation ?? 1, "dilation", 1),
    ceilMode: opts.ceilMode ?? false,
  };
}

/**
 * Max over each window of each channel (torch.nn.functional.max_pool2d). NCHW or CHW input.
 * `maxPool2d(x, 2)` halves H and W. The gradient goes to each window's maximum (the first one,
 * in row-major window order, where several are equal).
 */
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions | Pair): Tensor {
  return batched("maxPool2d", x, (x4) => apply("maxPool2d", [x4], maxAttrs(x, opts, "maxPool2d")));
}

/**
 * max_pool2d with return_indices: the pooled values and, for each, the int32 flat index
 * y·W + x of the maximum within its H × W plane (what max_unpool2d takes).
 */
export function maxPool2dWithIndices(x: Tensor, opts: MaxPool2dOptions | Pair): [Tensor, Tensor] {
  const attrs = maxAttrs(x, opts, "maxPool2d");
  const values = batched("maxPool2d", x, (x4) => apply("maxPool2d", [x4], attrs));
  const indices = batched("maxPool2d", x, (x4) => apply("maxPool2dIndices", [x4], attrs));
  return [values, indices];
}

/**
 * Mean over each window (torch.nn.functional.avg_pool2d), with PyTorch's divisor: the window
 * clipped to the padded input (countIncludePad) or to the input itself, or divisorOverride.
 * A window that ceilMode lets run past the padding is divided by its clipped size.
 */
export function avgPool2d(x: Tensor, opts: AvgPool2dOptions | Pair): Tensor {
  const o: AvgPool2dOptions =
    typeof opts === "object" && !Array.isArray(opts)
      ? (opts as AvgPool2dOptions)
      : { kernelSize: opts as Pair };
  const kernel = pair("avgPool2d", x, o.kernelSize, "kernelSize", 1);
  const divisor = o.divisorOverride ?? 0;
  if (o.divisorOverride !== undefined && !(Number.isInteger(divisor) && divisor > 0)) {
    throw new Error(
      `avgPool2d: divisorOverride must be a positive integer, got ${o.divisorOverride}`,
    );
  }
  const attrs = {
    kernel,
    stride: o.stride === undefined ? kernel : pair("avgPool2d", x, o.stride, "stride", 1),
    padding: pair("avgPool2d", x, o.padding ?? 0, "padding", 0),
    ceilMode: o.ceilMode ?? false,
    countIncludePad: o.countIncludePad ?? true,
    divisor,
  };
  return batched("avgPool2d", x, (x4) => apply("avgPool2d", [x4], attrs));
}

/**
 * Average pooling to a fixed output size (torch.nn.functional.adaptive_avg_pool2d): output row
 * i averages input rows floor(i·H/outH) … ceil((i+1)·H/outH) - 1, and likewise for columns.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const size = pair("adaptiveAvgPool2d", x, outputSize, "outputSize", 1);
  return batched("adaptiveAvgPool2d", x, (x4) => apply("adaptiveAvgPool2d", [x4], { size }));
}
