// The parameters of a model seen as one long vector, for L-BFGS: gather every gradient into a
// flat tensor, move the parameters along a flat direction, read a few scalars back at once.
// The vectors stay on the device; only the scalars that steer the algorithm come back.

import { detach, noGrad } from "../autograd.ts";
import { engine } from "../engine.ts";
import { zeros } from "../fn/create.ts";
import { add, mul } from "../fn/elementwise.ts";
import { sum } from "../fn/reduce.ts";
import { concat, narrow, reshape } from "../fn/shape.ts";
import { assign } from "../nn/assign.ts";
import { keep } from "../scope.ts";
import type { Tensor } from "../tensor.ts";

/** aᵀb of two vectors, as a one-element tensor. */
export const dot = (a: Tensor, b: Tensor): Tensor => sum(mul(a, b));

/** Run fn without recording and free its temporaries; the result is kept (the caller owns it). */
export function owned<T extends Tensor>(fn: () => T): T {
  return noGrad(() =>
    engine.tidy(() => {
      const t = fn();
      engine.realise(t);
      return keep(t);
    }),
  );
}

/** Every parameter's gradient (zeros where there is none) in one flat vector, kept. */
export function flatGrad(params: readonly Tensor[]): Tensor {
  return owned(() =>
    concat(params.map((p) => reshape(p.grad ?? zeros(p.shape, { like: p }), [-1]))),
  );
}

/** p ← p + t·d for every parameter, taking each one's slice of the flat direction d. */
export function addFlat(params: readonly Tensor[], t: number, d: Tensor): void {
  noGrad(() =>
    engine.tidy(() => {
      let at = 0;
      for (const p of params) {
        const piece = reshape(narrow(d, 0, at, p.size), p.shape);
        assign(p, add(p, mul(piece, t)));
        at += p.size;
      }
    }),
  );
}

/** Handles on the parameters' current values (no copy: buffers are immutable). */
export function snapshot(params: readonly Tensor[]): Tensor[] {
  return params.map((p) => {
    engine.realise(p);
    return keep(detach(p));
  });
}

/** Put the values of a snapshot back into the parameters. */
export function restore(params: readonly Tensor[], values: readonly Tensor[]): void {
  noGrad(() => {
    params.forEach((p, i) => {
      assign(p, values[i]);
    });
  });
}

/** Read several one-element tensors with one readback (each readback waits for the device). */
export async function readScalars(ts: readonly Tensor[]): Promise<number[]> {
  const packed = noGrad(() => engine.tidy(() => keep(concat(ts.map((t) => reshape(t, [1]))))));
  try {
    return Array.from(await packed.data64());
  } finally {
    packed.dispose();
  }
}
