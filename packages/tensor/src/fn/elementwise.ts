// Elementwise functions. Numbers mix with tensors as rank-0 constants (no memory, no kernel).

import { scalar } from "../create.ts";
import type { DType } from "../dtype.ts";
import { apply } from "../ops/apply.ts";
import type { BinaryAttrs, UnaryAttrs } from "../ops/attrs.ts";
import type { Tensor } from "../tensor.ts";

export type Operand = Tensor | number;

/** A number beside a tensor: int32 if both are integral, float32 otherwise (PyTorch's rule). */
export function lift(v: Operand, like: Tensor): Tensor {
  if (typeof v !== "number") return v;
  const dtype: DType = like.dtype === "int32" && Number.isInteger(v) ? "int32" : "float32";
  return scalar(v, { like, dtype });
}

type NoAttrUnary = Exclude<keyof UnaryAttrs, "leakyRelu" | "cast">;
const un = (name: NoAttrUnary) => (x: Tensor) => apply(name, [x], {} as never);
const bin = (name: keyof BinaryAttrs) => (a: Operand, b: Operand) => {
  if (typeof a === "number" && typeof b === "number") throw new Error(`${name}: needs a tensor`);
  const like = typeof a === "number" ? (b as Tensor) : a;
  return apply(name, [lift(a, like), lift(b, like)], {});
};

export const neg = un("neg");
export const abs = un("abs");
export const sign = un("sign");
export const exp = un("exp");
export const log = un("log");
export const sqrt = un("sqrt");
export const rsqrt = un("rsqrt");
export const sin = un("sin");
export const cos = un("cos");
export const tanh = un("tanh");
export const sigmoid = un("sigmoid");
export const relu = un("relu");
export const square = un("square");
export const floor = un("floor");
/** A fresh copy in contiguous memory (what contiguous() does when it must). */
export const copy = un("copy");

export const leakyRelu = (x: Tensor, alpha = 0.01) => apply("leakyRelu", [x], { alpha });

export const add = bin("add");
export const sub = bin("sub");
export const mul = bin("mul");
export const div = bin("div");
export const maximum = bin("maximum");
export const minimum = bin("minimum");
export const pow = bin("pow");
export const eq = bin("eq");
export const ne = bin("ne");
export const lt = bin("lt");
export const le = bin("le");
export const gt = bin("gt");
export const ge = bin("ge");

/** a where cond ≠ 0, b elsewhere, all three broadcast together. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const like = typeof a !== "number" ? a : typeof b !== "number" ? b : cond;
  const dtype: DType = typeof a !== "number" || typeof b !== "number" ? like.dtype : "float32";
  const liftTo = (v: Operand) => (typeof v === "number" ? scalar(v, { like: cond, dtype }) : v);
  return apply("where", [cond, liftTo(a), liftTo(b)], {});
}

/** Convert to another dtype (float → int truncates toward zero). Same dtype returns x. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : apply("cast", [x], { dtype });
}

/** Limit to [lo, hi]; either bound may be omitted. */
export function clamp(x: Tensor, lo?: number, hi?: number): Tensor {
  let out = x;
  if (lo !== undefined) out = maximum(out, lo);
  if (hi !== undefined) out = minimum(out, hi);
  return out;
}

export const reciprocal = (x: Tensor) => div(1, x);
