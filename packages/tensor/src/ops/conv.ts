// Convolutions: conv2d, convTranspose2d and conv2dWeightGrad (shaders/conv2d*.wgsl,
// shaders/conv_transpose2d*.wgsl). The three are one linear map seen from three sides, so their
// geometry is always stated in conv2d's direction: x is [N, C, H, W], the conv2d output y is
// [N, O, Ho, Wo] and the weight w is [O, C/groups, kH, kW] (PyTorch's NCHW and OIHW).
//   conv2d            (x, w) → y     y = x ⋆ w
//   convTranspose2d   (y, w) → x     conv2d's adjoint in x (PyTorch's conv_transpose2d)
//   conv2dWeightGrad  (x, g) → w     conv2d's adjoint in w
// Each VJP is one of the other two, which is why no backward shader exists beyond these. A fused
// ReLU's backward is fused too: the two adjoints take the ReLU's output as a third input (a mask,
// `reluMask`) and read the gradient as zero where it is ≤ 0, in the same pass that packs it.

import { detach } from "../autograd.ts";
import type { ConvGeometry } from "../backend/conv-routines.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { full } from "../fn/create.ts";
import { gt, mul } from "../fn/elementwise.ts";
import { sum } from "../fn/reduce.ts";
import { reshape } from "../fn/shape.ts";
import type { Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { apply } from "./apply.ts";
import type { Ctx, OpDef } from "./types.ts";

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

export interface ConvAttrs {
  conv2d: ConvGeom & { relu: boolean };
  /** With reluMask the third input is a y-shaped mask instead of a bias. */
  convTranspose2d: ConvGeom & { reluMask?: boolean };
  /** With reluMask the third input is a y-shaped mask for g. */
  conv2dWeightGrad: ConvGeom & { kernel: readonly [number, number]; reluMask?: boolean };
}

/** conv2d's output size along one dim: ⌊(n + pad − d·(k−1) − 1) / s⌋ + 1. */
export const convOutSize = (n: number, k: number, s: number, d: number, pad: number) =>
  Math.floor((n + pad - d * (k - 1) - 1) / s) + 1;

/** convTranspose2d's output size along one dim: (n − 1)·s − pad + d·(k−1) + 1. */
export const convTransposeOutSize = (n: number, k: number, s: number, d: number, pad: number) =>
  (n - 1) * s - pad + d * (k - 1) + 1;

function checkGeom(op: string, shapes: Shape[], a: ConvGeom) {
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

function checkInputs(op: string, ts: readonly Tensor[], ranks: number[]) {
  const shapes = ts.map((t) => t.shape);
  ts.forEach((t, i) => {
    if (t.rank !== ranks[i]) {
      throw new ShapeError(op, shapes, `input ${i} must have rank ${ranks[i]}, not ${t.rank}`);
    }
    if (t.dtype !== "float32") throw new ShapeError(op, shapes, "inputs must be float32");
  });
}

/** Channels must split evenly into groups, and the weight must match them. */
function checkChannels(
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
function convSpatial(
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

const geomOf = (a: ConvGeom): ConvGeom => ({
  stride: a.stride,
  padding: a.padding,
  dilation: a.dilation,
  groups: a.groups,
});

/**
 * The fused ReLU's mask for the adjoints: the forward output, detached (a mask has no gradient of
 * its own), as a third input — or nothing when there is no ReLU.
 */
const maskOf = (c: Ctx<ConvAttrs["conv2d"]>) => (c.attrs.relu ? [detach(c.out)] : []);

/**
 * d/db Σ over N, H, W of g (masked by mask > 0): a reduction that fuses the mask into its reads.
 * Past one storage binding, the plain reduction cannot bind g; the weight-gradient routine of a
 * 1×1 conv of an all-ones input computes the same sum batch chunk by batch chunk.
 */
function biasGrad(g: Tensor, mask: Tensor | undefined): Tensor {
  if (g.size * 4 <= g.backend.info.limits.maxStorageBufferBindingSize) {
    return sum(mask ? mul(g, gt(mask, 0)) : g, [0, 2, 3]);
  }
  const ones = full([g.shape[0], 1, g.shape[2], g.shape[3]], 1, { like: g });
  const one = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
  const gw = apply("conv2dWeightGrad", mask ? [ones, g, mask] : [ones, g], {
    ...one,
    kernel: [1, 1],
    reluMask: !!mask,
  });
  return reshape(gw, [g.shape[1]]);
}

/** d/dy of (y masked by m): the gradient masked the same way. */
const maskBack = (t: Tensor, mask: Tensor | undefined) => (mask ? mul(t, gt(mask, 0)) : t);

const region = (t: Tensor | undefined) => (t ? engine.region(t) : null);

/** A reluMask input must be there and have the shape of the gradient it masks. */
function checkMask(op: string, shapes: Shape[], g: Tensor, mask: Tensor | undefined) {
  if (!mask || mask.shape.join() !== g.shape.join()) {
    throw new ShapeError(op, shapes, "reluMask needs a mask input shaped like the gradient");
  }
}

/** convTranspose2d's mask input, when it has one. */
const maskInput = (c: Ctx<ConvAttrs["convTranspose2d"]>) =>
  c.attrs.reluMask ? c.inputs[2] : undefined;
const kernelOf = (w: Tensor) => [w.shape[2], w.shape[3]] as const;

export const convOps: { [K in keyof ConvAttrs]: OpDef<ConvAttrs[K]> } = {
  conv2d: {
    kind: "routine",
    shape: (ins, a) => {
      const [x, w, bias] = ins;
      const shapes = ins.map((t) => t.shape);
      checkInputs("conv2d", ins, [4, 4, 1]);
      checkGeom("conv2d", shapes, a);
      checkChannels("conv2d", shapes, x.shape[1], w.shape[0], w.shape[1], a.groups);
      if (bias && bias.shape[0] !== w.shape[0]) {
        throw new ShapeError(
          "conv2d",
          shapes,
          `the bias needs ${w.shape[0]} elements, one per output channel`,
        );
      }
      const [ho, wo] = convSpatial("conv2d", shapes, a, x.shape[2], x.shape[3], ...kernelOf(w));
      return { shape: [x.shape[0], w.shape[0], ho, wo], dtype: "float32" };
    },
    forward: ([x, w, bias], out, a) => {
      const geom = geometry(a, x.shape, out.shape, ...kernelOf(w));
      const args = { x: engine.region(x), w: engine.region(w), bias: region(bias) };
      out.backend.run("conv2d", { ...args, out: engine.region(out), geom, relu: a.relu });
    },
    // y = relu(x ⋆ w + b); with the ReLU, g counts only where y > 0 (the mask input).
    vjp: [
      // d/dx: the transposed convolution of g with the same weights
      (g, c) =>
        apply("convTranspose2d", [g, c.y, ...maskOf(c)], {
          ...adjointGeom(c.attrs, c.x.shape, ...kernelOf(c.y)),
          reluMask: c.attrs.relu,
        }),
      // d/dw: x correlated with g
      (g, c) =>
        apply("conv2dWeightGrad", [c.x, g, ...maskOf(c)], {
          ...geomOf(c.attrs),
          kernel: kernelOf(c.y),
          reluMask: c.attrs.relu,
        }),
      // d/db: Σ g over N, H, W
      (g, c) => biasGrad(g, maskOf(c)[0]),
    ],
  },

  convTranspose2d: {
    kind: "routine",
    shape: (ins, a) => {
      const [y, w, third] = ins;
      const shapes = ins.map((t) => t.shape);
      checkInputs("convTranspose2d", ins, [4, 4, a.reluMask ? 4 : 1]);
      checkGeom("convTranspose2d", shapes, a);
      const c = w.shape[1] * a.groups;
      if (y.shape[1] !== w.shape[0]) {
        throw new ShapeError(
          "convTranspose2d",
          shapes,
          `the weight expects ${w.shape[0]} input channels, the input has ${y.shape[1]}`,
        );
      }
      checkChannels("convTranspose2d", shapes, c, y.shape[1], w.shape[1], a.groups);
      if (third && !a.reluMask && third.shape[0] !== c) {
        throw new ShapeError(
          "convTranspose2d",
          shapes,
          `the bias needs ${c} elements, one per output channel`,
        );
      }
      if (a.reluMask) checkMask("convTranspose2d", shapes, y, third);
      const [t, b, l, r] = a.padding;
      const h = convTransposeOutSize(y.shape[2], w.shape[2], a.stride[0], a.dilation[0], t + b);
      const wd = convTransposeOutSize(y.shape[3], w.shape[3], a.stride[1], a.dilation[1], l + r);
      if (h < 1 || wd < 1) {
        throw new ShapeError(
          "convTranspose2d",
          shapes,
          `the padding leaves an empty output (${h}×${wd})`,
        );
      }
      return { shape: [y.shape[0], c, h, wd], dtype: "float32" };
    },
    forward: ([y, w, third], out, a) => {
      const geom = geometry(a, out.shape, y.shape, ...kernelOf(w));
      const bias = a.reluMask ? null : region(third);
      const mask = a.reluMask ? region(third) : null;
      const args = { x: engine.region(y), w: engine.region(w), bias, mask };
      out.backend.run("convTranspose2d", { ...args, out: engine.region(out), geom });
    },
    vjp: [
      // d/dy: conv2d of g with the same weights (the adjoint of the adjoint), masked like y
      (g, c) =>
        maskBack(apply("conv2d", [g, c.y], { ...geomOf(c.attrs), relu: false }), maskInput(c)),
      // d/dw: g (x-shaped) correlated with the input (y-shaped): the weight gradient, roles swapped
      (g, c) =>
        apply("conv2dWeightGrad", [g, c.x, ...c.inputs.slice(2, c.attrs.reluMask ? 3 : 2)], {
          ...geomOf(c.attrs),
          kernel: kernelOf(c.y),
          reluMask: c.attrs.reluMask,
        }),
      // d/db: Σ g over N, H, W (a mask is detached: it never asks for a gradient)
      (g) => biasGrad(g, undefined),
    ],
  },

  conv2dWeightGrad: {
    kind: "routine",
    shape: (ins, a) => {
      const [x, g, mask] = ins;
      const shapes = ins.map((t) => t.shape);
      checkInputs("conv2dWeightGrad", ins, [4, 4, 4]);
      checkGeom("conv2dWeightGrad", shapes, a);
      const [kh, kw] = a.kernel;
      if (!Number.isInteger(kh) || !Number.isInteger(kw) || kh < 1 || kw < 1) {
        throw new ShapeError("conv2dWeightGrad", shapes, `bad kernel size [${a.kernel}]`);
      }
      if (x.shape[0] !== g.shape[0])
        throw new ShapeError("conv2dWeightGrad", shapes, "batch sizes differ");
      const cg = x.shape[1] / a.groups;
      checkChannels("conv2dWeightGrad", shapes, x.shape[1], g.shape[1], cg, a.groups);
      const [ho, wo] = convSpatial("conv2dWeightGrad", shapes, a, x.shape[2], x.shape[3], kh, kw);
      if (ho !== g.shape[2] || wo !== g.shape[3]) {
        throw new ShapeError(
          "conv2dWeightGrad",
          shapes,
          `the gradient must be ${ho}×${wo}, the conv's output size`,
        );
      }
      if (a.reluMask || mask) checkMask("conv2dWeightGrad", shapes, g, mask);
      return { shape: [g.shape[1], cg, kh, kw], dtype: "float32" };
    },
    forward: ([x, g, mask], out, a) => {
      const geom = geometry(a, x.shape, g.shape, ...a.kernel);
      out.backend.run("conv2dWeightGrad", {
        x: engine.region(x),
        g: engine.region(g),
        out: engine.region(out),
        geom,
        mask: region(mask),
      });
    },
    // gw = Σ (g·m)·x is bilinear in x and g (m the optional mask); with h the upstream gradient:
    vjp: [
      // d/dx: the transposed convolution of the masked g with weights h
      (h, c) =>
        apply("convTranspose2d", [c.y, h, ...c.inputs.slice(2)], {
          ...adjointGeom(c.attrs, c.x.shape, ...c.attrs.kernel),
          reluMask: c.inputs.length > 2,
        }),
      // d/dg: conv2d of x with weights h, masked like g
      (h, c) =>
        maskBack(apply("conv2d", [c.x, h], { ...geomOf(c.attrs), relu: false }), c.inputs[2]),
    ],
  },
};
