// Reductions and the functions composed from them: mean, variance, logsumexp, softmax.
// `dim` undefined reduces every dim; an empty list reduces none (NumPy's convention).

import { detach } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import { apply } from "../ops/apply.ts";
import { normAxes, normAxis, reducedShape, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { add, cast, div, exp, log, square, sub } from "./elementwise.ts";
import { flatten, reshape, squeeze, transpose, unsqueeze } from "./shape.ts";

export type Dims = number | readonly number[] | undefined;

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply("sum", [x], { dims: normAxes("sum", dim, x.shape), keepdim });
}

export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply("max", [x], { dims: normAxes("max", dim, x.shape), keepdim });
}

export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return apply("min", [x], { dims: normAxes("min", dim, x.shape), keepdim });
}

/** Index of the first maximum along `dim` (of the flattened tensor when dim is omitted). */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return apply("argmax", [flatten(x)], { dim: 0, keepdim: false });
  return apply("argmax", [x], { dim: normAxis("argmax", dim, x.rank, x.shape), keepdim });
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return apply("argmin", [flatten(x)], { dim: 0, keepdim: false });
  return apply("argmin", [x], { dim: normAxis("argmin", dim, x.rank, x.shape), keepdim });
}

/** Elements reduced by a reduction over `dim`. */
function countOf(x: Tensor, dim: Dims): number {
  return sizeOf(normAxes("mean", dim, x.shape).map((d) => x.shape[d]));
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const n = countOf(x, dim);
  return div(sum(cast(x, "float32"), dim, keepdim), n);
}

/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(
  x: Tensor,
  dim?: Dims,
  opts: { correction?: number; keepdim?: boolean } = {},
) {
  const { correction = 1, keepdim = false } = opts;
  const n = countOf(x, dim);
  const centred = sub(x, mean(x, dim, true));
  return div(sum(square(centred), dim, keepdim), Math.max(0, n - correction));
}

export function std(x: Tensor, dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}) {
  return apply("sqrt", [variance(x, dim, opts)], {});
}

/**
 * log Σ exp(x), stably: subtract the max first. The max is detached: the result does not
 * depend on which constant is subtracted, so no gradient needs to flow through it.
 */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normAxes("logsumexp", dim, x.shape);
  const m = detach(max(x, axes, true));
  const out = add(log(sum(exp(sub(x, m)), axes, true)), m);
  return keepdim ? out : reshape(out, reducedShape(x.shape, axes, false));
}

/** x − max(x), the max detached (shifting does not change softmax, so no gradient needs it). */
function shifted(x: Tensor, dim: number): Tensor {
  return sub(x, detach(max(x, dim, true)));
}

/**
 * log softmax = (x − m) − log Σ exp(x − m). Staying in shifted coordinates keeps float32
 * digits: adding m back and subtracting it again would cost an ulp of m (1e-4 at m = 1000).
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  const z = shifted(x, dim);
  return sub(z, log(sum(exp(z), dim, true)));
}

/** softmax = exp(x − m) / Σ exp(x − m). */
export function softmax(x: Tensor, dim = -1): Tensor {
  const e = exp(shifted(x, dim));
  return div(e, sum(e, dim, true));
}

/** Matrix product with NumPy's rules: 1-D operands gain then lose a dim; batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0)
    throw new ShapeError("matmul", [a.shape, b.shape], "operands must not be scalars");
  const a2 = a.rank === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.rank === 1 ? unsqueeze(b, 1) : b;
  let out = apply("matmul", [cast(a2, "float32"), cast(b2, "float32")], {});
  if (a.rank === 1) out = squeeze(out, -2);
  if (b.rank === 1) out = squeeze(out, -1);
  return out;
}

/** The last two dims swapped (a free view). */
export const mT = (x: Tensor) => transpose(x, -1, -2);
