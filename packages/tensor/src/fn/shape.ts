// Shape functions: views (reshape, permute, expand, slice and their relatives) and the
// index-moving routines (concat, pad, gather, setSlice), with PyTorch's argument conventions.

import type { PadMode } from "../backend/backend.ts";
import { arange } from "../create.ts";
import { ShapeError } from "../errors.ts";
import { isContiguousLeaf } from "../expr.ts";
import { apply } from "../ops/apply.ts";
import { normAxis, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { copy, eq } from "./elementwise.ts";

/** Reshape; one dim may be -1 and is inferred. A view when memory order allows. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new ShapeError("reshape", [x.shape, shape], "only one dim can be -1");
  const rest = sizeOf(known);
  const out = shape.map((d) => (d === -1 ? (rest === 0 ? 0 : x.size / rest) : d));
  if (!out.every(Number.isInteger))
    throw new ShapeError("reshape", [x.shape, shape], `cannot hold ${x.size} elements`);
  return apply("reshape", [x], { shape: out });
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return apply("permute", [x], { perm: dims.map((d) => normAxis("permute", d, x.rank, x.shape)) });
}

/** Swap two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const perm = [...Array(x.rank).keys()];
  const a = normAxis("transpose", dim0, x.rank, x.shape);
  const b = normAxis("transpose", dim1, x.rank, x.shape);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return apply("permute", [x], { perm });
}

/** Broadcast to a larger shape; -1 keeps a dim. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.rank;
  return apply("expand", [x], { shape: shape.map((d, i) => (d === -1 ? x.shape[i - lead] : d)) });
}

/** Internal slice with normalised bounds: begin index, exclusive end (may be -1), step. */
export function sliceRaw(
  x: Tensor,
  begin: readonly number[],
  end: readonly number[],
  step: readonly number[],
) {
  return apply("slice", [x], { begin, end, step });
}

/**
 * Python-style slicing per dim: negative indices count from the end, bounds are clamped, and a
 * negative step walks backwards. Missing entries take the whole dim.
 * `slice(x, [0, 1], [2, -1])` is x[0:2, 1:-1].
 */
export function slice(
  x: Tensor,
  begin: readonly (number | null)[],
  end: readonly (number | null)[] = [],
  step: readonly number[] = [],
) {
  const b: number[] = [];
  const e: number[] = [];
  const s: number[] = [];
  x.shape.forEach((n, d) => {
    const st = step[d] ?? 1;
    if (st === 0 || !Number.isInteger(st))
      throw new ShapeError("slice", [x.shape], "step must be a non-zero integer");
    const norm = (v: number, lo: number, hi: number) =>
      Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const bd = begin[d];
    const ed = end[d];
    if (st > 0) {
      b.push(bd == null ? 0 : norm(bd, 0, n));
      e.push(ed == null ? n : norm(ed, 0, n));
    } else {
      b.push(bd == null ? n - 1 : norm(bd, -1, n - 1));
      e.push(ed == null ? -1 : norm(ed, -1, n - 1));
    }
    s.push(st);
  });
  return sliceRaw(x, b, e, s);
}

/** `length` elements of `dim` from `start` (torch.narrow). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normAxis("narrow", dim, x.rank, x.shape);
  if (start < 0) start += x.shape[d];
  if (start < 0 || start + length > x.shape[d] || length < 0) {
    throw new ShapeError("narrow", [x.shape], `[${start}, ${start + length}) is outside dim ${d}`);
  }
  return sliceRaw(
    x,
    x.shape.map((_, i) => (i === d ? start : 0)),
    x.shape.map((n, i) => (i === d ? start + length : n)),
    x.shape.map(() => 1),
  );
}

/** Reverse the given dims. */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  const ds = dims.map((d) => normAxis("flip", d, x.rank, x.shape));
  return slice(
    x,
    [],
    [],
    x.shape.map((_, d) => (ds.includes(d) ? -1 : 1)),
  );
}

/** Drop size-1 dims (all of them, or the one given). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normAxis("squeeze", dim, x.rank, x.shape);
  return x.shape[d] === 1
    ? reshape(
        x,
        x.shape.filter((_, i) => i !== d),
      )
    : x;
}

/** Insert a size-1 dim at `dim` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis("unsqueeze", dim, x.rank + 1, x.shape);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Merge dims start..end into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis("flatten", start, x.rank, x.shape);
  const e = normAxis("flatten", end, x.rank, x.shape);
  return reshape(x, [
    ...x.shape.slice(0, s),
    sizeOf(x.shape.slice(s, e + 1)),
    ...x.shape.slice(e + 1),
  ]);
}

/** x itself when it already is row-major memory, else a copy that is. */
export function contiguous(x: Tensor): Tensor {
  return isContiguousLeaf(x.expr, x.shape) ? x : copy(x);
}

export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("concat: needs at least one tensor");
  const d = normAxis("concat", dim, tensors[0].rank, tensors[0].shape);
  return apply("concat", tensors, { dim: d });
}

export const cat = concat;

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("stack: needs at least one tensor");
  const d = normAxis("stack", dim, tensors[0].rank + 1, tensors[0].shape);
  return concat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/**
 * Pad. `pads` is PyTorch's flat list of (before, after) pairs starting from the LAST dim
 * ([left, right, top, bottom] pads W then H), or explicit per-dim `before`/`after` arrays.
 */
export function pad(
  x: Tensor,
  pads: readonly number[] | { before: readonly number[]; after: readonly number[] },
  opts: PadOptions = {},
): Tensor {
  let before: number[];
  let after: number[];
  if (Array.isArray(pads)) {
    const flat = pads as readonly number[];
    if (flat.length % 2 !== 0 || flat.length / 2 > x.rank) {
      throw new ShapeError(
        "pad",
        [x.shape],
        `pads [${flat}] must be pairs for at most ${x.rank} dims`,
      );
    }
    before = x.shape.map(() => 0);
    after = x.shape.map(() => 0);
    for (let i = 0; i < flat.length / 2; i++) {
      before[x.rank - 1 - i] = flat[2 * i];
      after[x.rank - 1 - i] = flat[2 * i + 1];
    }
  } else {
    const p = pads as { before: readonly number[]; after: readonly number[] };
    before = [...p.before];
    after = [...p.after];
  }
  return apply("pad", [x], {
    before,
    after,
    mode: opts.mode ?? "constant",
    value: opts.value ?? 0,
  });
}

/** out[i][j] = x[i][index[i][j]] along `dim` (torch.gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return apply("gather", [x, index], { dim: normAxis("gather", dim, x.rank, x.shape) });
}

/** A copy of base with the box at `begin` (walking `step`) replaced by value. */
export function setSlice(
  base: Tensor,
  value: Tensor,
  begin: readonly number[],
  step?: readonly number[],
) {
  return apply("setSlice", [base, value], { begin, step: step ?? base.shape.map(() => 1) });
}

/** Float32 one-hot rows: out[..., c] = (index[...] == c). */
export function oneHot(index: Tensor, numClasses: number): Tensor {
  if (index.dtype !== "int32") throw new ShapeError("oneHot", [index.shape], "index must be int32");
  return eq(unsqueeze(index, -1), arange(0, numClasses, 1, { like: index, dtype: "int32" }));
}
