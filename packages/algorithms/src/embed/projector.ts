// The embedding projector: N embeddings [N, D] to 2-D or 3-D points a person can look at.
// PCA: centring, the D × D covariance (one matmul, the O(N D²) part) and the projection run on
// the GPU; the eigenvectors of the small covariance are found on the host in float64 — cyclic
// Jacobi (all axes, exact) up to `jacobiMax` dimensions, subspace iteration with Rayleigh–Ritz
// (only the top axes) beyond. t-SNE is in tsne.ts; both are reached through project().

import { div, matmul, mean, sub, type Tensor, tensor, tidy, transpose } from "@sheep/tensor";
import { type Eigen, jacobiEigen, subspaceEigen } from "./eigen.ts";
import { type TsneOptions, type TsneProgress, tsne } from "./tsne.ts";

export interface PcaOptions {
  /** Largest D solved by full Jacobi; beyond it, subspace iteration (default 256). */
  jacobiMax?: number;
}

export interface PcaResult {
  /** [N, dims] coordinates on the principal axes (float32, on x's backend). */
  coords: Tensor;
  /** [dims][D] unit principal axes, largest variance first (largest entry positive). */
  axes: Float64Array[];
  /** The variance along each axis (eigenvalues of the covariance, divisor N − 1). */
  variances: Float64Array;
  /** Share of the total variance each axis explains. */
  explained: Float64Array;
  /** "jacobi" or "subspace": which eigen-solver ran. */
  solver: "jacobi" | "subspace";
}

/** The first `dims` principal components of the rows of x [N, D]. */
export async function pca(x: Tensor, dims: number, opts: PcaOptions = {}): Promise<PcaResult> {
  if (x.rank !== 2) throw new Error(`pca: x must be [n, d] embeddings, got [${x.shape}]`);
  const [n, d] = x.shape;
  if (n < 2) throw new Error(`pca: needs at least 2 points, got ${n}`);
  if (!(Number.isInteger(dims) && dims >= 1 && dims <= d))
    throw new Error(`pca: dims must be an integer in [1, ${d}], got ${dims}`);
  const jacobiMax = opts.jacobiMax ?? 256;
  // Cov = Xcᵀ Xc / (N − 1): the only O(N D²) step, one matmul on the device.
  const { xc, cov } = tidy(() => {
    const centred = sub(x, mean(x, 0, true));
    return { xc: centred, cov: div(matmul(transpose(centred, 0, 1), centred), n - 1) };
  });
  const c = await cov.data64();
  cov.dispose();
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) c[i * d + j] = c[j * d + i]; // exact symmetry
  const solver = d <= jacobiMax ? "jacobi" : "subspace";
  const eig: Eigen = solver === "jacobi" ? jacobiEigen(c, d) : subspaceEigen(c, d, dims);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += c[i * d + i];
  const axes = eig.vectors.slice(0, dims);
  const variances = eig.values.slice(0, dims).map((v) => Math.max(v, 0));
  const w = new Float32Array(d * dims); // [D, dims]: the axes as columns
  axes.forEach((a, j) => {
    for (let i = 0; i < d; i++) w[i * dims + j] = a[i];
  });
  const coords = tidy(() => matmul(xc, tensor(w, { shape: [d, dims], like: x })));
  xc.dispose();
  return {
    coords,
    axes,
    variances,
    explained: variances.map((v) => (trace > 0 ? v / trace : 0)),
    solver,
  };
}

export type ProjectMethod = "pca" | "tsne";

export interface ProjectOptions {
  method?: ProjectMethod;
  dims?: 2 | 3;
  pca?: PcaOptions;
  tsne?: TsneOptions;
}

export interface Projection {
  /** [N × dims] coordinates, row-major. */
  coords: Float64Array;
  dims: number;
  method: ProjectMethod;
  /** What ran, in words (solver, t-SNE variant, final KL). */
  note: string;
}

/** PCA or t-SNE of embeddings x [N, D] to `dims` (2 or 3) coordinates per point. */
export async function projectEmbeddings(
  x: Tensor,
  opts: ProjectOptions = {},
  onProgress?: (p: TsneProgress) => void | Promise<void>,
): Promise<Projection> {
  const { method = "pca", dims = 2 } = opts;
  if (dims !== 2 && dims !== 3)
    throw new Error(`projectEmbeddings: dims must be 2 or 3, got ${dims}`);
  if (method === "pca") {
    const r = await pca(x, dims, opts.pca);
    const coords = await r.coords.data64();
    r.coords.dispose();
    const pct = [...r.explained].map((e) => `${(100 * e).toFixed(1)}%`).join(", ");
    return { coords, dims, method, note: `PCA (${r.solver}); variance explained ${pct}` };
  }
  if (method === "tsne") {
    const r = await tsne(x, { ...opts.tsne, dims }, onProgress);
    return { coords: r.coords, dims, method, note: `t-SNE (${r.method}); KL ${r.kl.toFixed(3)}` };
  }
  throw new Error(`projectEmbeddings: unknown method "${method}"; valid: pca, tsne`);
}

/**
 * Trustworthiness (Venna & Kaski 2001) of a low-dimensional embedding: 1 when the k nearest
 * neighbours of every point in the embedding were also among its k nearest in the original
 * space; each intruder j is penalised by how far down i's original ranking it was:
 * T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k). Exact, O(n² log n).
 */
export function trustworthiness(
  high: ArrayLike<number>,
  highDims: number,
  low: ArrayLike<number>,
  lowDims: number,
  k: number,
): number {
  const n = high.length / highDims;
  if (low.length !== n * lowDims)
    throw new Error(`trustworthiness: ${n} points in high but ${low.length / lowDims} in low`);
  if (!(Number.isInteger(k) && k >= 1 && k < n / 2))
    throw new Error(`trustworthiness: k must be an integer in [1, n/2), got ${k}`);
  const dist = (v: ArrayLike<number>, dims: number, i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < dims; t++) s += (v[i * dims + t] - v[j * dims + t]) ** 2;
    return s;
  };
  const rank = new Int32Array(n);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const others = [...Array(n).keys()].filter((j) => j !== i);
    const dh = others.map((j) => dist(high, highDims, i, j));
    const byHigh = [...others.keys()].sort((a, b) => dh[a] - dh[b] || a - b);
    byHigh.forEach((o, r) => {
      rank[others[o]] = r + 1;
    });
    const dl = others.map((j) => dist(low, lowDims, i, j));
    const byLow = [...others.keys()].sort((a, b) => dl[a] - dl[b] || a - b).slice(0, k);
    for (const o of byLow) penalty += Math.max(0, rank[others[o]] - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}
