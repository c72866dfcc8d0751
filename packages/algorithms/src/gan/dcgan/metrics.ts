// Sample-quality scores for generators, on feature vectors (rows of a classifier layer, see
// features.ts): FID, KID, the Inception score and precision/recall. Host float64: these are
// small matrices (n ≤ 10⁴ rows of d ≤ 784), and the matrix square root comes from ml-matrix's
// symmetric eigendecomposition (JAMA's tred2/tql2), a well-kept library, not our own.

import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/** n feature vectors of d dimensions, row-major. */
export interface Features {
  data: Float64Array | Float32Array;
  n: number;
  d: number;
}

export function features(data: Float64Array | Float32Array, n: number, d: number): Features {
  if (data.length !== n * d) throw new Error(`features: ${data.length} values for ${n} × ${d}`);
  return { data, n, d };
}

/** Mean vector and covariance (divided by n − 1, as numpy's cov and the reference FID code). */
export function meanCov(f: Features): { mu: Float64Array; cov: Matrix } {
  const { data, n, d } = f;
  if (n < 2) throw new Error(`meanCov: needs at least 2 samples, got ${n}`);
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j] / n;
  const centred = new Matrix(n, d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) centred.set(i, j, data[i * d + j] - mu[j]);
  const cov = centred
    .transpose()
    .mmul(centred)
    .div(n - 1);
  return { mu, cov };
}

/** √S of a symmetric positive semi-definite S: V·diag(√max(λ, 0))·Vᵀ. */
export function sqrtPsd(s: Matrix): Matrix {
  const e = new EigenvalueDecomposition(s, { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  const root = Matrix.diag(e.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0))));
  return v.mmul(root).mmul(v.transpose());
}

/**
 * The Fréchet distance between two Gaussians (Heusel et al. 2017):
 *   ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½)
 * tr (Σ₁Σ₂)^½ = tr (Σ₁^½ Σ₂ Σ₁^½)^½: the second matrix is symmetric PSD (Σ₁Σ₂ is similar to it),
 * so both roots are symmetric eigendecompositions — no complex parts to discard.
 */
export function frechetDistance(
  a: { mu: Float64Array; cov: Matrix },
  b: { mu: Float64Array; cov: Matrix },
): number {
  let dm = 0;
  for (let j = 0; j < a.mu.length; j++) dm += (a.mu[j] - b.mu[j]) ** 2;
  const r = sqrtPsd(a.cov);
  const middle = r.mmul(b.cov).mmul(r);
  const sym = middle.add(middle.transpose()).div(2); // symmetric up to rounding: make it exact
  const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const trRoot = e.realEigenvalues.reduce((s, l) => s + Math.sqrt(Math.max(l, 0)), 0);
  return Math.max(0, dm + a.cov.trace() + b.cov.trace() - 2 * trRoot);
}

/** FID between two feature sets (same layer, same d). */
export function fid(real: Features, fake: Features): number {
  sameDim("fid", real, fake);
  return frechetDistance(meanCov(real), meanCov(fake));
}

function sameDim(what: string, a: Features, b: Features): void {
  if (a.d !== b.d) throw new Error(`${what}: feature sizes differ (${a.d} and ${b.d})`);
}

function dot(a: Features, i: number, b: Features, j: number): number {
  let s = 0;
  for (let k = 0; k < a.d; k++) s += a.data[i * a.d + k] * b.data[j * b.d + k];
  return s;
}

/**
 * KID (Bińkowski et al. 2018): the unbiased estimate of MMD² with the cubic polynomial kernel
 * k(x, y) = (xᵀy / d + 1)³,
 *   1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ k(xᵢ, yⱼ)
 * Unbiased, so it can be negative when the sets match; averaged over `subsets` random subsets
 * of `size` (the reference code's 100 × 1000), reported with the spread between them.
 */
export function kid(
  real: Features,
  fake: Features,
  o: { subsets?: number; size?: number; seed?: number } = {},
): { mean: number; std: number } {
  sameDim("kid", real, fake);
  const size = Math.min(o.size ?? 1000, real.n, fake.n);
  if (size < 2) throw new Error(`kid: needs at least 2 samples per set, got ${size}`);
  const subsets = o.subsets ?? 10;
  let state = (o.seed ?? 1) >>> 0;
  const pick = (n: number) => {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const j = state % (i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.subarray(0, size);
  };
  const k = (a: Features, i: number, b: Features, j: number) => (dot(a, i, b, j) / a.d + 1) ** 3;
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const x = pick(real.n);
    const y = pick(fake.n);
    let kxx = 0;
    let kyy = 0;
    let kxy = 0;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        if (i !== j) {
          kxx += k(real, x[i], real, x[j]);
          kyy += k(fake, y[i], fake, y[j]);
        }
        kxy += k(real, x[i], fake, y[j]);
      }
    }
    const m = size;
    values.push(kxx / (m * (m - 1)) + kyy / (m * (m - 1)) - (2 * kxy) / (m * m));
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { mean, std };
}

/**
 * The Inception score (Salimans et al. 2016): exp E_x KL(p(y|x) ‖ p(y)), from class
 * probabilities (rows of softmax outputs). Its pitfalls (Barratt & Sharma 2018): it never looks
 * at real data, so a generator that makes one perfect image per class scores the maximum (the
 * number of classes) while missing all variety within a class; it depends on the classifier's
 * weights, so scores from different networks (here: our small classifiers, not Inception v3)
 * cannot be compared; and it rewards confident classification, not realism.
 */
export function inceptionScore(probs: Features): number {
  const { data, n, d } = probs;
  const marginal = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) marginal[c] += data[i * d + c] / n;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const p = data[i * d + c];
      if (p > 0) kl += (p * Math.log(p / Math.max(marginal[c], 1e-300))) / n;
    }
  }
  return Math.exp(kl);
}

function sqDist(a: Features, i: number, b: Features, j: number): number {
  let s = 0;
  for (let k = 0; k < a.d; k++) s += (a.data[i * a.d + k] - b.data[j * b.d + k]) ** 2;
  return s;
}

/** Each sample's squared distance to its k-th nearest neighbour in its own set. */
function kthRadii(f: Features, k: number): Float64Array {
  const out = new Float64Array(f.n);
  const row = new Float64Array(f.n);
  for (let i = 0; i < f.n; i++) {
    for (let j = 0; j < f.n; j++) row[j] = sqDist(f, i, f, j);
    // The sample itself is at distance 0, so the k-th neighbour is the (k + 1)-th smallest.
    out[i] = Float64Array.from(row).sort()[k];
  }
  return out;
}

/** The fraction of `probe` samples inside some manifold ball (centre i, squared radius r[i]). */
function covered(manifold: Features, radii: Float64Array, probe: Features): number {
  let hit = 0;
  for (let i = 0; i < probe.n; i++) {
    for (let j = 0; j < manifold.n; j++) {
      if (sqDist(probe, i, manifold, j) <= radii[j]) {
        hit++;
        break;
      }
    }
  }
  return hit / probe.n;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): the real manifold is the union of
 * balls around each real sample reaching its k-th nearest real neighbour (the paper's k = 3);
 * precision is the share of generated samples inside it (quality), recall the share of real
 * samples inside the generated manifold built the same way (coverage).
 */
export function precisionRecall(
  real: Features,
  fake: Features,
  k = 3,
): { precision: number; recall: number } {
  sameDim("precisionRecall", real, fake);
  if (!Number.isInteger(k) || k < 1 || k >= Math.min(real.n, fake.n)) {
    throw new Error(
      `precisionRecall: k ${k} must be an integer in [1, ${Math.min(real.n, fake.n) - 1}]`,
    );
  }
  return {
    precision: covered(real, kthRadii(real, k), fake),
    recall: covered(fake, kthRadii(fake, k), real),
  };
}
