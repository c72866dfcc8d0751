// Batched matrix multiply with broadcast batch dims (shaders/matmul.wgsl). Operands stored
// transposed (a .T view, or the VJPs' transposes) are read in place through transA/transB.

import type { Storage } from "../backend/backend.ts";
import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { broadcastShapes } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { matmul, transpose } from "./call.ts";
import type { OpDef } from "./types.ts";

interface Operand {
  storage: Storage;
  offset: number;
  trans: boolean;
  batchStrides: number[];
}

/**
 * How the kernel reads an operand of logical shape [..batch, rows, cols]: row-major, or stored
 * transposed ([cols, rows] row-major), with any batch strides. Anything else is copied first.
 */
function operand(t: Tensor, batch: readonly number[]): Operand {
  const rank = t.rank;
  const rows = t.shape[rank - 2];
  const cols = t.shape[rank - 1];
  let e = t.expr;
  const layout = (sr: number, sc: number) => {
    if ((cols === 1 || sc === 1) && (rows === 1 || sr === cols)) return "row";
    if ((rows === 1 || sr === 1) && (cols === 1 || sc === rows)) return "col";
    return null;
  };
  if (e.kind !== "leaf" || !layout(e.strides[rank - 2], e.strides[rank - 1])) {
    engine.region(t);
    e = t.expr;
  }
  if (e.kind !== "leaf") throw new Error("matmul: operand did not realise");
  const trans = layout(e.strides[rank - 2], e.strides[rank - 1]) === "col";
  // Align the operand's batch dims with the output's; broadcast dims read stride 0.
  const lead = batch.length - (rank - 2);
  const batchStrides = batch.map((d, i) => {
    const j = i - lead;
    return j < 0 || t.shape[j] !== d ? 0 : e.strides[j];
  });
  return { storage: e.storage, offset: e.offset, trans, batchStrides };
}

export const matmulOp: OpDef<Record<string, never>> = {
  kind: "routine",
  shape: ([a, b]) => {
    if (a.rank < 2 || b.rank < 2) {
      throw new ShapeError("matmul", [a.shape, b.shape], "both operands need at least 2 dims");
    }
    const [m, k] = a.shape.slice(-2);
    const [k2, n] = b.shape.slice(-2);
    if (k !== k2) {
      throw new ShapeError("matmul", [a.shape, b.shape], `inner dims differ (${k} vs ${k2})`);
    }
    if (a.dtype !== "float32" || b.dtype !== "float32") {
      throw new ShapeError("matmul", [a.shape, b.shape], "operands must be float32");
    }
    const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
    return { shape: [...batch, m, n], dtype: "float32" };
  },
  forward: ([a, b], out) => {
    const batch = out.shape.slice(0, -2);
    const A = operand(a, batch);
    const B = operand(b, batch);
    const [m, k] = a.shape.slice(-2);
    const n = b.shape[b.rank - 1];
    out.backend.run("matmul", {
      a: A,
      b: B,
      out: engine.region(out),
      m,
      n,
      k,
      transA: A.trans,
      transB: B.trans,
      batchShape: batch,
      batchStridesA: A.batchStrides,
      batchStridesB: B.batchStrides,
    });
  },
  // d/dA AB = g Bᵀ, d/dB AB = Aᵀ g; broadcast batch dims are summed away by the driver
  vjp: [
    (g, { y }) => matmul(g, transpose(y, -1, -2)),
    (g, { x }) => matmul(transpose(x, -1, -2), g),
  ],
};
