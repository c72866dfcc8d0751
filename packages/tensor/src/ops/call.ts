// The small op wrappers that op entries are written in (a VJP is other ops: mul(g, y), sum(g,…)).
//
// Why not the public functions of fn/? Those import ops/apply.ts, which imports the table, which
// imports the entries: an entry importing fn/ closes a loop, and a loop makes the outcome depend
// on which module loads first (a half-built table, or "Cannot access 'convOps' before
// initialization"). So the entries import only this file, and this file reaches apply() through
// one slot that apply.ts fills when it loads. That is safe by construction: an entry's code runs
// only when apply() runs it (a forward) or after apply() recorded it (a VJP), so apply.ts has
// loaded by then. The dependency check (.dependency-cruiser.cjs) keeps every other edge one-way.
//
// Arguments here are already normalised by the callers (dims may be negative, nothing else is
// checked): the public, validating versions with PyTorch's conventions are in fn/.

import { scalar } from "../create.ts";
import type { DType } from "../dtype.ts";
import { engine } from "../engine.ts";
import { normAxes, normAxis } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import type { OpAttrs, OpName } from "./attrs.ts";

type Apply = <K extends OpName>(name: K, inputs: readonly Tensor[], attrs: OpAttrs[K]) => Tensor;

let applySlot: Apply | null = null;

/** Called once, by ops/apply.ts as it loads. */
export function bindApply(apply: Apply): void {
  applySlot = apply;
}

/** Apply op `name` (ops/apply.ts) from inside an op entry. */
export function call<K extends OpName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
): Tensor {
  if (!applySlot) throw new Error(`${name}: ops/apply.ts is not loaded (import @sheep/tensor)`);
  return applySlot(name, inputs, attrs);
}

// ---- elementwise: numbers beside a tensor become rank-0 constants, as in fn/elementwise.ts --

type Operand = Tensor | number;

const lift = (v: Operand, like: Tensor): Tensor => {
  if (typeof v !== "number") return v;
  const dtype: DType = like.dtype === "int32" && Number.isInteger(v) ? "int32" : "float32";
  return scalar(v, { like, dtype });
};

type BinaryName = "add" | "sub" | "mul" | "div" | "pow" | "eq" | "lt" | "gt";
const bin = (name: BinaryName) => (a: Operand, b: Operand) => {
  const like = (typeof a === "number" ? b : a) as Tensor;
  return call(name, [lift(a, like), lift(b, like)], {});
};
const un = (name: "neg" | "sign" | "sin" | "cos" | "log" | "square") => (x: Tensor) =>
  call(name, [x], {});

export const add = bin("add");
export const sub = bin("sub");
export const mul = bin("mul");
export const div = bin("div");
export const pow = bin("pow");
export const eq = bin("eq");
export const lt = bin("lt");
export const gt = bin("gt");
export const neg = un("neg");
export const sign = un("sign");
export const sin = un("sin");
export const cos = un("cos");
export const log = un("log");
export const square = un("square");

export const cast = (x: Tensor, dtype: DType) =>
  x.dtype === dtype ? x : call("cast", [x], { dtype });

/** a where cond ≠ 0, b elsewhere; numbers take the tensor operand's type (float32 if none). */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const like = typeof a !== "number" ? a : typeof b !== "number" ? b : null;
  const dtype: DType = like ? like.dtype : "float32";
  const liftTo = (v: Operand) => (typeof v === "number" ? scalar(v, { like: cond, dtype }) : v);
  return call("where", [cond, liftTo(a), liftTo(b)], {});
}

// ---- reductions, views and index routines ---------------------------------------------------

export const sum = (x: Tensor, dims: number | readonly number[], keepdim = false) =>
  call("sum", [x], { dims: normAxes("sum", dims, x.shape), keepdim });

/** Reshape; one dim may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const rest = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  return call("reshape", [x], {
    shape: shape.map((d) => (d === -1 ? (rest === 0 ? 0 : x.size / rest) : d)),
  });
}

export const permute = (x: Tensor, perm: readonly number[]) =>
  call("permute", [x], { perm: perm.map((d) => normAxis("permute", d, x.rank, x.shape)) });

/** Swap two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const perm = [...Array(x.rank).keys()];
  const a = normAxis("transpose", dim0, x.rank, x.shape);
  const b = normAxis("transpose", dim1, x.rank, x.shape);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return call("permute", [x], { perm });
}

export const expand = (x: Tensor, shape: readonly number[]) => call("expand", [x], { shape });

/** Insert a size-1 dim at `dim` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const shape = [...x.shape];
  shape.splice(normAxis("unsqueeze", dim, x.rank + 1, x.shape), 0, 1);
  return reshape(x, shape);
}

/** Slice with normalised bounds: begin index, exclusive end (may be -1), step. */
export const sliceRaw = (
  x: Tensor,
  begin: readonly number[],
  end: readonly number[],
  step: readonly number[],
) => call("slice", [x], { begin, end, step });

/** A copy of base with the box at `begin` (walking `step`) replaced by value. */
export const setSlice = (
  base: Tensor,
  value: Tensor,
  begin: readonly number[],
  step: readonly number[],
) => call("setSlice", [base, value], { begin, step });

/** Zero padding with explicit per-dim amounts. */
export const pad = (x: Tensor, p: { before: readonly number[]; after: readonly number[] }) =>
  call("pad", [x], { before: p.before, after: p.after, mode: "constant", value: 0 });

export const gather = (x: Tensor, dim: number, index: Tensor) =>
  call("gather", [x, index], { dim: normAxis("gather", dim, x.rank, x.shape) });

/** Batched matrix product of float32 operands of rank ≥ 2. */
export const matmul = (a: Tensor, b: Tensor) => call("matmul", [a, b], {});

/** The same values, cut from the graph: no gradient flows through the result. */
export function detach(x: Tensor): Tensor {
  engine.checkAlive(x);
  return new Tensor(x.shape, x.dtype, x.backend, x.expr, x.op);
}
