// How ops read their inputs: as fused expressions where the consumer can inline them, with a
// budget so a tree never outgrows a kernel's bindings or recomputes shared work forever.

import type { Backend } from "../backend/backend.ts";
import type { DType } from "../dtype.ts";
import { engine } from "../engine.ts";
import { type Expr, leavesOf, opCount } from "../expr.ts";
import type { Tensor } from "../tensor.ts";

/** Op nodes one fused kernel may hold before its inputs are materialised instead. */
export const MAX_FUSED_OPS = 40;

/** Leaves a fused kernel may bind: the device's storage-buffer limit less output and index. */
export function maxLeaves(backend: Backend): number {
  return Math.max(2, backend.info.limits.maxStorageBuffersPerShaderStage - 2);
}

function tooBig(e: Expr, backend: Backend): boolean {
  return e.kind === "op" && (opCount(e) > MAX_FUSED_OPS || leavesOf(e).length > maxLeaves(backend));
}

/** The input's expression for a routine that fuses its reads (reduce, pad, gather, assign). */
export function inputExpr(t: Tensor): Expr {
  engine.checkAlive(t);
  if (tooBig(t.expr, t.backend)) engine.realise(t);
  return t.expr;
}

/**
 * The input's expression for inlining into a new elementwise node. A lazy tensor consumed a
 * second time is realised first, so shared work is computed once and read from memory.
 */
export function inlineExpr(t: Tensor): Expr {
  engine.checkAlive(t);
  if (t.expr.kind === "op" && (t.uses > 0 || tooBig(t.expr, t.backend))) engine.realise(t);
  t.uses++;
  return t.expr;
}

/** Convert an expression to another dtype (a cast node); unchanged if it already is. */
export function castExpr(e: Expr, dtype: DType): Expr {
  if (e.dtype === dtype) return e;
  if (e.kind === "const") return { kind: "const", value: e.value, dtype };
  return { kind: "op", op: "cast", wgsl: "O(x)", args: [e], scalars: {}, ctype: e.dtype, dtype };
}
