// The cpu oracle's elementwise rules, in float64, written from the math (never from the WGSL),
// and an evaluator for fused expression trees at one flat index.

import type { DType } from "../../dtype.ts";
import type { Expr, Leaf } from "../../expr.ts";
import type { ElementwiseName } from "../../ops/attrs.ts";
import type { Shape } from "../../shape.ts";

type Rule = (a: number[], s: Readonly<Record<string, number>>, dtype: DType) => number;

/** Wrap to int32 the way integer hardware does. */
const i32 = (v: number) => v | 0;
/** float → int32: truncate toward zero, saturate at the ends, NaN → 0. */
export function toInt32(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.max(-2147483648, Math.min(2147483647, Math.trunc(v)));
}

const flag = (b: boolean) => (b ? 1 : 0);

export const rules: Record<ElementwiseName, Rule> = {
  neg: ([x], _, t) => (t === "int32" ? i32(-x) : -x),
  abs: ([x], _, t) => (t === "int32" ? i32(Math.abs(x)) : Math.abs(x)),
  sign: ([x]) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  exp: ([x]) => Math.exp(x),
  log: ([x]) => Math.log(x),
  sqrt: ([x]) => Math.sqrt(x),
  rsqrt: ([x]) => 1 / Math.sqrt(x),
  sin: ([x]) => Math.sin(x),
  cos: ([x]) => Math.cos(x),
  tanh: ([x]) => Math.tanh(x),
  sigmoid: ([x]) => 1 / (1 + Math.exp(-x)),
  relu: ([x]) => Math.max(x, 0),
  leakyRelu: ([x], s) => (x > 0 ? x : s.alpha * x),
  square: ([x], _, t) => (t === "int32" ? Math.imul(x, x) : x * x),
  floor: ([x]) => Math.floor(x),
  copy: ([x]) => x,
  cast: ([x], _, t) => (t === "int32" ? toInt32(x) : x),
  add: ([x, y], _, t) => (t === "int32" ? i32(x + y) : x + y),
  sub: ([x, y], _, t) => (t === "int32" ? i32(x - y) : x - y),
  mul: ([x, y], _, t) => (t === "int32" ? Math.imul(x, y) : x * y),
  div: ([x, y]) => x / y,
  maximum: ([x, y]) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y)),
  minimum: ([x, y]) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y)),
  // Real powers: a negative base needs an integral exponent (then the sign follows its parity).
  pow: ([x, y]) => x ** y,
  eq: ([x, y]) => flag(x === y),
  ne: ([x, y]) => flag(x !== y),
  lt: ([x, y]) => flag(x < y),
  le: ([x, y]) => flag(x <= y),
  gt: ([x, y]) => flag(x > y),
  ge: ([x, y]) => flag(x >= y),
  where: ([c, a, b]) => (c !== 0 ? a : b),
};

/** Evaluates an expression tree over `shape` at any flat (row-major) index. */
export class Evaluator {
  private readonly coords: number[];
  private readonly data: Map<Leaf, Float64Array | Int32Array>;

  constructor(
    private readonly expr: Expr,
    private readonly shape: Shape,
    dataOf: (l: Leaf) => Float64Array | Int32Array,
  ) {
    this.coords = new Array(shape.length).fill(0);
    this.data = new Map();
    const visit = (e: Expr) => {
      if (e.kind === "leaf") this.data.set(e, dataOf(e));
      else if (e.kind === "op") e.args.forEach(visit);
    };
    visit(expr);
  }

  at(index: number): number {
    let rest = index;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      const n = this.shape[d];
      this.coords[d] = n === 0 ? 0 : rest % n;
      rest = n === 0 ? 0 : Math.floor(rest / n);
    }
    return this.eval(this.expr);
  }

  private eval(e: Expr): number {
    if (e.kind === "const") return e.value;
    if (e.kind === "leaf") {
      let off = e.offset;
      for (let d = 0; d < this.coords.length; d++) off += this.coords[d] * e.strides[d];
      return this.data.get(e)![off];
    }
    const args = e.args.map((a) => this.eval(a));
    const rule = rules[e.op as ElementwiseName];
    if (!rule) throw new Error(`cpu backend: no rule for elementwise op "${e.op}"`);
    const v = rule(args, e.scalars, e.op === "cast" ? e.dtype : e.ctype);
    return e.dtype === "int32" && e.op !== "cast" ? toInt32(v) : v;
  }
}
