// Applying an op: check the inputs, run the entry's shape rule, build the output (a fused
// expression, a view, or a routine's fresh buffer), and record the autograd node.

import type { Backend } from "../backend/backend.ts";
import { DEBUG_OPS, debugLog } from "../debug.ts";
import { type DType, promote } from "../dtype.ts";
import { engine } from "../engine.ts";
import { fmtShape, ShapeError } from "../errors.ts";
import { contiguousLeaf, type Expr, expandExpr, leavesOf, type OpNode, opCount } from "../expr.ts";
import { broadcastShapes, sameShape, sizeOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import type { OpAttrs, OpName } from "./attrs.ts";
import { bindApply } from "./call.ts";
import { castExpr, inlineExpr, MAX_FUSED_OPS, maxLeaves } from "./inputs.ts";
import { table } from "./table.ts";
import type { Ctx, ElementwiseDef, OpDef, ViewDef } from "./types.ts";

export function apply<K extends OpName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
): Tensor {
  const def = table[name] as OpDef<OpAttrs[K]>;
  const backend = commonBackend(name, inputs);
  backend.currentOp = name;
  let out: Tensor;
  if (def.kind === "elementwise") out = elementwise(name, def, inputs, attrs, backend);
  else if (def.kind === "view") out = view(name, def, inputs[0], attrs);
  else {
    const { shape, dtype } = def.shape(inputs, attrs);
    const storage = backend.alloc(dtype, sizeOf(shape));
    out = new Tensor(shape, dtype, backend, contiguousLeaf(storage, shape), name);
    try {
      def.forward(inputs, out, attrs);
    } catch (e) {
      out.dispose(); // a routine that throws (a limit, a lost device) leaves no buffer behind
      throw e;
    }
  }
  if (engine.debug >= DEBUG_OPS) {
    const how = def.kind === "routine" ? "" : out.isLazy ? " (fused, lazy)" : " (view)";
    debugLog(
      `${name} ${inputs.map((t) => fmtShape(t.shape)).join(" ")} → ${fmtShape(out.shape)} ${out.dtype}${how}`,
    );
  }
  record(name, def, inputs, out, attrs);
  return out;
}

// Op entries call other ops through ops/call.ts, which cannot import this file (see there).
bindApply(apply);

function commonBackend(name: string, inputs: readonly Tensor[]): Backend {
  if (inputs.length === 0) throw new Error(`${name}: needs at least one input`);
  const backend = inputs[0].backend;
  for (const t of inputs) {
    engine.checkAlive(t);
    if (t.backend !== backend) {
      throw new ShapeError(
        name,
        inputs.map((i) => i.shape),
        `inputs live on different backends (${backend.kind} and ${t.backend.kind})`,
      );
    }
  }
  return backend;
}

function elementwise<A>(
  name: string,
  def: ElementwiseDef<A>,
  inputs: readonly Tensor[],
  attrs: A,
  backend: Backend,
): Tensor {
  if (inputs.length !== def.arity)
    throw new Error(`${name}: takes ${def.arity} inputs, got ${inputs.length}`);
  const shape = broadcastShapes(name, ...inputs.map((t) => t.shape));
  const dtypes = inputs.map((t) => t.dtype);
  // where(cond, a, b) computes in the type of a and b; cond is cast to it.
  let ctype: DType = name === "where" ? promote(dtypes[1], dtypes[2]) : dtypes.reduce(promote);
  if (!def.ints) ctype = "float32";
  const dtype: DType =
    name === "cast" ? (attrs as OpAttrs["cast"]).dtype : def.mask ? "float32" : ctype;
  const build = (): OpNode => ({
    kind: "op",
    op: name,
    wgsl: def.wgsl,
    args: inputs.map((t) => {
      const e = inlineExpr(t);
      return castExpr(sameShape(t.shape, shape) ? e : expandExpr(e, t.shape, shape), ctype);
    }),
    scalars: def.scalars?.(attrs) ?? {},
    ctype: name === "cast" ? dtypes[0] : ctype,
    dtype,
  });
  let expr: Expr = build();
  // Past the fusion budget, materialise the inputs and start a fresh tree over their buffers.
  if (leavesOf(expr).length > maxLeaves(backend) || opCount(expr) > MAX_FUSED_OPS) {
    for (const t of inputs) engine.region(t);
    expr = build();
  }
  return new Tensor(shape, dtype, backend, expr, name);
}

function view<A>(name: string, def: ViewDef<A>, x: Tensor, attrs: A): Tensor {
  const shape = def.shape(x.shape, attrs);
  let expr = def.view(inlineExpr(x), x.shape, shape, attrs);
  if (!expr) {
    // Memory order forbids a view (reshape of a transposed tensor): copy, then view the copy.
    engine.region(x);
    expr = def.view(x.expr, x.shape, shape, attrs);
    if (!expr) throw new Error(`${name}: could not view a contiguous tensor`);
  }
  return new Tensor(shape, x.dtype, x.backend, expr, name);
}

/** Remember how `out` was made when some input needs a gradient. */
function record<A>(name: string, def: OpDef<A>, inputs: readonly Tensor[], out: Tensor, attrs: A) {
  if (!engine.gradEnabled || !def.vjp || !inputs.some((t) => t.requiresGrad)) return;
  const vjp = def.vjp;
  const ctx: Ctx<A> = { x: inputs[0], y: inputs[1], z: inputs[2], inputs, out, attrs };
  out.requiresGrad = true;
  out.node = {
    op: name,
    inputs,
    attrs,
    vjps: inputs.map((t, i) => {
      if (!t.requiresGrad) return null;
      if (typeof vjp === "function") return (g: Tensor) => vjp(g, ctx, i);
      const f = vjp[i];
      return f ? (g: Tensor) => f(g, ctx) : null;
    }),
  };
}
