// Geometry of the convolutions (op.ts): output sizes, the checks behind their ShapeErrors,
// the routines' geometry record, and the adjoint's padding. All in conv2d's direction: x is
// [N, C, H, W], y is [N, O, Ho, Wo], w is [O, C/groups, kH, kW].

import { ShapeError } from "../errors.ts";
import type { Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import type { ConvGeometry } from "./routines.ts";

/** Stride, padding, dilation and groups of a convolution, in conv2d's direction. */
export interface ConvGeom {
  stride: readonly [number, number];
  /**
   * [top, bottom, left, right]. Bottom and right may be negative inside the engine: a crop, which
   * is how the adjoints express PyTorch's output_padding and conv2d's unused trailing rows.
   */
  padding: readonly [number, number, number, number];
  dilation: readonly [number, number];
  groups: number;
}

/** conv2d's output size along one dim: ⌊(n + pad − d·(k−1) − 1) / s⌋ + 1. */
export const convOutSize = (n: number, k: number, s: number, d: number, pad: number) =>
  Math.floor((n + pad - d * (k - 1) - 1) / s) + 1;

/** convTranspose2d's output size along one dim: (n − 1)·s − pad + d·(k−1) + 1. */
export const convTransposeOutSize = (n: number, k: number, s: number, d: number, pad: number) =>
  (n - 1) * s - pad + d * (k - 1) + 1;

export function checkGeom(op: string, shapes: Shape[], a: ConvGeom) {
  const ints = [...a.stride, ...a.dilation, ...a.padding, a.groups];
  if (!ints.every(Number.isInteger)) throw new ShapeError(op, shapes, "geometry must be integers");
  if (a.stride.some((s) => s < 1))
    throw new ShapeError(op, shapes, `stride must be ≥ 1, got [${a.stride}]`);
  if (a.dilation.some((d) => d < 1))
    throw new ShapeError(op, shapes, `dilation must be ≥ 1, got [${a.dilation}]`);
  if (a.padding[0] < 0 || a.padding[2] < 0)
    throw new ShapeError(op, shapes, "top/left padding must be ≥ 0");
  if (a.groups < 1) throw new ShapeError(op, shapes, `groups must be ≥ 1, got ${a.groups}`);
}

export function checkInputs(op: string, ts: readonly Tensor[], ranks: number[]) {
  const shapes = ts.map((t) => t.shape);
  ts.forEach((t, i) => {
    if (t.rank !== ranks[i]) {
      throw new ShapeError(op, shapes, `input ${i} must have rank ${ranks[i]}, not ${t.rank}`);
    }
    if (t.dtype !== "float32") throw new ShapeError(op, shapes, "inputs must be float32");
  });
}

/** Channels must split evenly into groups, and the weight must match them. */
export function checkChannels(
  op: string,
  shapes: Shape[],
  c: number,
  o: number,
  wIn: number,
  groups: number,
) {
  if (c % groups !== 0 || o % groups !== 0) {
    throw new ShapeError(op, shapes, `groups (${groups}) must divide both ${c} and ${o} channels`);
  }
  if (wIn * groups !== c) {
    throw new ShapeError(
      op,
      shapes,
      `the weight expects ${wIn * groups} input channels (${wIn} per group × ${groups} groups), the input has ${c}`,
    );
  }
}

/** conv2d's output [Ho, Wo] for an input of [H, W], or a ShapeError when the kernel does not fit. */
export function convSpatial(
  op: string,
  shapes: Shape[],
  a: ConvGeom,
  h: number,
  w: number,
  kh: number,
  kw: number,
) {
  const [t, b, l, r] = a.padding;
  const [dh, dw] = a.dilation;
  const spanH = dh * (kh - 1) + 1;
  const spanW = dw * (kw - 1) + 1;
  if (h + t + b < spanH || w + l + r < spanW) {
    throw new ShapeError(
      op,
      shapes,
      `the kernel (${spanH}×${spanW} with dilation) is larger than the padded input (${h + t + b}×${w + l + r})`,
    );
  }
  return [convOutSize(h, kh, a.stride[0], dh, t + b), convOutSize(w, kw, a.stride[1], dw, l + r)];
}

/** Everything a routine needs, from x-side and y-side shapes and the kernel size. */
export function geometry(a: ConvGeom, xs: Shape, ys: Shape, kh: number, kw: number): ConvGeometry {
  return {
    batch: xs[0],
    groups: a.groups,
    inC: xs[1],
    inH: xs[2],
    inW: xs[3],
    outC: ys[1],
    outH: ys[2],
    outW: ys[3],
    kH: kh,
    kW: kw,
    strideH: a.stride[0],
    strideW: a.stride[1],
    padTop: a.padding[0],
    padLeft: a.padding[2],
    dilationH: a.dilation[0],
    dilationW: a.dilation[1],
  };
}

/**
 * The geometry of conv2d's adjoint in x for an input of [H, W]: the same padding, less the rows
 * and columns conv2d never reached (so the transposed conv gives back exactly H × W).
 */
export function adjointGeom(a: ConvGeom, xs: Shape, kh: number, kw: number): ConvGeom {
  const [t, b, l, r] = a.padding;
  const unused = (n: number, k: number, s: number, d: number, pad: number) =>
    (n + pad - d * (k - 1) - 1) % s;
  const remH = unused(xs[2], kh, a.stride[0], a.dilation[0], t + b);
  const remW = unused(xs[3], kw, a.stride[1], a.dilation[1], l + r);
  return { ...a, padding: [t, b - remH, l, r - remW] };
}

export const geomOf = (a: ConvGeom): ConvGeom => ({
  stride: a.stride,
  padding: a.padding,
  dilation: a.dilation,
  groups: a.groups,
});

/** A mask input must be there and have the shape of the gradient it masks. */
export function checkMask(op: string, shapes: Shape[], g: Tensor, mask: Tensor | undefined) {
  if (!mask || mask.shape.join() !== g.shape.join()) {
    throw new ShapeError(op, shapes, "the mask must have the shape of the gradient it masks");
  }
}
