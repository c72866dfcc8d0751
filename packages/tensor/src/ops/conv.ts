// Convolutions: conv2d, convTranspose2d and conv2dWeightGrad (shaders/conv2d*.wgsl; the
// transposed conv runs through conv2d.wgsl). The three are one linear map seen from three sides, so their
// geometry is always stated in conv2d's direction: x is [N, C, H, W], the conv2d output y is
// [N, O, Ho, Wo] and the weight w is [O, C/groups, kH, kW] (PyTorch's NCHW and OIHW).
//   conv2d            (x, w) → y     y = x ⋆ w
//   convTranspose2d   (y, w) → x     conv2d's adjoint in x (PyTorch's conv_transpose2d)
//   conv2dWeightGrad  (x, g) → w     conv2d's adjoint in w
// Each VJP is one of the other two, which is why no backward shader exists beyond these. A fused
// ReLU's backward is fused too: the two adjoints take the ReLU's output as a third input (a mask,
// `reluMask`) and read the gradient as zero where it is ≤ 0, in the same pass that packs it.

import { full } from "../create.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { call, detach, gt, mul, reshape, sum } from "./call.ts";
import {
  adjointGeom,
  type ConvGeom,
  checkChannels,
  checkGeom,
  checkInputs,
  checkMask,
  convSpatial,
  convTransposeOutSize,
  geometry,
  geomOf,
} from "./conv-geometry.ts";
import type { Ctx, OpDef } from "./types.ts";

export type { ConvGeom } from "./conv-geometry.ts";

export interface ConvAttrs {
  conv2d: ConvGeom & { relu: boolean };
  /** With reluMask the third input is a y-shaped mask instead of a bias. */
  convTranspose2d: ConvGeom & { reluMask?: boolean };
  /** With reluMask the third input is a y-shaped mask for g. */
  conv2dWeightGrad: ConvGeom & { kernel: readonly [number, number]; reluMask?: boolean };
}

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
  const gw = call("conv2dWeightGrad", mask ? [ones, g, mask] : [ones, g], {
    ...one,
    kernel: [1, 1],
    reluMask: !!mask,
  });
  return reshape(gw, [g.shape[1]]);
}

/** d/dy of (y masked by m): the gradient masked the same way. */
const maskBack = (t: Tensor, mask: Tensor | undefined) => (mask ? mul(t, gt(mask, 0)) : t);

const region = (t: Tensor | undefined) => (t ? engine.region(t) : null);

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
        call("convTranspose2d", [g, c.y, ...maskOf(c)], {
          ...adjointGeom(c.attrs, c.x.shape, ...kernelOf(c.y)),
          reluMask: c.attrs.relu,
        }),
      // d/dw: x correlated with g
      (g, c) =>
        call("conv2dWeightGrad", [c.x, g, ...maskOf(c)], {
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
        maskBack(call("conv2d", [g, c.y], { ...geomOf(c.attrs), relu: false }), maskInput(c)),
      // d/dw: g (x-shaped) correlated with the input (y-shaped): the weight gradient, roles swapped
      (g, c) =>
        call("conv2dWeightGrad", [g, c.x, ...c.inputs.slice(2, c.attrs.reluMask ? 3 : 2)], {
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
        call("convTranspose2d", [c.y, h, ...c.inputs.slice(2)], {
          ...adjointGeom(c.attrs, c.x.shape, ...c.attrs.kernel),
          reluMask: c.inputs.length > 2,
        }),
      // d/dg: conv2d of x with weights h, masked like g
      (h, c) =>
        maskBack(call("conv2d", [c.x, h], { ...geomOf(c.attrs), relu: false }), c.inputs[2]),
    ],
  },
};
