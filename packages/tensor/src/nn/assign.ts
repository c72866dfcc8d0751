// assign(): give a tensor a new value while keeping its identity, the engine's answer to
// PyTorch's in-place updates (`p.copy_(v)`, `p.add_(…)`) for parameters and optimizer state.
//
// Storages are never written in place: every kernel writes a fresh buffer. So "updating" a
// parameter means realising the new value into memory (engine.region) and pointing the
// parameter's handle at that memory (Tensor.replaceExpr); the old buffer is released when no
// other tensor reads it. Everything that holds the parameter (a module, an optimizer, a user
// variable) sees the new value, because it is the same Tensor object.

import { engine } from "../engine.ts";
import { ShapeError } from "../errors.ts";
import { cast } from "../fn/elementwise.ts";
import { sameShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";

/**
 * Make `target` hold `value`'s current values (cast to target's dtype), keeping target's
 * identity, `requiresGrad` and `.grad`. The value is realised into memory now (one fused kernel
 * if it is a lazy expression; no copy if it already is a contiguous buffer, which is then
 * shared — safe, because buffers are immutable). Records no autograd history, and drops any
 * the target had: it becomes a leaf holding plain values. Returns target.
 */
export function assign(target: Tensor, value: Tensor): Tensor {
  engine.checkAlive(target);
  engine.checkAlive(value);
  if (!sameShape(target.shape, value.shape)) {
    throw new ShapeError(
      "assign",
      [target.shape, value.shape],
      "value must have the target's shape",
    );
  }
  if (target.backend !== value.backend) {
    throw new ShapeError(
      "assign",
      [target.shape, value.shape],
      `value lives on ${value.backend.kind}, target on ${target.backend.kind}`,
    );
  }
  if (value === target) return target;
  engine.tidy(() => {
    const v = cast(value, target.dtype);
    engine.realise(v);
    target.replaceExpr(v.expr);
  });
  target.node = null;
  target.uses = 0;
  return target;
}
