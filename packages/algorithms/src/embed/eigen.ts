// Eigenvectors of a small symmetric matrix on the host, in float64: what PCA needs once the GPU
// has reduced N × D data to the D × D covariance. Two methods: cyclic Jacobi (every eigenpair,
// O(D³) per sweep, exact to rounding) for small D, and subspace iteration with a Rayleigh–Ritz
// step (the top b eigenpairs, O(D² b) per step) when D is large and only a few axes are wanted.

/** Eigenpairs, largest eigenvalue first: vectors[i] is the unit eigenvector of values[i]. */
export interface Eigen {
  values: Float64Array;
  vectors: Float64Array[];
}

/**
 * Cyclic Jacobi on the symmetric n × n matrix a (row-major; not modified): rotations zero each
 * off-diagonal entry in turn until the off-diagonal mass is below tol × the total.
 */
export function jacobiEigen(a: ArrayLike<number>, n: number, tol = 1e-14, maxSweeps = 100): Eigen {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += m[i] * m[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q] ** 2;
    if (off <= tol * tol * total) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes m[p][q]: tan 2θ = 2 apq / (aqq − app), the smaller root.
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((i, j) => m[j * n + j] - m[i * n + i]);
  return {
    values: Float64Array.from(order, (i) => m[i * n + i]),
    vectors: order.map((i) =>
      canonicalSign(Float64Array.from({ length: n }, (_, k) => v[k * n + i])),
    ),
  };
}

/** The sign of an eigenvector is arbitrary: make its largest-magnitude entry positive. */
function canonicalSign(x: Float64Array): Float64Array {
  let big = 0;
  for (let i = 1; i < x.length; i++) if (Math.abs(x[i]) > Math.abs(x[big])) big = i;
  if (x[big] < 0) for (let i = 0; i < x.length; i++) x[i] = -x[i];
  return x;
}

/** Modified Gram–Schmidt on the columns, in place; a column that collapses becomes random. */
function orthonormalize(cols: Float64Array[], next: () => number): void {
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j];
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let k = 0; k < c.length; k++) dot += c[k] * cols[i][k];
        for (let k = 0; k < c.length; k++) c[k] -= dot * cols[i][k];
      }
      let norm = 0;
      for (let k = 0; k < c.length; k++) norm += c[k] * c[k];
      norm = Math.sqrt(norm);
      if (norm > 1e-12) {
        for (let k = 0; k < c.length; k++) c[k] /= norm;
        break;
      }
      for (let k = 0; k < c.length; k++) c[k] = next() - 0.5;
    }
  }
}

/**
 * The top `count` eigenpairs of the symmetric positive semi-definite n × n matrix a by subspace
 * iteration: Q ← orth(A Q) on a block of count + 8 vectors (the extra ones speed convergence
 * when eigenvalues are close), then Rayleigh–Ritz — Jacobi on the small QᵀAQ — rotates Q onto
 * the Ritz vectors. Stops when the wanted Ritz values move less than tol (relative).
 */
export function subspaceEigen(
  a: ArrayLike<number>,
  n: number,
  count: number,
  opts: { tol?: number; maxIterations?: number; seed?: number } = {},
): Eigen {
  const { tol = 1e-12, maxIterations = 1000 } = opts;
  const b = Math.min(n, count + 8);
  let state = (opts.seed ?? 1) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  let q = Array.from({ length: b }, () => Float64Array.from({ length: n }, () => next() - 0.5));
  orthonormalize(q, next);
  const times = (x: Float64Array) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * x[k];
      y[i] = s;
    }
    return y;
  };
  let last = new Float64Array(count).fill(Number.NaN);
  let ritz: Eigen = { values: new Float64Array(b), vectors: [] };
  let rotated = q;
  for (let it = 0; it < maxIterations; it++) {
    const z = q.map(times);
    // Rayleigh–Ritz on span(Q): T = Qᵀ A Q, then Q ← Q · eigvecs(T).
    const t = new Float64Array(b * b);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < b; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[i][k] * z[j][k];
        t[i * b + j] = s;
      }
    }
    for (let i = 0; i < b; i++) for (let j = 0; j < i; j++) t[i * b + j] = t[j * b + i];
    ritz = jacobiEigen(t, b);
    rotated = ritz.vectors.map((w) => {
      const y = new Float64Array(n);
      for (let i = 0; i < b; i++) for (let k = 0; k < n; k++) y[k] += w[i] * q[i][k];
      return y;
    });
    const top = ritz.values.subarray(0, count);
    const moved = Math.max(
      ...top.map((v, i) => Math.abs(v - last[i]) / Math.max(Math.abs(v), 1e-300)),
    );
    if (moved < tol) break;
    last = Float64Array.from(top);
    // The next block: A times the Ritz vectors, re-orthonormalised.
    q = rotated.map(times);
    orthonormalize(q, next);
  }
  return {
    values: ritz.values.slice(0, count),
    vectors: rotated.slice(0, count).map((v) => canonicalSign(Float64Array.from(v))),
  };
}
