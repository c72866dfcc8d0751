// Argument normalisation shared by the CNN functions: PyTorch's int-or-pair sizes and its
// optional batch dim (a [C, H, W] image is treated as a batch of one).

import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { reshape } from "./shape.ts";

/** A size per spatial dim: one number for both, or [along H, along W]. */
export type Pair = number | readonly [number, number];

/** [h, w] from a number or a pair, checked to be integers ≥ min. */
export function pair(op: string, x: Tensor, v: Pair, what: string, min: number): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  const ok =
    (Array.isArray(v) ? v.length === 2 : true) && p.every((d) => Number.isInteger(d) && d >= min);
  if (!ok)
    throw new ShapeError(
      op,
      [x.shape],
      `${what} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`,
    );
  return p;
}

/** Run an NCHW function on [C, H, W] too (as a batch of one), as PyTorch's functions do. */
export function batched(op: string, x: Tensor, f: (x4: Tensor) => Tensor): Tensor {
  if (x.rank === 4) return f(x);
  if (x.rank !== 3)
    throw new ShapeError(op, [x.shape], "expects an NCHW (4 dims) or CHW (3 dims) input");
  const out = f(reshape(x, [1, ...x.shape]));
  return reshape(out, out.shape.slice(1));
}
