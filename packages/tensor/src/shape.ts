// Shape arithmetic shared by the op rules and both backends: sizes, strides, broadcasting, axes.

import { ShapeError } from "./errors.ts";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: the last dimension is contiguous. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting: align trailing dims; each pair must match or one must be 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else throw new ShapeError(op, shapes, `shapes cannot be broadcast together at dim ${o}`);
    }
  }
  return out;
}

/** Normalise a possibly negative axis into [0, rank). */
export function normAxis(op: string, axis: number, rank: number, shape: Shape = []): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(op, [shape], `dim ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

/**
 * Axes for a reduction. `undefined` means every axis; an empty list means none (as in NumPy).
 * Returned sorted and unique.
 */
export function normAxes(op: string, dim: number | readonly number[] | undefined, shape: Shape) {
  if (dim === undefined) return shape.map((_, i) => i);
  const list = typeof dim === "number" ? [dim] : dim;
  const axes = list.map((a) => normAxis(op, a, shape.length, shape));
  if (new Set(axes).size !== axes.length) {
    throw new ShapeError(op, [shape], `dim ${JSON.stringify(list)} repeats an axis`);
  }
  return axes.sort((a, b) => a - b);
}

/** The shape after reducing `axes`: kept as size 1 with keepdim, dropped otherwise. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

export function checkShape(op: string, shape: Shape): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, [shape], "every dimension must be a non-negative integer");
    }
  }
  return [...shape];
}

/**
 * Strides that let a strided view be read with a new shape without copying, or null when the
 * view's memory order forbids it (PyTorch's view rule). Used by reshape on views and lazy trees.
 */
export function reshapeStrides(
  shape: Shape,
  strides: readonly number[],
  newShape: Shape,
): number[] | null {
  if (sizeOf(shape) === 0) return contiguousStrides(newShape);
  // Drop size-1 dims: they do not constrain memory order.
  const dims: { size: number; stride: number }[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) dims.push({ size: d, stride: strides[i] });
  });
  const out = new Array<number>(newShape.length);
  let di = 0;
  let ni = 0;
  while (ni < newShape.length) {
    if (newShape[ni] === 1) {
      out[ni++] = 0;
      continue;
    }
    if (di >= dims.length) return null;
    // Merge a run of old dims that is contiguous in memory into one chunk.
    let chunk = dims[di].size;
    while (di + 1 < dims.length && dims[di].stride === dims[di + 1].stride * dims[di + 1].size) {
      di++;
      chunk *= dims[di].size;
    }
    const innerStride = dims[di].stride;
    // Split the chunk into consecutive new dims.
    let remaining = chunk;
    const start = ni;
    while (ni < newShape.length && remaining > 1) {
      if (newShape[ni] === 1) {
        out[ni++] = 0;
        continue;
      }
      if (remaining % newShape[ni] !== 0) return null;
      remaining /= newShape[ni];
      ni++;
    }
    if (remaining !== 1) return null;
    let s = innerStride;
    for (let k = ni - 1; k >= start; k--) {
      out[k] = newShape[k] === 1 ? 0 : s;
      s *= newShape[k];
    }
    di++;
  }
  return di === dims.length ? out : null;
}
