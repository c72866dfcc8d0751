// Ops that move elements between positions: concat, pad, gather and setSlice.
// Their forwards are routines; their VJPs are compositions of other ops (adjoints.ts).

import { zeros } from "../create.ts";
import { promote } from "../dtype.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { contiguousStrides, type Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { gatherAdjoint, padAdjoint } from "./adjoints.ts";
import type { OpAttrs } from "./attrs.ts";
import { setSlice, sliceRaw } from "./call.ts";
import { castExpr, inputExpr } from "./inputs.ts";
import type { OpDef } from "./types.ts";

type IndexAttrs = Pick<OpAttrs, "concat" | "pad" | "gather" | "setSlice">;

/** Write `value` into out's memory at a box starting at `begin`, walking `step` per dim. */
function assignBox(value: Tensor, out: Tensor, begin: readonly number[], step: readonly number[]) {
  if (value.size === 0) return;
  const region = engine.region(out);
  const strides = contiguousStrides(out.shape);
  const offset = region.offset + begin.reduce((o, b, d) => o + b * strides[d], 0);
  out.backend.run("assign", {
    expr: castExpr(inputExpr(value), out.dtype),
    shape: value.shape,
    out: { storage: region.storage, offset },
    strides: strides.map((s, d) => s * step[d]),
  });
}

/** Start of each input along the concat dim. */
function concatOffsets(inputs: readonly { shape: Shape }[], dim: number): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const t of inputs) {
    starts.push(at);
    at += t.shape[dim];
  }
  return starts;
}

export const indexOps: { [K in keyof IndexAttrs]: OpDef<IndexAttrs[K]> } = {
  concat: {
    kind: "routine",
    shape: (inputs, { dim }) => {
      const shapes = inputs.map((t) => t.shape);
      const first = shapes[0];
      const ok = shapes.every(
        (s) => s.length === first.length && s.every((d, i) => i === dim || d === first[i]),
      );
      if (!ok) throw new ShapeError("concat", shapes, `sizes must match except in dim ${dim}`);
      const shape = [...first];
      shape[dim] = shapes.reduce((n, s) => n + s[dim], 0);
      return { shape, dtype: inputs.map((t) => t.dtype).reduce(promote) };
    },
    forward: (inputs, out, { dim }) => {
      const starts = concatOffsets(inputs, dim);
      const ones = out.shape.map(() => 1);
      inputs.forEach((t, i) => {
        assignBox(
          t,
          out,
          out.shape.map((_, d) => (d === dim ? starts[i] : 0)),
          ones,
        );
      });
    },
    // Each input's gradient is its slab of g.
    vjp: (g, { inputs, attrs }, i) => {
      const start = concatOffsets(inputs, attrs.dim)[i];
      const t = inputs[i];
      const begin = t.shape.map((_, d) => (d === attrs.dim ? start : 0));
      const end = t.shape.map((n, d) => (d === attrs.dim ? start + n : n));
      return sliceRaw(
        g,
        begin,
        end,
        t.shape.map(() => 1),
      );
    },
  },

  pad: {
    kind: "routine",
    shape: ([x], { before, after, mode }) => {
      const s = x.shape;
      if (before.length !== s.length || after.length !== s.length) {
        throw new ShapeError("pad", [s], `needs one (before, after) pair per dim`);
      }
      s.forEach((n, d) => {
        const [b, a] = [before[d], after[d]];
        if (b < 0 || a < 0) throw new ShapeError("pad", [s], "padding must be non-negative");
        if (mode === "reflect" && (b >= n || a >= n) && b + a > 0) {
          throw new ShapeError(
            "pad",
            [s],
            `reflect padding (${b}, ${a}) must be < size ${n} of dim ${d}`,
          );
        }
        if (mode === "circular" && (b > n || a > n)) {
          throw new ShapeError(
            "pad",
            [s],
            `circular padding (${b}, ${a}) must be ≤ size ${n} of dim ${d}`,
          );
        }
        if (mode === "replicate" && n === 0 && b + a > 0) {
          throw new ShapeError("pad", [s], `cannot replicate-pad empty dim ${d}`);
        }
      });
      return { shape: s.map((n, d) => n + before[d] + after[d]), dtype: x.dtype };
    },
    forward: ([x], out, { before, after, mode, value }) => {
      if (out.size === 0) return;
      const expr = inputExpr(x);
      const region = engine.region(out);
      out.backend.run("pad", { expr, inShape: x.shape, before, after, mode, value, out: region });
    },
    vjp: [(g, { x, attrs }) => padAdjoint(g, x.shape, attrs)],
  },

  gather: {
    kind: "routine",
    shape: ([x, index], { dim }) => {
      const ok =
        index.dtype === "int32" &&
        index.rank === x.rank &&
        index.shape.every((n, d) => d === dim || n <= x.shape[d]);
      if (!ok) {
        throw new ShapeError(
          "gather",
          [x.shape, index.shape],
          "index must be int32, of the same rank, and no larger than x outside the gather dim",
        );
      }
      return { shape: index.shape, dtype: x.dtype };
    },
    forward: ([x, index], out, { dim }) => {
      if (out.size === 0) return;
      out.backend.run("gather", {
        x: inputExpr(x),
        xShape: x.shape,
        index: inputExpr(index),
        shape: index.shape,
        dim,
        out: engine.region(out),
      });
    },
    vjp: [(g, { x, y, attrs }) => gatherAdjoint(g, x.shape, y, attrs.dim), null],
  },

  setSlice: {
    kind: "routine",
    shape: ([base, value], { begin, step }) => {
      const fits =
        value.rank === base.rank &&
        value.shape.every((n, d) => {
          const last = begin[d] + (n - 1) * step[d];
          return (
            n === 0 ||
            (begin[d] >= 0 && begin[d] < base.shape[d] && last >= 0 && last < base.shape[d])
          );
        });
      if (!fits) {
        throw new ShapeError(
          "setSlice",
          [base.shape, value.shape],
          "value does not fit at that slice",
        );
      }
      return { shape: base.shape, dtype: base.dtype };
    },
    forward: ([base, value], out, { begin, step }) => {
      if (out.size === 0) return;
      out.backend.run("elementwise", {
        expr: inputExpr(base),
        shape: base.shape,
        out: engine.region(out),
      });
      assignBox(value, out, begin, step);
    },
    vjp: [
      // the base's gradient is g with the overwritten box zeroed
      (g, { y, attrs }) => setSlice(g, zeros(y.shape, { like: g }), attrs.begin, attrs.step),
      // the value's gradient is the box of g it landed in
      (g, { y, attrs }) =>
        sliceRaw(
          g,
          attrs.begin,
          attrs.begin.map((b, d) => b + y.shape[d] * attrs.step[d]),
          attrs.step,
        ),
    ],
  },
};
