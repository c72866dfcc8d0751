// Reductions over any set of dims: sum, max, min, argmax, argmin. The input's expression is
// permuted so the reduced dims come last, then one routine (shaders/reduce.wgsl) reduces each
// row; elementwise work on the input (x², x - m, …) is fused into the reduction's reads.

import type { ReduceOp } from "../backend/backend.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { permuteExpr } from "../expr.ts";
import { reducedShape, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import type { OpAttrs } from "./attrs.ts";
import { div, eq, expand, mul, reshape, sum } from "./call.ts";
import { inputExpr } from "./inputs.ts";
import type { Ctx, OpDef } from "./types.ts";

type DimsAttrs = { dims: readonly number[]; keepdim: boolean };
type ArgAttrs = { dim: number; keepdim: boolean };

/** The input as [kept…, reduced…] rows: `outer` rows of `inner` elements. */
export function rowsOf(x: Tensor, dims: readonly number[]) {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const expr = permuteExpr(inputExpr(x), perm);
  const inner = sizeOf(dims.map((d) => x.shape[d]));
  return {
    expr,
    shape: perm.map((d) => x.shape[d]),
    outer: sizeOf(kept.map((d) => x.shape[d])),
    inner,
  };
}

function reduction(op: ReduceOp, vjp: (g: Tensor, c: Ctx<DimsAttrs>) => Tensor): OpDef<DimsAttrs> {
  return {
    kind: "routine",
    shape: ([x], { dims, keepdim }) => {
      if (op !== "sum" && dims.some((d) => x.shape[d] === 0)) {
        throw new ShapeError(op, [x.shape], "reducing an empty dim has no identity");
      }
      return { shape: reducedShape(x.shape, dims, keepdim), dtype: x.dtype };
    },
    forward: ([x], out, { dims }) => {
      x.backend.run("reduce", { op, ...rowsOf(x, dims), out: engine.region(out) });
    },
    vjp: [vjp],
  };
}

function argReduction(op: "argmax" | "argmin"): OpDef<ArgAttrs> {
  return {
    kind: "routine",
    shape: ([x], { dim, keepdim }) => {
      if (x.shape[dim] === 0) throw new ShapeError(op, [x.shape], `dim ${dim} is empty`);
      return { shape: reducedShape(x.shape, [dim], keepdim), dtype: "int32" };
    },
    forward: ([x], out, { dim }) => {
      x.backend.run("argmax", { op, ...rowsOf(x, [dim]), out: engine.region(out) });
    },
    vjp: null,
  };
}

/** g (or out) reshaped to the input's rank with size-1 reduced dims, ready to broadcast. */
const keepShape = (t: Tensor, c: Ctx<DimsAttrs>) =>
  reshape(t, reducedShape(c.x.shape, c.attrs.dims, true));

/** max/min: the gradient goes to the elements equal to the result, split evenly among ties. */
const toExtremes = (g: Tensor, c: Ctx<DimsAttrs>) => {
  const hit = eq(c.x, keepShape(c.out, c));
  return div(mul(hit, keepShape(g, c)), sum(hit, c.attrs.dims, true));
};

type ReduceAttrs = Pick<OpAttrs, "sum" | "max" | "min" | "argmax" | "argmin">;

export const reduceOps: { [K in keyof ReduceAttrs]: OpDef<ReduceAttrs[K]> } = {
  // d/dx Σx = 1: g is broadcast back over the reduced dims
  sum: reduction("sum", (g, c) => expand(keepShape(g, c), c.x.shape)),
  max: reduction("max", toExtremes),
  min: reduction("min", toExtremes),
  argmax: argReduction("argmax"),
  argmin: argReduction("argmin"),
};
