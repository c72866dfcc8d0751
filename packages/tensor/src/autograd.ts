// Reverse-mode autograd: walk the recorded graph from the output back to the inputs, calling
// each op's VJP for the inputs that lead somewhere that needs a gradient. Broadcasting is summed
// away here, once, so no VJP has to think about it.

import { onesLike, zerosLike } from "./create.ts";
import { DEBUG_GRAPH, debugLog } from "./debug.ts";
import { engine } from "./engine.ts";
import { fmtShape, ShapeError } from "./errors.ts";
import "./ops/apply.ts"; // loads the op table that the wrappers below and every VJP call
import { add, detach, reshape, sum } from "./ops/call.ts";
import { sameShape } from "./shape.ts";
import type { Tensor } from "./tensor.ts";

/** Sum a broadcast gradient back down to the shape of the input it belongs to. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const dims = g.shape
    .map((_, i) => i)
    .filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  const summed = sum(g, dims, true);
  return reshape(summed, shape);
}

/** Tensors from `root` back to the leaves, outputs before the inputs they were made from. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: deep graphs (long optimisation loops) must not overflow the stack.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, done] = stack.pop()!;
    if (done) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const i of t.node?.inputs ?? [])
      if (i.requiresGrad && !seen.has(i)) stack.push([i, false]);
  }
  return order.reverse();
}

/**
 * Gradients of root with respect to `targets` (or every leaf that requires grad). Only paths
 * that reach a target are differentiated.
 */
function gradients(
  root: Tensor,
  seed: Tensor | undefined,
  targets: Set<Tensor> | null,
): Map<Tensor, Tensor> {
  if (!root.requiresGrad) {
    throw new Error(
      "backward: the output does not require grad (no input had requiresGrad, or noGrad was on)",
    );
  }
  if (!seed && root.size !== 1) {
    throw new ShapeError(
      "backward",
      [root.shape],
      "needs a one-element output or an explicit gradient",
    );
  }
  const order = topoOrder(root);
  const isTarget = (t: Tensor) => (targets ? targets.has(t) : !t.node && t.requiresGrad);
  const needed = new Set<Tensor>();
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (isTarget(t) || t.node?.inputs.some((x) => needed.has(x))) needed.add(t);
  }
  if (engine.debug >= DEBUG_GRAPH) {
    debugLog(`backward through ${order.length} tensors:`);
    for (const t of order) {
      const ins = t.node?.inputs.map((x) => `#${x.id}`).join(", ") ?? "leaf";
      debugLog(
        `  #${t.id} ${t.node?.op ?? t.op} ${fmtShape(t.shape)} ← ${ins}${needed.has(t) ? "" : " (skipped)"}`,
      );
    }
  }
  const grads = new Map<Tensor, Tensor>([[root, seed ?? onesLike(root)]]);
  const result = new Map<Tensor, Tensor>();
  for (const t of order) {
    const g = grads.get(t);
    if (!g) continue;
    if (isTarget(t)) result.set(t, g);
    const node = t.node;
    if (!node) continue;
    node.inputs.forEach((x, i) => {
      const vjp = node.vjps[i];
      if (!vjp || !needed.has(x)) return;
      engine.checkAlive(x);
      const gx = sumToShape(vjp(g), x.shape);
      const prev = grads.get(x);
      grads.set(x, prev ? add(prev, gx) : gx);
    });
  }
  return result;
}

/** Drop the recorded graph behind root so its saved tensors can be freed. */
function freeGraph(root: Tensor): void {
  for (const t of topoOrder(root)) t.node = null;
}

export interface BackwardOptions {
  /** Upstream gradient for a non-scalar output. */
  grad?: Tensor;
  /** Keep the graph for another backward through it. */
  retainGraph?: boolean;
}

/** Accumulate d(root)/d(leaf) into `.grad` of every leaf that requires grad. */
export function backward(root: Tensor, opts: BackwardOptions = {}): void {
  const grads = engine.tidy(() => {
    const found = gradients(root, opts.grad, null);
    for (const [leaf, g] of found) {
      const total = leaf.grad ? add(leaf.grad, g) : g;
      engine.region(total); // materialise: a lazy grad would pin the graph's buffers
      found.set(leaf, total);
    }
    return found;
  });
  for (const [leaf, g] of grads) {
    if (leaf.grad && leaf.grad !== g) leaf.grad.dispose();
    g.kept = true;
    leaf.grad = g;
  }
  if (!opts.retainGraph) freeGraph(root);
}

/** Run fn without recording a graph (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const was = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = was;
  }
}

export { detach };

type Fn = (...args: Tensor[]) => Tensor;

/**
 * Functional gradients, JAX style: valueAndGrad(f)(a, b) → { value, grads: [df/da, df/db] }.
 * The arguments are used through detached copies, so their `.grad` fields are untouched, and
 * only the paths from f's output to the arguments are differentiated.
 */
export function valueAndGrad(f: Fn, argnums?: readonly number[]) {
  return (...args: Tensor[]) => {
    const which = argnums ?? args.map((_, i) => i);
    return engine.tidy(() => {
      const xs = args.map((a, i) => (which.includes(i) ? detach(a).requiresGrad_() : a));
      const value = f(...xs);
      // A value that depends on none of the arguments has zero gradients (JAX's answer too).
      const found = value.requiresGrad
        ? gradients(value, undefined, new Set(which.map((i) => xs[i])))
        : new Map<Tensor, Tensor>();
      const grads = which.map((i) => {
        // An argument f does not use has a zero gradient (it was ones before issue 11).
        const g = found.get(xs[i]) ?? zerosLike(xs[i], { dtype: "float32" });
        engine.region(g);
        return g;
      });
      freeGraph(value);
      const out = detach(value);
      return { value: out, grads };
    });
  };
}

export function grad(f: Fn, argnums?: readonly number[]) {
  return (...args: Tensor[]) => valueAndGrad(f, argnums)(...args).grads;
}

/**
 * Gradients of a one-element root with respect to any tensors of its graph — inputs or
 * intermediate activations (Grad-CAM needs d logit / d feature map). Zeros where a tensor does
 * not reach the root. The graph is left for the caller's tidy() to free.
 */
export function gradientsAt(root: Tensor, at: readonly Tensor[]): Tensor[] {
  return engine.tidy(() => {
    const found = gradients(root, undefined, new Set(at));
    return at.map((t) => {
      const g = found.get(t) ?? zerosLike(t, { dtype: "float32" });
      engine.region(g);
      return g;
    });
  });
}
