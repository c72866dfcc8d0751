// Decorrelated colour (Olah et al., "Feature Visualization", Distill 2017): optimise three
// uncorrelated channels and mix them into RGB with a square root of ImageNet's colour covariance,
// so a step in any parameter moves the image along a direction natural images actually vary in.
//
// The covariance comes from the principal components of ImageNet's RGB values that Krizhevsky
// et al. (2012) used for their colour augmentation, as published with fb.resnet.torch (pixel
// values in [0, 1]): Σ = V·diag(λ)·Vᵀ. We take its Cholesky factor L (L·Lᵀ = Σ), scaled so its
// largest column has unit norm, as the mixing matrix.

import { conv2d, type Tensor, tensor } from "@sheep/tensor";

/** Eigenvalues of ImageNet's RGB covariance, largest (brightness) first. */
const EIGENVALUES = [0.2175, 0.0188, 0.0045];
/** Their eigenvectors, one per column (R, G, B rows). */
const EIGENVECTORS = [
  [-0.5675, 0.7192, 0.4009],
  [-0.5808, -0.0045, -0.814],
  [-0.5836, -0.6948, 0.4203],
];

/** Σ = V·diag(λ)·Vᵀ, 3 × 3. */
export function imagenetColourCovariance(): number[][] {
  const V = EIGENVECTORS;
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => EIGENVALUES.reduce((s, l, k) => s + V[i][k] * l * V[j][k], 0)),
  );
}

/** The lower-triangular L with L·Lᵀ = A (Cholesky–Banachiewicz, row by row). */
export function cholesky(A: readonly (readonly number[])[]): number[][] {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error("cholesky: the matrix is not positive definite");
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** The colour-mixing matrix: Cholesky factor of Σ over its largest column norm. */
export function colourMixing(): number[][] {
  const L = cholesky(imagenetColourCovariance());
  const norms = [0, 1, 2].map((j) => Math.hypot(L[0][j], L[1][j], L[2][j]));
  const top = Math.max(...norms);
  return L.map((row) => row.map((v) => v / top));
}

/** rgb[c] = Σ_d M[c][d]·x[d] at every pixel: a 1×1 convolution with M as its weight. */
export function decorrelate(x: Tensor): Tensor {
  const M = colourMixing();
  const w = tensor(M.flat(), { shape: [3, 3, 1, 1], backend: x.backend.kind });
  return conv2d(x, w);
}
