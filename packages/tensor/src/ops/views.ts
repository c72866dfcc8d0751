// View ops: reshape, permute, expand and slice. No kernel runs; every leaf of the input's
// expression gets new strides (expr.ts). Their VJPs undo the index mapping.

import { zeros } from "../create.ts";
import { ShapeError } from "../errors.ts";
import { expandExpr, permuteExpr, reshapeExpr, sliceExpr } from "../expr.ts";
import { sizeOf } from "../shape.ts";
import type { OpAttrs } from "./attrs.ts";
import { permute, reshape, setSlice } from "./call.ts";
import type { OpDef } from "./types.ts";

type ViewAttrs = Pick<OpAttrs, "reshape" | "permute" | "expand" | "slice">;

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** Elements a slice takes along one dim, given normalised begin/end/step. */
export function sliceLength(begin: number, end: number, step: number): number {
  return Math.max(0, step > 0 ? Math.ceil((end - begin) / step) : Math.ceil((begin - end) / -step));
}

export const viewOps: { [K in keyof ViewAttrs]: OpDef<ViewAttrs[K]> } = {
  reshape: {
    kind: "view",
    shape: (x, { shape }) => {
      if (sizeOf(shape) !== sizeOf(x)) {
        throw new ShapeError("reshape", [x, shape], `cannot hold ${sizeOf(x)} elements`);
      }
      return shape;
    },
    view: (e, xShape, outShape) => reshapeExpr(e, xShape, outShape),
    vjp: [(g, { x }) => reshape(g, x.shape)],
  },

  permute: {
    kind: "view",
    shape: (x, { perm }) => {
      const ok =
        perm.length === x.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
      if (!ok) throw new ShapeError("permute", [x], `[${perm}] is not a permutation of the dims`);
      return perm.map((p) => x[p]);
    },
    view: (e, _x, _out, { perm }) => permuteExpr(e, perm),
    vjp: [(g, { attrs }) => permute(g, inversePerm(attrs.perm))],
  },

  expand: {
    kind: "view",
    shape: (x, { shape }) => {
      const lead = shape.length - x.length;
      const ok = lead >= 0 && x.every((d, i) => d === shape[lead + i] || d === 1);
      if (!ok) throw new ShapeError("expand", [x, shape], "only size-1 dims can be expanded");
      return shape;
    },
    view: (e, xShape, outShape) => expandExpr(e, xShape, outShape),
    // The driver sums the broadcast dims away (autograd.ts), so the VJP passes g through.
    vjp: [(g) => g],
  },

  slice: {
    kind: "view",
    shape: (x, { begin, end, step }) => x.map((_, d) => sliceLength(begin[d], end[d], step[d])),
    view: (e, _x, _out, { begin, step }) => sliceExpr(e, begin, step),
    // Scatter g back into zeros at the sliced positions.
    vjp: [(g, { x, attrs }) => setSlice(zeros(x.shape, { like: x }), g, attrs.begin, attrs.step)],
  },
};
