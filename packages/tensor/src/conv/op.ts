// The convolution ops, one entry each: shape rule, forward (a backend routine) and VJPs. Their
// geometry is always stated in conv2d's direction (geometry.ts): x is [N, C, H, W], the conv2d
// output y is [N, O, Ho, Wo] and the weight w is [O, C/groups, kH, kW] (PyTorch's NCHW, OIHW).
//   conv2d                 (x, w, bias?) → y     y = x ⋆ w + bias
//   conv2dRelu             (x, w, bias?) → y     y = relu(x ⋆ w + bias), the ReLU fused
//   convTranspose2d        (y, w, bias?) → x     conv2d's adjoint in x (PyTorch's conv_transpose2d)
//   convTranspose2dMasked  (y, w, mask)  → x     the same, y counted only where mask > 0
//   conv2dWeightGrad       (x, g, mask?) → w     conv2d's adjoint in w (g masked likewise)
// Each VJP is one of the others, which is why no backward shader exists beyond these three
// kernels. The fused ReLU is a variant of its own: only conv2dRelu's VJPs pass a mask (its
// detached output), and the two masked adjoints read g as zero where the mask is ≤ 0 in the
// same pass that packs g — no separate masking pass over the gradient.

import type { Region } from "../backend/backend.ts";
import { full } from "../create.ts";
import { BYTES_PER_ELEMENT } from "../dtype.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { call, detach, gt, mul, reshape, sum } from "../ops/call.ts";
import type { OpDef, RoutineDef } from "../ops/types.ts";
import type { Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
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
} from "./geometry.ts";

export type { ConvGeom } from "./geometry.ts";

type WeightGradAttrs = ConvGeom & { kernel: readonly [number, number] };

export interface ConvAttrs {
  conv2d: ConvGeom;
  conv2dRelu: ConvGeom;
  convTranspose2d: ConvGeom;
  convTranspose2dMasked: ConvGeom;
  /** With a third input (a mask shaped like g), g counts only where the mask is > 0. */
  conv2dWeightGrad: WeightGradAttrs;
}

/**
 * d/db Σ over N, H, W of g (masked by mask > 0): a reduction that fuses the mask into its reads.
 * Past one storage binding, the plain reduction cannot bind g; the weight-gradient routine of a
 * 1×1 conv of an all-ones input computes the same sum batch chunk by batch chunk.
 */
function biasGrad(g: Tensor, mask?: Tensor): Tensor {
  if (g.size * BYTES_PER_ELEMENT <= g.backend.info.limits.maxStorageBufferBindingSize) {
    return sum(mask ? mul(g, gt(mask, 0)) : g, [0, 2, 3]);
  }
  const ones = full([g.shape[0], 1, g.shape[2], g.shape[3]], 1, { like: g });
  const one = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
  const gw = call("conv2dWeightGrad", mask ? [ones, g, mask] : [ones, g], {
    ...one,
    kernel: [1, 1],
  });
  return reshape(gw, [g.shape[1]]);
}

/** d/dy of (y masked by m): the gradient masked the same way. */
const maskBack = (t: Tensor, mask: Tensor | undefined) => (mask ? mul(t, gt(mask, 0)) : t);

const realiseIf = (t: Tensor | undefined) => (t ? engine.realise(t) : null);
const kernelOf = (w: Tensor) => [w.shape[2], w.shape[3]] as const;

/** conv2d's shape rule, shared by its ReLU variant: x [N, C, H, W], w, bias [O] → [N, O, Ho, Wo]. */
function conv2dShape(op: string, ins: readonly Tensor[], a: ConvGeom) {
  const [x, w, bias] = ins;
  const shapes = ins.map((t) => t.shape);
  checkInputs(op, ins, [4, 4, 1]);
  checkGeom(op, shapes, a);
  checkChannels(op, shapes, x.shape[1], w.shape[0], w.shape[1], a.groups);
  if (bias && bias.shape[0] !== w.shape[0]) {
    throw new ShapeError(
      op,
      shapes,
      `the bias needs ${w.shape[0]} elements, one per output channel`,
    );
  }
  const [ho, wo] = convSpatial(op, shapes, a, x.shape[2], x.shape[3], ...kernelOf(w));
  return { shape: [x.shape[0], w.shape[0], ho, wo], dtype: "float32" as const };
}

/** conv2d's forward; `relu` selects the kernel's fused ReLU epilogue. */
const conv2dForward =
  (relu: boolean): RoutineDef<ConvGeom>["forward"] =>
  ([x, w, bias], out, a) => {
    const geom = geometry(a, x.shape, out.shape, ...kernelOf(w));
    const args = { x: engine.realise(x), w: engine.realise(w), bias: realiseIf(bias) };
    out.backend.run("conv2d", { ...args, out: engine.realise(out), geom, relu });
  };

/**
 * convTranspose2d's shape rule for its first two inputs (y [N, O, H, W], w [O, C/groups, kH, kW])
 * → [N, C, H', W']; the third input (bias or mask) is each entry's own check.
 */
function transposedShape(op: string, ins: readonly Tensor[], a: ConvGeom, thirdRank: number) {
  const [y, w] = ins;
  const shapes = ins.map((t) => t.shape);
  checkInputs(op, ins, [4, 4, thirdRank]);
  checkGeom(op, shapes, a);
  const c = w.shape[1] * a.groups;
  if (y.shape[1] !== w.shape[0]) {
    throw new ShapeError(
      op,
      shapes,
      `the weight expects ${w.shape[0]} input channels, the input has ${y.shape[1]}`,
    );
  }
  checkChannels(op, shapes, c, y.shape[1], w.shape[1], a.groups);
  const [t, b, l, r] = a.padding;
  const h = convTransposeOutSize(y.shape[2], w.shape[2], a.stride[0], a.dilation[0], t + b);
  const wd = convTransposeOutSize(y.shape[3], w.shape[3], a.stride[1], a.dilation[1], l + r);
  if (h < 1 || wd < 1) {
    throw new ShapeError(op, shapes, `the padding leaves an empty output (${h}×${wd})`);
  }
  return { shape: [y.shape[0], c, h, wd] as Shape, dtype: "float32" as const };
}

/** convTranspose2d's forward, with a bias or a mask (routines.ts: convTranspose2d). */
function transposedForward(
  y: Tensor,
  w: Tensor,
  out: Tensor,
  a: ConvGeom,
  third: { bias: Region | null } | { mask: Region },
) {
  const geom = geometry(a, out.shape, y.shape, ...kernelOf(w));
  const args = { x: engine.realise(y), w: engine.realise(w), bias: null, mask: null, ...third };
  out.backend.run("convTranspose2d", { ...args, out: engine.realise(out), geom });
}

export const convOps: { [K in keyof ConvAttrs]: OpDef<ConvAttrs[K]> } = {
  conv2d: {
    kind: "routine",
    shape: (ins, a) => conv2dShape("conv2d", ins, a),
    forward: conv2dForward(false),
    // y = x ⋆ w + b. Inputs by role: [x, w, bias].
    vjp: [
      // d/dx: the transposed convolution of g with the same weights
      (g, { inputs: [x, w], attrs }) =>
        call("convTranspose2d", [g, w], adjointGeom(attrs, x.shape, ...kernelOf(w))),
      // d/dw: x correlated with g
      (g, { inputs: [x, w], attrs }) =>
        call("conv2dWeightGrad", [x, g], { ...geomOf(attrs), kernel: kernelOf(w) }),
      // d/db: Σ g over N, H, W
      (g) => biasGrad(g),
    ],
  },

  conv2dRelu: {
    kind: "routine",
    shape: (ins, a) => conv2dShape("conv2dRelu", ins, a),
    forward: conv2dForward(true),
    // y = relu(x ⋆ w + b): g counts only where y > 0, so each VJP is conv2d's with the output,
    // detached (a mask has no gradient of its own), as the mask. Inputs by role: [x, w, bias].
    vjp: [
      // d/dx: the transposed convolution of the masked g
      (g, { inputs: [x, w], out, attrs }) =>
        call(
          "convTranspose2dMasked",
          [g, w, detach(out)],
          adjointGeom(attrs, x.shape, ...kernelOf(w)),
        ),
      // d/dw: x correlated with the masked g
      (g, { inputs: [x, w], out, attrs }) =>
        call("conv2dWeightGrad", [x, g, detach(out)], { ...geomOf(attrs), kernel: kernelOf(w) }),
      // d/db: Σ of the masked g over N, H, W
      (g, { out }) => biasGrad(g, detach(out)),
    ],
  },

  convTranspose2d: {
    kind: "routine",
    shape: (ins, a) => {
      const s = transposedShape("convTranspose2d", ins, a, 1);
      const bias = ins[2];
      if (bias && bias.shape[0] !== s.shape[1]) {
        throw new ShapeError(
          "convTranspose2d",
          ins.map((t) => t.shape),
          `the bias needs ${s.shape[1]} elements, one per output channel`,
        );
      }
      return s;
    },
    forward: ([y, w, bias], out, a) => transposedForward(y, w, out, a, { bias: realiseIf(bias) }),
    // Inputs by role: [y, w, bias] (y is conv2d's output side, see the top).
    vjp: [
      // d/dy: conv2d of g with the same weights (the adjoint of the adjoint)
      (g, { inputs: [, w], attrs }) => call("conv2d", [g, w], geomOf(attrs)),
      // d/dw: g (x-shaped) correlated with the input (y-shaped): the weight gradient, roles swapped
      (g, { inputs: [y, w], attrs }) =>
        call("conv2dWeightGrad", [g, y], { ...geomOf(attrs), kernel: kernelOf(w) }),
      // d/db: Σ g over N, H, W
      (g) => biasGrad(g),
    ],
  },

  convTranspose2dMasked: {
    kind: "routine",
    shape: (ins, a) => {
      const s = transposedShape("convTranspose2dMasked", ins, a, 4);
      checkMask(
        "convTranspose2dMasked",
        ins.map((t) => t.shape),
        ins[0],
        ins[2],
      );
      return s;
    },
    forward: ([y, w, mask], out, a) =>
      transposedForward(y, w, out, a, { mask: engine.realise(mask) }),
    // x = convTranspose2d(y · [mask > 0], w). Inputs by role: [y, w, mask].
    vjp: [
      // d/dy: conv2d of g with the same weights, masked like y
      (g, { inputs: [, w, mask], attrs }) => maskBack(call("conv2d", [g, w], geomOf(attrs)), mask),
      // d/dw: g correlated with the masked y
      (g, { inputs: [y, w, mask], attrs }) =>
        call("conv2dWeightGrad", [g, y, mask], { ...geomOf(attrs), kernel: kernelOf(w) }),
      // d/dmask: none (a mask is a step function's argument: zero almost everywhere)
      null,
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
      if (mask) checkMask("conv2dWeightGrad", shapes, g, mask);
      return { shape: [g.shape[1], cg, kh, kw], dtype: "float32" };
    },
    forward: ([x, g, mask], out, a) => {
      const geom = geometry(a, x.shape, g.shape, ...a.kernel);
      out.backend.run("conv2dWeightGrad", {
        x: engine.realise(x),
        g: engine.realise(g),
        out: engine.realise(out),
        geom,
        mask: realiseIf(mask),
      });
    },
    // gw = Σ (g·m)·x is bilinear in x and g (m = [mask > 0], or 1 without a mask); with h the
    // upstream gradient. Inputs by role: [x, g, mask].
    vjp: [
      // d/dx: the transposed convolution of the masked g with weights h
      (h, { inputs: [x, g, mask], attrs }) => {
        const geom = adjointGeom(attrs, x.shape, ...attrs.kernel);
        return mask
          ? call("convTranspose2dMasked", [g, h, mask], geom)
          : call("convTranspose2d", [g, h], geom);
      },
      // d/dg: conv2d of x with weights h, masked like g
      (h, { inputs: [x, , mask], attrs }) => maskBack(call("conv2d", [x, h], geomOf(attrs)), mask),
      // d/dmask: none
      null,
    ],
  },
};
