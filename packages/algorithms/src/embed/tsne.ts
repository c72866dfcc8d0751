// t-SNE (van der Maaten & Hinton 2008): points whose neighbours in the embedding match their
// neighbours in the original space. The affinities P come from the GPU (all pairwise distances
// for the exact method, a kNN search for Barnes–Hut), each row calibrated to the perplexity by
// binary search; the gradient loop runs on the host in float64 — exact O(N²) for small N, or
// Barnes–Hut (van der Maaten 2014) with a quad/octree and θ = 0.5 beyond `exactMax`, no cap on N.

import { type Tensor, tidy } from "@sheep/tensor";
import { rng } from "../common/rng.ts";
import { squaredDistances } from "./distances.ts";
import { knn } from "./knn.ts";
import { SpaceTree } from "./tsne-tree.ts";

export interface TsneOptions {
  dims?: 2 | 3;
  /** The effective number of neighbours each point's P row spreads over (default 30). */
  perplexity?: number;
  iterations?: number;
  /** "auto" (default): max(N / exaggeration / 4, 50), Belkina et al. 2019. */
  learningRate?: number | "auto";
  /** P is multiplied by this for the first exaggerationIterations (default 12 for 250). */
  exaggeration?: number;
  exaggerationIterations?: number;
  /** Barnes–Hut's opening angle (default 0.5). */
  theta?: number;
  /** "auto": exact up to exactMax points (default 1000), Barnes–Hut beyond. */
  method?: "auto" | "exact" | "barnes-hut";
  exactMax?: number;
  seed?: number;
  /** Report progress (and KL) every this many iterations (default 50). */
  every?: number;
}

export interface TsneProgress {
  iteration: number;
  iterations: number;
  /** KL(P ‖ Q) at this iteration (with the exaggerated P during early exaggeration). */
  kl: number;
}

export interface TsneResult {
  coords: Float64Array;
  dims: number;
  method: "exact" | "barnes-hut";
  kl: number;
}

/** A sparse symmetric P: row i's columns cols[rowStart[i] … rowStart[i+1]) with values val. */
interface SparseP {
  rowStart: Int32Array;
  cols: Int32Array;
  val: Float64Array;
}

/**
 * p_{j|i} ∝ exp(−β d²ᵢⱼ) over the given neighbours, with β found by bisection so that the
 * entropy H = log(perplexity) (natural log). Writes the row into out.
 */
export function calibrateRow(d2: ArrayLike<number>, perplexity: number, out: Float64Array): number {
  const target = Math.log(perplexity);
  let beta = 1;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  // Distances shifted by the smallest: the same P, no underflow of every exp for far points.
  let dmin = Number.POSITIVE_INFINITY;
  for (let j = 0; j < d2.length; j++) dmin = Math.min(dmin, d2[j]);
  for (let iter = 0; iter < 200; iter++) {
    let sum = 0;
    let dot = 0;
    for (let j = 0; j < d2.length; j++) {
      const p = Math.exp(-beta * (d2[j] - dmin));
      out[j] = p;
      sum += p;
      dot += p * (d2[j] - dmin);
    }
    const h = Math.log(sum) + (beta * dot) / sum; // entropy of the normalised row
    for (let j = 0; j < d2.length; j++) out[j] /= sum;
    if (Math.abs(h - target) < 1e-5) break;
    if (h > target) {
      lo = beta;
      beta = hi === Number.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  return beta;
}

/** Symmetric P = (P_{j|i} + P_{i|j}) / 2N from conditional rows over neighbour lists. */
function symmetrize(n: number, nbr: Int32Array[], cond: Float64Array[]): SparseP {
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < nbr[i].length; t++) {
      const j = nbr[i][t];
      const v = cond[i][t] / (2 * n);
      rows[i].set(j, (rows[i].get(j) ?? 0) + v);
      rows[j].set(i, (rows[j].get(i) ?? 0) + v);
    }
  }
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + rows[i].size;
  const cols = new Int32Array(rowStart[n]);
  const val = new Float64Array(rowStart[n]);
  rows.forEach((r, i) => {
    let at = rowStart[i];
    for (const [j, v] of r) {
      cols[at] = j;
      val[at++] = v;
    }
  });
  return { rowStart, cols, val };
}

/** P over all pairs (exact method): one [N, N] distance matrix from the GPU. */
async function exactP(x: Tensor, perplexity: number): Promise<SparseP> {
  const n = x.shape[0];
  const d = tidy(() => squaredDistances(x));
  const d2 = await d.data64();
  d.dispose();
  const nbr = Array.from({ length: n }, (_, i) =>
    Int32Array.from({ length: n - 1 }, (_, t) => (t < i ? t : t + 1)),
  );
  const cond = nbr.map((row, i) => {
    const out = new Float64Array(row.length);
    calibrateRow(
      Array.from(row, (j) => d2[i * n + j]),
      perplexity,
      out,
    );
    return out;
  });
  return symmetrize(n, nbr, cond);
}

/** P over each point's ⌊3 · perplexity⌋ nearest neighbours, found by GPU kNN (Barnes–Hut). */
async function sparseP(x: Tensor, perplexity: number): Promise<SparseP> {
  const n = x.shape[0];
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const r = knn(x, x, k + 1);
  const [idx, dist] = [await r.indices.data(), await r.values.data64()];
  r.indices.dispose();
  r.values.dispose();
  const nbr: Int32Array[] = [];
  const cond: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    // The point itself is among its k + 1 nearest (distance 0), unless duplicates displaced it.
    const row = [...Array(k + 1).keys()].filter((t) => idx[i * (k + 1) + t] !== i).slice(0, k);
    nbr.push(Int32Array.from(row, (t) => idx[i * (k + 1) + t]));
    const out = new Float64Array(k);
    calibrateRow(
      row.map((t) => dist[i * (k + 1) + t] ** 2),
      perplexity,
      out,
    );
    cond.push(out);
  }
  return symmetrize(n, nbr, cond);
}

/**
 * The gradient ∂KL/∂y into grad and KL(P‖Q) returned: 4 Σⱼ (pᵢⱼ − qᵢⱼ) wᵢⱼ (yᵢ − yⱼ) with
 * wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²) and qᵢⱼ = wᵢⱼ / Z: an attractive part over P's non-zeros and a
 * repulsive part over all pairs — exact, or through the tree when tree is given.
 */
function gradient(
  y: Float64Array,
  n: number,
  dims: number,
  p: SparseP,
  exaggeration: number,
  theta: number | null,
  grad: Float64Array,
): number {
  const rep = new Float64Array(n * dims);
  let z = 0;
  if (theta === null) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let d2 = 0;
        for (let t = 0; t < dims; t++) d2 += (y[i * dims + t] - y[j * dims + t]) ** 2;
        const w = 1 / (1 + d2);
        z += 2 * w;
        for (let t = 0; t < dims; t++) {
          const f = w * w * (y[i * dims + t] - y[j * dims + t]);
          rep[i * dims + t] += f;
          rep[j * dims + t] -= f;
        }
      }
    }
  } else {
    const tree = new SpaceTree(y, n, dims as 2 | 3);
    const f = new Float64Array(dims);
    for (let i = 0; i < n; i++) {
      f.fill(0);
      z += tree.repulsion(i, theta, f);
      for (let t = 0; t < dims; t++) rep[i * dims + t] = f[t];
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < dims; t++) grad[i * dims + t] = -rep[i * dims + t] / z;
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
      const j = p.cols[e];
      let d2 = 0;
      for (let t = 0; t < dims; t++) d2 += (y[i * dims + t] - y[j * dims + t]) ** 2;
      const w = 1 / (1 + d2);
      const pij = exaggeration * p.val[e];
      for (let t = 0; t < dims; t++)
        grad[i * dims + t] += pij * w * (y[i * dims + t] - y[j * dims + t]);
      kl += pij * Math.log(Math.max(pij, 1e-300) / Math.max(w / z, 1e-300));
    }
    for (let t = 0; t < dims; t++) grad[i * dims + t] *= 4;
  }
  return kl;
}

/** t-SNE of the rows of x [N, D] (float32 on any backend) to dims coordinates per point. */
export async function tsne(
  x: Tensor,
  opts: TsneOptions = {},
  onProgress?: (p: TsneProgress) => void | Promise<void>,
): Promise<TsneResult> {
  if (x.rank !== 2) throw new Error(`tsne: x must be [n, d] embeddings, got [${x.shape}]`);
  const n = x.shape[0];
  const { dims = 2, perplexity = 30, iterations = 1000, exaggeration = 12 } = opts;
  const { exaggerationIterations = 250, theta = 0.5, exactMax = 1000, seed = 0 } = opts;
  const every = opts.every ?? 50;
  if (dims !== 2 && dims !== 3) throw new Error(`tsne: dims must be 2 or 3, got ${dims}`);
  if (n < 4) throw new Error(`tsne: needs at least 4 points, got ${n}`);
  if (!(perplexity >= 1 && 3 * perplexity < n))
    throw new Error(
      `tsne: perplexity must be in [1, (n − 1) / 3) = [1, ${((n - 1) / 3).toFixed(1)}), got ${perplexity}`,
    );
  if (!(Number.isInteger(iterations) && iterations >= 1))
    throw new Error(`tsne: iterations must be an integer ≥ 1, got ${iterations}`);
  if (!(theta > 0 && theta < 2)) throw new Error(`tsne: theta must be in (0, 2), got ${theta}`);
  const method =
    opts.method === "exact" || (opts.method !== "barnes-hut" && n <= exactMax)
      ? "exact"
      : "barnes-hut";
  const p = method === "exact" ? await exactP(x, perplexity) : await sparseP(x, perplexity);
  const lr =
    opts.learningRate === undefined || opts.learningRate === "auto"
      ? Math.max(n / exaggeration / 4, 50)
      : opts.learningRate;
  if (!(lr > 0)) throw new Error(`tsne: learningRate must be > 0, got ${lr}`);

  const r = rng(seed);
  // Small Gaussian start (σ = 1e-4), as in the paper: Box–Muller from the seeded generator.
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  const y = Float64Array.from({ length: n * dims }, () => 1e-4 * gauss());
  const grad = new Float64Array(n * dims);
  const update = new Float64Array(n * dims);
  const gains = new Float64Array(n * dims).fill(1);
  let kl = Number.NaN;
  for (let it = 0; it < iterations; it++) {
    const early = it < exaggerationIterations;
    kl = gradient(y, n, dims, p, early ? exaggeration : 1, method === "exact" ? null : theta, grad);
    const momentum = early ? 0.5 : 0.8;
    for (let e = 0; e < n * dims; e++) {
      // Delta-bar-delta gains (Jacobs 1988): grow a step that keeps its direction, shrink one
      // that flips; the update is a descent step with momentum.
      gains[e] =
        Math.sign(grad[e]) !== Math.sign(update[e])
          ? gains[e] + 0.2
          : Math.max(gains[e] * 0.8, 0.01);
      update[e] = momentum * update[e] - lr * gains[e] * grad[e];
      y[e] += update[e];
    }
    // Re-centre: the objective ignores translation, and drift would only cost precision.
    for (let t = 0; t < dims; t++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += y[i * dims + t];
      m /= n;
      for (let i = 0; i < n; i++) y[i * dims + t] -= m;
    }
    if (onProgress && ((it + 1) % every === 0 || it + 1 === iterations))
      await onProgress({ iteration: it + 1, iterations, kl });
  }
  return { coords: y, dims, method, kl };
}
