// The shape of an op-table entry: a shape rule, a forward, and a VJP per input, side by side.

import type { DType } from "../dtype.ts";
import type { Expr } from "../expr.ts";
import type { Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";

/** What a VJP sees: the inputs (x, y, z are the first three), the output, the attributes. */
export interface Ctx<A> {
  x: Tensor;
  y: Tensor;
  z: Tensor;
  inputs: readonly Tensor[];
  out: Tensor;
  attrs: A;
}

/** Vector-Jacobian product for one input: the upstream gradient g in, that input's gradient out. */
export type Vjp<A> = (g: Tensor, c: Ctx<A>) => Tensor;

/**
 * VJPs as data: one per input (null where not differentiable), or one function taking the
 * input's index for ops with any number of inputs (concat). null: no gradient at all.
 */
export type Vjps<A> =
  | readonly (Vjp<A> | null)[]
  | ((g: Tensor, c: Ctx<A>, i: number) => Tensor)
  | null;

/** A fused elementwise rule: forward is a WGSL expression over x, y, z. */
export interface ElementwiseDef<A> {
  kind: "elementwise";
  arity: 1 | 2 | 3;
  wgsl: string;
  /** Accepts int32 inputs as they are (otherwise ints are promoted to float32 first). */
  ints?: boolean;
  /** A comparison: its result is a float32 0/1 mask whatever the input type. */
  mask?: boolean;
  /** Named scalars the WGSL reads, taken from the attributes. */
  scalars?: (attrs: A) => Record<string, number>;
  vjp: Vjps<A>;
}

/** A view: no kernel, the strides of every leaf are rewritten (expr.ts). */
export interface ViewDef<A> {
  kind: "view";
  shape: (x: Shape, attrs: A) => Shape;
  /** The new expression, or null when memory order forbids a view (then the input is copied). */
  view: (x: Expr, xShape: Shape, outShape: Shape, attrs: A) => Expr | null;
  vjp: Vjps<A>;
}

/** A hand-written routine: the output is allocated, then forward records its kernels. */
export interface RoutineDef<A> {
  kind: "routine";
  shape: (inputs: readonly Tensor[], attrs: A) => { shape: Shape; dtype: DType };
  forward: (inputs: readonly Tensor[], out: Tensor, attrs: A) => void;
  vjp: Vjps<A>;
}

export type OpDef<A> = ElementwiseDef<A> | ViewDef<A> | RoutineDef<A>;
