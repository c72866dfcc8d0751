// Convolution functions with PyTorch's conventions (NCHW inputs, OIHW weights): they validate
// and normalise the arguments, then apply the op (op.ts).

import { ShapeError } from "../errors.ts";
import { apply } from "../ops/apply.ts";
import type { Tensor } from "../tensor.ts";
import type { ConvGeom } from "./geometry.ts";

type Pair = number | readonly [number, number];
type Quad = [number, number, number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /**
   * A number, [padH, padW], asymmetric [top, bottom, left, right], "valid" (none) or "same"
   * (stride 1 only; an odd total puts the extra row/column at the bottom/right, as PyTorch).
   */
  padding?: Pair | Readonly<Quad> | "same" | "valid";
  dilation?: Pair;
  groups?: number;
  /** Fuse an activation into the output write. */
  activation?: "relu" | null;
}

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Rows/columns cropped from each side of the full transposed output: a number or [padH, padW]. */
  padding?: Pair;
  /** Extra rows/columns at the bottom/right (must be smaller than stride or dilation). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

function pair(
  op: string,
  shapes: readonly (readonly number[])[],
  name: string,
  v: Pair,
  min: number,
): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || !p.every((e) => Number.isInteger(e) && e >= min)) {
    throw new ShapeError(
      op,
      shapes,
      `${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return p;
}

/** Padding as [top, bottom, left, right] from a number, [padH, padW] or the four sides. */
function quad(
  op: string,
  shapes: readonly (readonly number[])[],
  p: Pair | readonly number[],
): Quad {
  if (typeof p !== "number" && p.length === 4) {
    if (!p.every((e) => Number.isInteger(e) && e >= 0)) {
      throw new ShapeError(op, shapes, `padding must be integers ≥ 0, got ${JSON.stringify(p)}`);
    }
    return [p[0], p[1], p[2], p[3]];
  }
  const [ph, pw] = pair(op, shapes, "padding", p as Pair, 0);
  return [ph, ph, pw, pw];
}

function shapesOf(...ts: (Tensor | null | undefined)[]) {
  return ts.filter((t): t is Tensor => !!t).map((t) => t.shape);
}

/** 2-D convolution (cross-correlation) of x [N, C, H, W] with w [O, C/groups, kH, kW], plus bias [O]. */
export function conv2d(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  opts: Conv2dOptions = {},
): Tensor {
  const shapes = shapesOf(x, w, bias);
  const stride = pair("conv2d", shapes, "stride", opts.stride ?? 1, 1);
  const dilation = pair("conv2d", shapes, "dilation", opts.dilation ?? 1, 1);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new ShapeError("conv2d", shapes, `groups must be a positive integer, got ${groups}`);
  if (w.rank !== 4)
    throw new ShapeError("conv2d", shapes, "the weight must be [O, C/groups, kH, kW]");
  const p = opts.padding ?? 0;
  let padding: Quad;
  if (p === "valid") padding = [0, 0, 0, 0];
  else if (p === "same") {
    if (stride[0] !== 1 || stride[1] !== 1)
      throw new ShapeError("conv2d", shapes, 'padding "same" needs stride 1');
    const th = dilation[0] * (w.shape[2] - 1);
    const tw = dilation[1] * (w.shape[3] - 1);
    padding = [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  } else padding = quad("conv2d", shapes, p);
  if (opts.activation && opts.activation !== "relu") {
    throw new ShapeError(
      "conv2d",
      shapes,
      `unknown activation "${opts.activation}" (only "relu" is fused)`,
    );
  }
  const geom: ConvGeom = { stride, padding, dilation, groups };
  // The fused ReLU is its own op (conv/op.ts), with the masked gradients.
  const op = opts.activation === "relu" ? "conv2dRelu" : "conv2d";
  return apply(op, bias ? [x, w, bias] : [x, w], geom);
}

/** Transposed convolution of x [N, Cin, H, W] with w [Cin, Cout/groups, kH, kW], plus bias [Cout]. */
export function convTranspose2d(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  opts: ConvTranspose2dOptions = {},
): Tensor {
  const shapes = shapesOf(x, w, bias);
  const stride = pair("convTranspose2d", shapes, "stride", opts.stride ?? 1, 1);
  const dilation = pair("convTranspose2d", shapes, "dilation", opts.dilation ?? 1, 1);
  const [ph, pw] = pair("convTranspose2d", shapes, "padding", opts.padding ?? 0, 0);
  const [oh, ow] = pair("convTranspose2d", shapes, "outputPadding", opts.outputPadding ?? 0, 0);
  if ((oh >= stride[0] && oh >= dilation[0]) || (ow >= stride[1] && ow >= dilation[1])) {
    throw new ShapeError(
      "convTranspose2d",
      shapes,
      "outputPadding must be smaller than either stride or dilation",
    );
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new ShapeError(
      "convTranspose2d",
      shapes,
      `groups must be a positive integer, got ${groups}`,
    );
  // output_padding adds rows at the bottom: a bottom "padding" of ph − oh (negative = extra rows).
  const geom: ConvGeom = { stride, padding: [ph, ph - oh, pw, pw - ow], dilation, groups };
  return apply("convTranspose2d", bias ? [x, w, bias] : [x, w], geom);
}

/**
 * The gradient of conv2d with respect to its weight, as torch.nn.grad.conv2d_weight: x is the
 * conv's input, g the gradient of its output; the result is [O, C/groups, kH, kW].
 */
export function conv2dWeightGrad(
  x: Tensor,
  g: Tensor,
  kernel: readonly [number, number],
  opts: Omit<Conv2dOptions, "activation" | "padding"> & { padding?: Pair | Readonly<Quad> } = {},
): Tensor {
  const shapes = shapesOf(x, g);
  const stride = pair("conv2dWeightGrad", shapes, "stride", opts.stride ?? 1, 1);
  const dilation = pair("conv2dWeightGrad", shapes, "dilation", opts.dilation ?? 1, 1);
  const padding = quad("conv2dWeightGrad", shapes, opts.padding ?? 0);
  return apply("conv2dWeightGrad", [x, g], {
    stride,
    padding,
    dilation,
    groups: opts.groups ?? 1,
    kernel,
  });
}
