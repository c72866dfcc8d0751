// Exact k-nearest neighbours on the GPU: a matmul scores every query against a chunk of the
// gallery, and a top-k keeps the best k per row. The engine has no top-k kernel yet, so top-k is
// k passes of max-and-mask composed from existing ops (argmax, gather, a mask from eq, where);
// each chunk's k are merged with the running k the same way, so a gallery of any size streams
// through in chunks and only [queries, chunk] scores exist at once. Queries are cut into blocks
// too, so that no buffer (the score block, a gallery chunk) outgrows the device's
// maxStorageBufferBindingSize / maxBufferSize: 100k+ galleries run on any adapter.

import {
  add,
  arange,
  argmax,
  clamp,
  concat,
  engine,
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
  /** Gallery rows scored at once (default: from the device limits, at most 16384). */
  chunk?: number;
  /** Query rows scored at once (default: as many as keep [block, chunk] scores in one binding). */
  queryChunk?: number;
}

/** The device limits that bound one buffer, in bytes. */
export interface BufferLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** Largest gallery chunk by default: bounds the scores' memory, not only the limits. */
const DEFAULT_CHUNK = 16384;
/** Largest default score block [queries, chunk] in floats (128 MiB), for memory as well. */
const SCORE_BUDGET = 1 << 25;

/**
 * Gallery chunk and query block for q queries against m gallery rows of d floats, so that the
 * largest buffers — the [block, chunk] scores, the [chunk, d] gallery slice and the [block, d]
 * query slice — each fit one binding (and the scores 128 MiB). Throws when even one row of d
 * floats does not fit.
 */
export function knnChunks(
  limits: BufferLimits,
  q: number,
  m: number,
  d: number,
  opts: { chunk?: number; queryChunk?: number } = {},
): { chunk: number; queryChunk: number } {
  const floats = Math.floor(Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize) / 4);
  if (d > floats) throw new Error(`knn: one row of ${d} floats is over this device's buffer limit`);
  const chunk = opts.chunk ?? Math.max(1, Math.min(m, DEFAULT_CHUNK, Math.floor(floats / d)));
  const queryChunk =
    opts.queryChunk ??
    Math.max(
      1,
      Math.min(q, Math.floor(Math.min(floats, SCORE_BUDGET) / chunk), Math.floor(floats / d)),
    );
  return { chunk, queryChunk };
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
    const previous = s;
    s = where(eq(cols, at), TAKEN, s);
    // Into memory now: left lazy, the chain of wheres is fused into every later argmax's reads,
    // so pass i re-evaluates i masks (O(k²) work) and compiles a new kernel for each depth.
    engine.realise(s);
    // And the previous pass's scores freed now, not at the caller's tidy: k = 90 (t-SNE's
    // neighbours) would otherwise hold 90 copies of the score block at once.
    if (previous !== scores) previous.dispose();
  }
  return { values: concat(values, 1), columns: concat(columns, 1) };
}

/**
 * k nearest gallery rows [m, d] of each query row [q, d], exactly: queries in blocks, the gallery
 * streamed in chunks through each block (see knnChunks for the sizes).
 */
export function knn(queries: Tensor, gallery: Tensor, k: number, opts: KnnOptions = {}): KnnResult {
  const { metric = "euclidean" } = opts;
  if (queries.rank !== 2 || gallery.rank !== 2 || queries.shape[1] !== gallery.shape[1])
    throw new Error(
      `knn: queries [q, d] and gallery [m, d], got [${queries.shape}] and [${gallery.shape}]`,
    );
  const m = gallery.shape[0];
  if (!(Number.isInteger(k) && k >= 1 && k <= m))
    throw new Error(`knn: k must be an integer in [1, ${m}] (the gallery's size), got ${k}`);
  if (metric !== "euclidean" && metric !== "cosine")
    throw new Error(`knn: unknown metric "${metric}"; valid: euclidean, cosine`);
  for (const [name, v] of [
    ["chunk", opts.chunk],
    ["queryChunk", opts.queryChunk],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw new Error(`knn: ${name} must be an integer ≥ 1, got ${v}`);
  }
  const [nq, d] = queries.shape;
  const { chunk, queryChunk } = knnChunks(queries.backend.info.limits, nq, m, d, opts);
  if (queryChunk >= nq) return knnBlock(queries, gallery, k, metric, chunk);
  const parts: KnnResult[] = [];
  for (let start = 0; start < nq; start += queryChunk) {
    const block = narrow(queries, 0, start, Math.min(queryChunk, nq - start));
    parts.push(knnBlock(block, gallery, k, metric, chunk));
    block.dispose();
  }
  const out = {
    indices: concat(
      parts.map((p) => p.indices),
      0,
    ),
    values: concat(
      parts.map((p) => p.values),
      0,
    ),
  };
  for (const p of parts) {
    p.indices.dispose();
    p.values.dispose();
  }
  return out;
}

/** One block of queries against the whole gallery, streamed in chunks of `chunk` rows. */
function knnBlock(
  queries: Tensor,
  gallery: Tensor,
  k: number,
  metric: "euclidean" | "cosine",
  chunk: number,
): KnnResult {
  const m = gallery.shape[0];
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
        const both = concat([best.values, values], 1);
        const merged = topK(both, Math.min(k, both.shape[1]));
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
  if (q !== queries) q.dispose();
  if (metric === "cosine") return { indices: result.indices, values: result.values };
  const values = tidy(() =>
    sqrt(clamp(sub(reshape(sum(square(queries), 1), [queries.shape[0], 1]), result.values), 0)),
  );
  result.values.dispose();
  return { indices: result.indices, values };
}
