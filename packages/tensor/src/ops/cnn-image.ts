// The Gram matrix, dropout, resizing and the 1-D filter behind gaussianBlur. Forwards are
// routines (shaders/gram.wgsl, dropout.wgsl, resize2d.wgsl, correlate1d.wgsl); the VJPs are
// compositions (gram), the op itself (dropout, with the same mask) or its adjoint op.

import type { ResizeMode } from "../backend/cnn-routines.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { add, call, matmul, mul, pad, reshape, transpose } from "./call.ts";
import { inputExpr } from "./inputs.ts";
import type { OpDef } from "./types.ts";

export interface ResizeAttrs {
  size: readonly number[];
  mode: ResizeMode;
  alignCorners: boolean;
}

export interface ImageAttrs {
  /** G[n] = scale · F Fᵀ for F = x[n] as [C, H·W]. */
  gram: { scale: number };
  /** Keep element i where uniformAt(key, i) ≥ p, scaled by 1/(1-p). */
  dropout: { p: number; key: number };
  resize2d: ResizeAttrs;
  resize2dGrad: ResizeAttrs & { inSize: readonly number[] };
  /** Valid cross-correlation of every line along `dim` with `taps`. */
  correlate1d: { dim: number; taps: readonly number[] };
}

function checkImage(op: string, x: Tensor, shapes = [x.shape]) {
  if (x.rank !== 4) throw new ShapeError(op, shapes, "expects an NCHW input (4 dims)");
  if (x.dtype !== "float32") throw new ShapeError(op, shapes, "expects a float32 input");
}

function checkSize(
  op: string,
  shapes: (readonly number[])[],
  size: readonly number[],
  what: string,
) {
  if (size.length !== 2 || size.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ShapeError(op, shapes, `${what} must be two integers ≥ 1, got [${size}]`);
  }
}

const resizeArgs = (x: readonly number[], out: readonly number[], a: ResizeAttrs) => ({
  planes: x[0] * x[1],
  h: x[2],
  w: x[3],
  oh: out[2],
  ow: out[3],
  mode: a.mode,
  alignCorners: a.alignCorners,
});

export const imageOps: { [K in keyof ImageAttrs]: OpDef<ImageAttrs[K]> } = {
  gram: {
    kind: "routine",
    shape: ([x]) => {
      if (x.rank < 3)
        throw new ShapeError(
          "gram",
          [x.shape],
          "expects [N, C, …spatial] features (at least 3 dims)",
        );
      if (x.dtype !== "float32")
        throw new ShapeError("gram", [x.shape], "expects float32 features");
      return { shape: [x.shape[0], x.shape[1], x.shape[1]], dtype: "float32" };
    },
    forward: ([x], out, { scale }) => {
      if (out.size === 0) return;
      const [batch, channels] = x.shape;
      const k = sizeOf(x.shape.slice(2));
      out.backend.run("gram", {
        x: engine.region(x),
        batch,
        channels,
        k,
        scale,
        out: engine.region(out),
      });
    },
    // G = s·F Fᵀ: dG·/dF = s·(g + gᵀ)·F, a batched matmul
    vjp: [
      (g, { x, attrs }) => {
        const f = reshape(x, [x.shape[0], x.shape[1], -1]);
        const sym = add(g, transpose(g, -1, -2));
        return reshape(mul(matmul(sym, f), attrs.scale), x.shape);
      },
    ],
  },

  dropout: {
    kind: "routine",
    shape: ([x], { p }) => {
      if (!(p >= 0 && p < 1))
        throw new ShapeError("dropout", [x.shape], `p must be in [0, 1), got ${p}`);
      return { shape: x.shape, dtype: "float32" };
    },
    forward: ([x], out, { p, key }) => {
      if (out.size === 0) return;
      out.backend.run("dropout", {
        expr: inputExpr(x),
        shape: x.shape,
        key,
        p,
        scale: 1 / (1 - p),
        out: engine.region(out),
      });
    },
    // out = x·m/(1-p): the gradient is masked and scaled by the very same mask (same key).
    vjp: [(g, { attrs }) => call("dropout", [g], attrs)],
  },

  resize2d: {
    kind: "routine",
    shape: ([x], a) => {
      checkImage("resize2d", x);
      checkSize("resize2d", [x.shape], a.size, "the output size");
      if (x.shape[2] === 0 || x.shape[3] === 0)
        throw new ShapeError("resize2d", [x.shape], "cannot resize an empty image");
      return { shape: [x.shape[0], x.shape[1], a.size[0], a.size[1]], dtype: "float32" };
    },
    forward: ([x], out, a) => {
      if (out.size === 0) return;
      out.backend.run("resize2d", {
        ...resizeArgs(x.shape, out.shape, a),
        x: engine.region(x),
        out: engine.region(out),
      });
    },
    // Linear in x: the adjoint sends each output's gradient back along its interpolation weights.
    vjp: [(g, { x, attrs }) => call("resize2dGrad", [g], { ...attrs, inSize: x.shape.slice(2) })],
  },

  resize2dGrad: {
    kind: "routine",
    shape: ([g], a) => {
      checkImage("resize2dGrad", g);
      checkSize("resize2dGrad", [g.shape], a.inSize, "the input size");
      if (g.shape[2] !== a.size[0] || g.shape[3] !== a.size[1]) {
        throw new ShapeError(
          "resize2dGrad",
          [g.shape, a.size],
          "the gradient must have the resized shape",
        );
      }
      return { shape: [g.shape[0], g.shape[1], a.inSize[0], a.inSize[1]], dtype: "float32" };
    },
    forward: ([g], out, a) => {
      if (out.size === 0) return;
      out.backend.run("resize2dGrad", {
        ...resizeArgs(out.shape, g.shape, a),
        g: engine.region(g),
        out: engine.region(out),
      });
    },
    vjp: [
      (gg, { attrs }) =>
        call("resize2d", [gg], {
          size: attrs.size,
          mode: attrs.mode,
          alignCorners: attrs.alignCorners,
        }),
    ],
  },

  correlate1d: {
    kind: "routine",
    shape: ([x], { dim, taps }) => {
      if (!Number.isInteger(dim) || dim < 0 || dim >= x.rank) {
        throw new ShapeError("correlate1d", [x.shape], `dim ${dim} is out of range`);
      }
      if (taps.length < 1 || taps.length > 64) {
        throw new ShapeError("correlate1d", [x.shape], `needs 1 to 64 taps, got ${taps.length}`);
      }
      if (x.shape[dim] < taps.length) {
        throw new ShapeError(
          "correlate1d",
          [x.shape],
          `dim ${dim} is shorter than the ${taps.length} taps`,
        );
      }
      const shape = [...x.shape];
      shape[dim] = x.shape[dim] - taps.length + 1;
      return { shape, dtype: "float32" };
    },
    forward: ([x], out, { dim, taps }) => {
      if (out.size === 0) return;
      const outer = sizeOf(x.shape.slice(0, dim));
      const inner = sizeOf(x.shape.slice(dim + 1));
      out.backend.run("correlate1d", {
        x: engine.region(x),
        outer,
        n: x.shape[dim],
        inner,
        taps,
        out: engine.region(out),
      });
    },
    // out[i] = Σ_t w[t]·x[i+t] ⇒ gx[j] = Σ_t w[t]·g[j-t]: g zero-padded by T-1 on both sides,
    // correlated with the reversed taps.
    vjp: [
      (g, { attrs: { dim, taps } }) => {
        const r = taps.length - 1;
        const padded = pad(g, {
          before: g.shape.map((_, d) => (d === dim ? r : 0)),
          after: g.shape.map((_, d) => (d === dim ? r : 0)),
        });
        return call("correlate1d", [padded], { dim, taps: [...taps].reverse() });
      },
    ],
  },
};
