// Pooling ops (NCHW): max pooling, its argmax indices and its gradient; average pooling with
// PyTorch's padding and divisor rules; adaptive average pooling. Forwards and gradients are
// routines (shaders/max_pool2d*.wgsl, shaders/avg_pool2d.wgsl); each gradient routine is an op
// of its own whose VJP is again a pooling op, so second derivatives exist too.

import type { AvgWindow, Planes, Window } from "../backend/cnn-routines.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import type { Shape } from "../shape.ts";
import { call, gather, reshape } from "./call.ts";
import {
  type AvgPoolAttrs,
  checkFloat,
  checkGrad,
  type MaxPoolAttrs,
  pooledShape,
} from "./cnn-pool-shape.ts";
import type { OpDef, RoutineDef } from "./types.ts";

/** inSize: the [H, W] of the input whose gradient a Grad op computes. */
export interface PoolAttrs {
  maxPool2d: MaxPoolAttrs;
  maxPool2dIndices: MaxPoolAttrs;
  maxPool2dGrad: MaxPoolAttrs & { inSize: readonly number[] };
  avgPool2d: AvgPoolAttrs;
  avgPool2dGrad: AvgPoolAttrs & { inSize: readonly number[] };
  adaptiveAvgPool2d: { size: readonly number[] };
  adaptiveAvgPool2dGrad: { size: readonly number[]; inSize: readonly number[] };
}

const avgAsMax = (a: AvgPoolAttrs): MaxPoolAttrs => ({ ...a, dilation: [1, 1] });

const planes = (x: Shape, out: Shape): Planes => ({
  planes: x[0] * x[1],
  h: x[2],
  w: x[3],
  oh: out[2],
  ow: out[3],
});

const fixedWindow = (a: AvgPoolAttrs): AvgWindow => ({
  kind: "fixed",
  kernel: a.kernel,
  stride: a.stride,
  padding: a.padding,
  countIncludePad: a.countIncludePad,
  divisor: a.divisor,
});

const maxWindow = (a: MaxPoolAttrs): Window => ({
  kernel: a.kernel,
  stride: a.stride,
  padding: a.padding,
  dilation: a.dilation,
});

const maxPoolForward =
  (indices: boolean): RoutineDef<MaxPoolAttrs>["forward"] =>
  ([x], out, a) => {
    if (out.size === 0) return;
    out.backend.run("maxPool2d", {
      ...planes(x.shape, out.shape),
      ...maxWindow(a),
      x: engine.region(x),
      out: engine.region(out),
      indices,
    });
  };

export const poolOps: { [K in keyof PoolAttrs]: OpDef<PoolAttrs[K]> } = {
  maxPool2d: {
    kind: "routine",
    shape: ([x], a) => {
      checkFloat("maxPool2d", x);
      return { shape: pooledShape("maxPool2d", [x.shape], x.shape, a), dtype: "float32" };
    },
    forward: maxPoolForward(false),
    // Each output's gradient goes to its window's argmax (found again, then gathered per input).
    vjp: [
      (g, { x, attrs }) => {
        const at = call("maxPool2dIndices", [x], attrs);
        return call("maxPool2dGrad", [g, at], { ...attrs, inSize: x.shape.slice(2) });
      },
    ],
  },

  maxPool2dIndices: {
    kind: "routine",
    shape: ([x], a) => ({
      shape: pooledShape("maxPool2dIndices", [x.shape], x.shape, a),
      dtype: "int32",
    }),
    forward: maxPoolForward(true),
    vjp: null,
  },

  maxPool2dGrad: {
    kind: "routine",
    shape: ([g, at], a) => {
      const x = [g.shape[0], g.shape[1], ...a.inSize];
      checkGrad("maxPool2dGrad", g, pooledShape("maxPool2dGrad", [g.shape, at.shape], x, a));
      if (at.dtype !== "int32" || at.shape.some((d, i) => d !== g.shape[i])) {
        throw new ShapeError(
          "maxPool2dGrad",
          [g.shape, at.shape],
          "indices must be int32 of the gradient's shape",
        );
      }
      return { shape: x, dtype: "float32" };
    },
    forward: ([g, at], out, a) => {
      if (out.size === 0) return;
      out.backend.run("maxPool2dGrad", {
        ...planes(out.shape, g.shape),
        ...maxWindow(a),
        g: engine.region(g),
        indices: engine.region(at),
        out: engine.region(out),
      });
    },
    // Linear in g: the adjoint reads gg back at each window's argmax.
    vjp: [
      (gg, { y: at }) => {
        const [n, c, oh, ow] = at.shape;
        const flat = reshape(gg, [n, c, -1]);
        return reshape(gather(flat, 2, reshape(at, [n, c, oh * ow])), at.shape);
      },
      null,
    ],
  },

  avgPool2d: {
    kind: "routine",
    shape: ([x], a) => {
      checkFloat("avgPool2d", x);
      return { shape: pooledShape("avgPool2d", [x.shape], x.shape, avgAsMax(a)), dtype: "float32" };
    },
    forward: ([x], out, a) => {
      if (out.size === 0) return;
      out.backend.run("avgPool2d", {
        ...planes(x.shape, out.shape),
        window: fixedWindow(a),
        x: engine.region(x),
        out: engine.region(out),
      });
    },
    // Linear: the adjoint spreads g / divisor over each window.
    vjp: [(g, { x, attrs }) => call("avgPool2dGrad", [g], { ...attrs, inSize: x.shape.slice(2) })],
  },

  avgPool2dGrad: {
    kind: "routine",
    shape: ([g], a) => {
      const x = [g.shape[0], g.shape[1], ...a.inSize];
      checkGrad("avgPool2dGrad", g, pooledShape("avgPool2dGrad", [g.shape], x, avgAsMax(a)));
      return { shape: x, dtype: "float32" };
    },
    forward: ([g], out, a) => {
      if (out.size === 0) return;
      out.backend.run("avgPool2dGrad", {
        ...planes(out.shape, g.shape),
        window: fixedWindow(a),
        g: engine.region(g),
        out: engine.region(out),
      });
    },
    // The adjoint of the adjoint is the pooling itself.
    vjp: [(gg, { attrs }) => call("avgPool2d", [gg], attrs)],
  },

  adaptiveAvgPool2d: {
    kind: "routine",
    shape: ([x], { size }) => {
      checkFloat("adaptiveAvgPool2d", x);
      if (x.rank !== 4)
        throw new ShapeError("adaptiveAvgPool2d", [x.shape], "expects an NCHW input (4 dims)");
      if (size.length !== 2 || size.some((s) => !Number.isInteger(s) || s < 1)) {
        throw new ShapeError(
          "adaptiveAvgPool2d",
          [x.shape, size],
          "the output size must be two integers ≥ 1",
        );
      }
      if (x.shape[2] === 0 || x.shape[3] === 0) {
        throw new ShapeError("adaptiveAvgPool2d", [x.shape], "cannot pool an empty image");
      }
      return { shape: [x.shape[0], x.shape[1], size[0], size[1]], dtype: "float32" };
    },
    forward: ([x], out) => {
      if (out.size === 0) return;
      out.backend.run("avgPool2d", {
        ...planes(x.shape, out.shape),
        window: { kind: "adaptive" },
        x: engine.region(x),
        out: engine.region(out),
      });
    },
    vjp: [
      (g, { x, attrs }) =>
        call("adaptiveAvgPool2dGrad", [g], { size: attrs.size, inSize: x.shape.slice(2) }),
    ],
  },

  adaptiveAvgPool2dGrad: {
    kind: "routine",
    shape: ([g], { size, inSize }) => {
      checkGrad("adaptiveAvgPool2dGrad", g, [g.shape[0], g.shape[1], ...size]);
      if (inSize.length !== 2 || inSize.some((s) => !Number.isInteger(s) || s < 1)) {
        throw new ShapeError(
          "adaptiveAvgPool2dGrad",
          [g.shape, inSize],
          "the input size must be two integers ≥ 1",
        );
      }
      return { shape: [g.shape[0], g.shape[1], inSize[0], inSize[1]], dtype: "float32" };
    },
    forward: ([g], out) => {
      if (out.size === 0) return;
      out.backend.run("avgPool2dGrad", {
        ...planes(out.shape, g.shape),
        window: { kind: "adaptive" },
        g: engine.region(g),
        out: engine.region(out),
      });
    },
    vjp: [(gg, { attrs }) => call("adaptiveAvgPool2d", [gg], { size: attrs.size })],
  },
};
