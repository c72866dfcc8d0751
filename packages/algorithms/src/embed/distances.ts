// Pairwise distances between embeddings on the GPU: one matmul plus two norm vectors, never an
// [n, m, d] difference tensor. ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y, so the work is the matmul's.

import {
  add,
  arange,
  cast,
  clamp,
  div,
  eq,
  matmul,
  mul,
  reshape,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  transpose,
} from "@sheep/tensor";

/** One clear line for a wrong input shape, before any kernel runs. */
function checkPair(name: string, x: Tensor, y: Tensor): void {
  if (x.rank !== 2) throw new Error(`${name}: x must be [n, d] embeddings, got [${x.shape}]`);
  if (y.rank !== 2 || y.shape[1] !== x.shape[1])
    throw new Error(
      `${name}: y must be [m, ${x.shape[1]}] to match x [${x.shape}], got [${y.shape}]`,
    );
}

/** The [n, n] identity as 0/1 float32, built from two aranges (no host upload). */
export function eyeLike(x: Tensor, n: number): Tensor {
  const i = arange(0, n, 1, { like: x, dtype: "int32" });
  return cast(eq(reshape(i, [n, 1]), reshape(i, [1, n])), "float32");
}

/**
 * Squared Euclidean distances [n, m] between the rows of x [n, d] and y [m, d] (y = x when
 * omitted). Rounding can make ‖x‖² + ‖y‖² − 2x·y slightly negative for near-equal rows, so the
 * result is clamped at 0; with y omitted the diagonal is set to exactly 0 (a point is at distance
 * 0 from itself, whatever float32 cancellation says).
 */
export function squaredDistances(x: Tensor, y?: Tensor): Tensor {
  const other = y ?? x;
  checkPair("squaredDistances", x, other);
  const xx = sum(square(x), 1, true); // [n, 1]
  const yy = reshape(sum(square(other), 1), [1, other.shape[0]]); // [1, m]
  const d2 = clamp(sub(add(xx, yy), mul(matmul(x, transpose(other, 0, 1)), 2)), 0);
  return y === undefined ? mul(d2, sub(1, eyeLike(x, x.shape[0]))) : d2;
}

/**
 * sqrt that is safe at 0: d/dt √t = 1/(2√t) is infinite at t = 0, and 0 · ∞ = NaN would poison
 * every gradient through the matmul. Where t ≤ eps we take √(t + eps) (finite slope) and multiply
 * by 0, so the value is exactly 0 and the gradient exactly 0 there; elsewhere it is plain √t.
 */
export function safeSqrt(t: Tensor, eps = 1e-12): Tensor {
  const zero = cast(eq(clamp(sub(t, eps), 0), 0), "float32"); // 1 where t ≤ eps
  return mul(sqrt(add(t, mul(zero, eps))), sub(1, zero));
}

/** Euclidean distances [n, m]: safeSqrt of squaredDistances, so equal points give 0 and no NaN. */
export function euclideanDistances(x: Tensor, y?: Tensor, eps = 1e-12): Tensor {
  return safeSqrt(squaredDistances(x, y), eps);
}

/** Rows scaled to unit length: x / √(‖x‖² + eps) (eps keeps a zero row at zero, not NaN). */
export function l2Normalize(x: Tensor, eps = 1e-12): Tensor {
  if (x.rank !== 2) throw new Error(`l2Normalize: x must be [n, d] embeddings, got [${x.shape}]`);
  return div(x, reshape(sqrt(add(sum(square(x), 1), eps)), [x.shape[0], 1]));
}

/**
 * Cosine similarities [n, m]: x̂ ŷᵀ with rows L2-normalised first (normalize = false when the
 * embeddings are already unit length, then this is the plain dot product).
 */
export function cosineSimilarity(x: Tensor, y?: Tensor, normalize = true): Tensor {
  const other = y ?? x;
  checkPair("cosineSimilarity", x, other);
  const a = normalize ? l2Normalize(x) : x;
  const b = y === undefined ? a : normalize ? l2Normalize(other) : other;
  return matmul(a, transpose(b, 0, 1));
}

/** Cosine distances 1 − cos(x, y) in [0, 2]. */
export function cosineDistances(x: Tensor, y?: Tensor, normalize = true): Tensor {
  return sub(1, cosineSimilarity(x, y, normalize));
}

/** A metric by name, for the losses and the CLI: "euclidean", "squared" or "cosine". */
export type Metric = "euclidean" | "squared" | "cosine";
export const METRICS: readonly Metric[] = ["euclidean", "squared", "cosine"];

export function distances(x: Tensor, metric: Metric = "euclidean", y?: Tensor): Tensor {
  if (metric === "euclidean") return euclideanDistances(x, y);
  if (metric === "squared") return squaredDistances(x, y);
  if (metric === "cosine") return cosineDistances(x, y);
  throw new Error(`distances: unknown metric "${metric}"; valid: ${METRICS.join(", ")}`);
}
