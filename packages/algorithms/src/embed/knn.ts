// Exact k-nearest neighbours on the GPU: a matmul scores every query against a chunk of the
// gallery, and a top-k keeps the best k per row. The engine has no top-k kernel yet, so top-k is
// k passes of max-and-mask composed from existing ops (argmax, gather, a mask from eq, where);
// each chunk's k are merged with the running k the same way, so a gallery of any size streams
// through in chunks and only [queries, chunk] scores exist at once.

import {
  add,
  arange,
  argmax,
  clamp,
  concat,
  eq,
  gather,
  matmul,
  mul,
  narrow,
  reshape,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  transpose,
  where,
} from "@sheep/tensor";
import { l2Normalize } from "./distances.ts";

/** Below any real score: what a picked entry is overwritten with so the next pass skips it. */
const TAKEN = -3e38;

export interface KnnOptions {
  /** "euclidean": nearest by distance (returned as distances); "cosine": by cosine similarity. */
  metric?: "euclidean" | "cosine";
  /** Gallery rows scored at once; bounds the [queries, chunk] score matrix. */
  chunk?: number;
}

export interface KnnResult {
  /** [q, k] int32 gallery rows, best first; ties keep the lower gallery index first. */
  indices: Tensor;
  /** [q, k] Euclidean distances (ascending) or cosine similarities (descending). */
  values: Tensor;
}

/**
 * The best k columns of each row of scores [q, c] (higher is better), with their columns, by k
 * passes of argmax; argmax returns the first maximum, so ties go to the lower column.
 */
export function topK(scores: Tensor, k: number): { values: Tensor; columns: Tensor } {
  if (scores.rank !== 2)
    throw new Error(`topK: scores must be [rows, columns], got [${scores.shape}]`);
  const c = scores.shape[1];
  if (!(Number.isInteger(k) && k >= 1 && k <= c))
    throw new Error(`topK: k must be an integer in [1, ${c}], got ${k}`);
  const cols = reshape(arange(0, c, 1, { like: scores, dtype: "int32" }), [1, c]);
  const values: Tensor[] = [];
  const columns: Tensor[] = [];
  let s = scores;
  for (let i = 0; i < k; i++) {
    const at = argmax(s, 1, true); // [q, 1]
    values.push(gather(s, 1, at));
    columns.push(at);
    s = where(eq(cols, at), TAKEN, s);
  }
  return { values: concat(values, 1), columns: concat(columns, 1) };
}

/** k nearest gallery rows [m, d] of each query row [q, d], exactly, streaming the gallery. */
export function knn(queries: Tensor, gallery: Tensor, k: number, opts: KnnOptions = {}): KnnResult {
  const { metric = "euclidean", chunk = 16384 } = opts;
  if (queries.rank !== 2 || gallery.rank !== 2 || queries.shape[1] !== gallery.shape[1])
    throw new Error(
      `knn: queries [q, d] and gallery [m, d], got [${queries.shape}] and [${gallery.shape}]`,
    );
  const m = gallery.shape[0];
  if (!(Number.isInteger(k) && k >= 1 && k <= m))
    throw new Error(`knn: k must be an integer in [1, ${m}] (the gallery's size), got ${k}`);
  if (metric !== "euclidean" && metric !== "cosine")
    throw new Error(`knn: unknown metric "${metric}"; valid: euclidean, cosine`);
  if (!(Number.isInteger(chunk) && chunk >= 1))
    throw new Error(`knn: chunk must be an integer ≥ 1, got ${chunk}`);
  const q = metric === "cosine" ? l2Normalize(queries) : queries;
  let best: { values: Tensor; indices: Tensor } | null = null;
  for (let start = 0; start < m; start += chunk) {
    const next = tidy(() => {
      const len = Math.min(chunk, m - start);
      let g = narrow(gallery, 0, start, len);
      if (metric === "cosine") g = l2Normalize(g);
      // Score = −(‖g‖² − 2 q·g): the squared distance less ‖q‖², which is the same for every
      // gallery row of a query and so cannot change the ranking; it is added back at the end.
      const dots = matmul(q, transpose(g, 0, 1));
      const score =
        metric === "cosine" ? dots : sub(mul(dots, 2), reshape(sum(square(g), 1), [1, len]));
      const top = topK(score, Math.min(k, len));
      let values = top.values;
      let indices = add(top.columns, start);
      if (best) {
        // Running best first: on a tie its (lower) gallery index wins, as in one pass.
        const merged = topK(concat([best.values, values], 1), k);
        values = merged.values;
        indices = gather(concat([best.indices, indices], 1), 1, merged.columns);
      }
      return { values, indices };
    });
    if (best) {
      best.values.dispose();
      best.indices.dispose();
    }
    best = next;
  }
  const result = best as { values: Tensor; indices: Tensor };
  if (metric === "cosine") return { indices: result.indices, values: result.values };
  const values = tidy(() =>
    sqrt(clamp(sub(reshape(sum(square(queries), 1), [queries.shape[0], 1]), result.values), 0)),
  );
  result.values.dispose();
  return { indices: result.indices, values };
}
