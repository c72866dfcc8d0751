// Lazy elementwise expressions: how fusion and free views work.
//
// A tensor's value is an expression tree over its shape. A leaf reads a strided view of a storage;
// an op node applies an elementwise rule to its arguments; a constant is a scalar. Elementwise ops
// build trees instead of running kernels, and a tree becomes one fused kernel when something
// needs its memory (a routine like matmul, a readback). View ops (permute, expand, slice,
// reshape) never copy: they rewrite the strides of every leaf, so `x.T.add(b)` reads x transposed.

import type { Storage } from "./backend/backend.ts";
import type { DType } from "./dtype.ts";
import { contiguousStrides, reshapeStrides, type Shape } from "./shape.ts";

export type Expr = Leaf | Const | OpNode;

/** Reads storage[offset + Σ coord[d] · strides[d]] at each coordinate of the tree's shape. */
export interface Leaf {
  readonly kind: "leaf";
  readonly storage: Storage;
  readonly offset: number;
  readonly strides: readonly number[];
  readonly dtype: DType;
}

export interface Const {
  readonly kind: "const";
  readonly value: number;
  readonly dtype: DType;
}

/** One elementwise rule applied to its arguments. */
export interface OpNode {
  readonly kind: "op";
  readonly op: string;
  /** The WGSL expression: x, y, z name the arguments, T their compute type. */
  readonly wgsl: string;
  readonly args: readonly Expr[];
  /** Scalar attributes the rule reads by name (leakyRelu's `alpha`). */
  readonly scalars: Readonly<Record<string, number>>;
  /** The type the arguments are computed in, and the type of the result. */
  readonly ctype: DType;
  readonly dtype: DType;
}

export function leaf(storage: Storage, offset: number, strides: readonly number[]): Leaf {
  return { kind: "leaf", storage, offset, strides, dtype: storage.dtype };
}

export function contiguousLeaf(storage: Storage, shape: Shape): Leaf {
  return leaf(storage, 0, contiguousStrides(shape));
}

export function constant(value: number, dtype: DType): Const {
  return { kind: "const", value: dtype === "int32" ? Math.trunc(value) : value, dtype };
}

/** The distinct leaves of a tree, in first-visit order (a kernel binds one buffer per storage). */
export function leavesOf(expr: Expr): Leaf[] {
  const out: Leaf[] = [];
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.kind === "leaf") out.push(e);
    else if (e.kind === "op") e.args.forEach(visit);
  };
  visit(expr);
  return out;
}

export function storagesOf(expr: Expr): Set<Storage> {
  return new Set(leavesOf(expr).map((l) => l.storage));
}

/** Number of op nodes: a tree past a budget is materialised rather than grown. */
export function opCount(expr: Expr): number {
  const seen = new Set<Expr>();
  const visit = (e: Expr): number => {
    if (seen.has(e) || e.kind !== "op") return 0;
    seen.add(e);
    return 1 + e.args.reduce((n, a) => n + visit(a), 0);
  };
  return visit(expr);
}

/** Rebuild a tree with every leaf replaced; shared subtrees stay shared. */
export function mapLeaves(expr: Expr, fn: (l: Leaf) => Expr | null): Expr | null {
  const memo = new Map<Expr, Expr | null>();
  const visit = (e: Expr): Expr | null => {
    const hit = memo.get(e);
    if (hit !== undefined) return hit;
    let out: Expr | null;
    if (e.kind === "leaf") out = fn(e);
    else if (e.kind === "const") out = e;
    else {
      const args = e.args.map(visit);
      out = args.every((a) => a !== null) ? { ...e, args: args as Expr[] } : null;
    }
    memo.set(e, out);
    return out;
  };
  return visit(expr);
}

// ---- views as stride rewrites -------------------------------------------------------------

export function permuteExpr(expr: Expr, perm: readonly number[]): Expr {
  return mapLeaves(expr, (l) =>
    leaf(
      l.storage,
      l.offset,
      perm.map((p) => l.strides[p]),
    ),
  )!;
}

/** Broadcast from `from` to `to`: new leading dims and expanded size-1 dims read stride 0. */
export function expandExpr(expr: Expr, from: Shape, to: Shape): Expr {
  const lead = to.length - from.length;
  return mapLeaves(expr, (l) => {
    const strides = to.map((d, i) => (i < lead || from[i - lead] !== d ? 0 : l.strides[i - lead]));
    return leaf(l.storage, l.offset, strides);
  })!;
}

/** A box [begin, begin + size) with a step per dim; negative steps walk backwards. */
export function sliceExpr(expr: Expr, begin: readonly number[], step: readonly number[]): Expr {
  return mapLeaves(expr, (l) => {
    const offset = l.offset + begin.reduce((o, b, d) => o + b * l.strides[d], 0);
    return leaf(
      l.storage,
      offset,
      l.strides.map((s, d) => s * step[d]),
    );
  })!;
}

/** Reshape without copying, or null if some leaf's memory order forbids it. */
export function reshapeExpr(expr: Expr, shape: Shape, newShape: Shape): Expr | null {
  return mapLeaves(expr, (l) => {
    const strides = reshapeStrides(shape, l.strides, newShape);
    return strides ? leaf(l.storage, l.offset, strides) : null;
  });
}

/** A leaf laid out row-major over `shape` (any offset): what routines accept as input. */
export function isContiguousLeaf(expr: Expr, shape: Shape): expr is Leaf {
  if (expr.kind !== "leaf") return false;
  const want = contiguousStrides(shape);
  return shape.every((d, i) => d === 1 || expr.strides[i] === want[i]);
}

/** A one-line rendering of a tree, e.g. `add(exp(leaf#3[2,3]), const 1)`, for the tour and logs. */
export function formatExpr(expr: Expr): string {
  if (expr.kind === "const") return `const ${expr.value}`;
  if (expr.kind === "leaf") {
    return `buffer#${expr.storage.id}@${expr.offset} strides [${expr.strides.join(", ")}]`;
  }
  return `${expr.op}(${expr.args.map(formatExpr).join(", ")})`;
}
