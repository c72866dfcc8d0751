// Helpers shared by the cpu oracle's routines: memory access types, index unravelling, and
// evaluating fused input expressions.

import type { Leaf } from "../../expr.ts";
import type { Routines, Storage } from "../backend.ts";
import { Evaluator } from "./scalar.ts";

export type CpuArray = Float64Array | Int32Array;
export type Impl<K extends keyof Routines> = (
  args: Routines[K],
  mem: (s: Storage) => CpuArray,
) => void;

export const evaluator = (
  expr: Routines["elementwise"]["expr"],
  shape: readonly number[],
  mem: (s: Storage) => CpuArray,
) => new Evaluator(expr, shape, (l: Leaf) => mem(l.storage));

/** Split a flat row-major index into coordinates. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return c;
}
