// Colour preservation for style transfer, the two ways of Gatys, Bethge, Hertzmann & Shechtman,
// "Preserving Color in Neural Artistic Style Transfer" (2016):
//
// - luminance-only transfer: run the transfer on luminance alone (content's Y, and each style's
//   Y matched to the content's mean and spread), then put the content's chroma back: YIQ, the
//   NTSC space, whose I and Q carry the colour;
// - colour matching: move the style image's colours onto the content's before the transfer, by
//   the affine map x' = A(x − μ_s) + μ_c with A = Σ_c^½ Σ_s^−½ (means and 3 × 3 covariances of
//   the pixels; symmetric square roots, the paper's "image analogies" choice), so that the
//   style's colour histogram has the content's mean and covariance.

import { conv2d, mean, type Tensor, tensor } from "@sheep/tensor";

/** RGB → YIQ (FCC NTSC coefficients), rows Y, I, Q. */
export const RGB_TO_YIQ = [
  [0.299, 0.587, 0.114],
  [0.595716, -0.274453, -0.321263],
  [0.211456, -0.522591, 0.311135],
];

type M3 = number[][];

function invert3(m: M3): M3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-12) throw new Error("colour: a singular 3 × 3 matrix");
  const adj = [
    [e * i - f * h, c * h - b * i, b * f - c * e],
    [f * g - d * i, a * i - c * g, c * d - a * f],
    [d * h - e * g, b * g - a * h, a * e - b * d],
  ];
  return adj.map((row) => row.map((v) => v / det));
}

const mul3 = (a: M3, b: M3): M3 =>
  a.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));

/** out[c] = Σ_d m[c][d]·x[d] (+ bias[c]) at every pixel: a 1 × 1 convolution. */
export function mixChannels(x: Tensor, m: M3, bias?: number[]): Tensor {
  const backend = x.backend.kind;
  const w = tensor(m.flat(), { shape: [3, 3, 1, 1], backend });
  return conv2d(x, w, bias ? tensor(bias, { backend }) : null);
}

export const rgbToYiq = (x: Tensor) => mixChannels(x, RGB_TO_YIQ);
export const yiqToRgb = (x: Tensor) => mixChannels(x, invert3(RGB_TO_YIQ));

/** Mean and covariance of an image's pixels (3 and 3 × 3), read back. */
export async function colourStats(x: Tensor): Promise<{ mu: number[]; cov: M3 }> {
  const flat = x.reshape(3, -1);
  const muT = mean(flat, 1, true);
  const d = flat.sub(muT);
  const covT = d.matmul(d.T).div(flat.shape[1]);
  const [mu, cov] = [await muT.data(), await covT.data()];
  for (const t of [muT, covT]) t.dispose();
  return { mu: [...mu], cov: [0, 1, 2].map((i) => [0, 1, 2].map((j) => cov[3 * i + j])) };
}

/** Eigen-decomposition of a symmetric 3 × 3 matrix by Jacobi rotations: A = V·diag(λ)·Vᵀ. */
export function symmetricEigen(a: M3): { values: number[]; vectors: M3 } {
  const A = a.map((r) => [...r]);
  const V: M3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = A[0][1] ** 2 + A[0][2] ** 2 + A[1][2] ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      if (Math.abs(A[p][q]) < 1e-300) continue;
      // the rotation angle that zeroes A[p][q]
      const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const [akp, akq] = [A[k][p], A[k][q]];
        A[k][p] = c * akp - s * akq;
        A[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const [apk, aqk] = [A[p][k], A[q][k]];
        A[p][k] = c * apk - s * aqk;
        A[q][k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const [vkp, vkq] = [V[k][p], V[k][q]];
        V[k][p] = c * vkp - s * vkq;
        V[k][q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [A[0][0], A[1][1], A[2][2]], vectors: V };
}

/** Σ^power for a symmetric positive semi-definite Σ (eigenvalues floored at `eps`). */
export function symmetricPower(cov: M3, power: number, eps = 1e-8): M3 {
  const { values, vectors: V } = symmetricEigen(cov);
  const d = values.map((l) => Math.max(l, eps) ** power);
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map(
      (j) => V[i][0] * d[0] * V[j][0] + V[i][1] * d[1] * V[j][1] + V[i][2] * d[2] * V[j][2],
    ),
  );
}

/**
 * The style image with the content's colour mean and covariance: x' = A(x − μ_s) + μ_c,
 * A = Σ_c^½ Σ_s^−½. Clamped to [0, 1] (a few pixels may leave the range).
 */
export async function matchColours(style: Tensor, content: Tensor): Promise<Tensor> {
  const s = await colourStats(style);
  const c = await colourStats(content);
  const A = mul3(symmetricPower(c.cov, 0.5), symmetricPower(s.cov, -0.5));
  const bias = [0, 1, 2].map((i) => c.mu[i] - A[i].reduce((t, v, k) => t + v * s.mu[k], 0));
  return mixChannels(style, A, bias).clamp(0, 1);
}

/** The image's luminance Y as a grey RGB image [1, 3, H, W]. */
export function luminanceImage(x: Tensor): Tensor {
  const y = RGB_TO_YIQ[0];
  return mixChannels(x, [y, y, y]);
}

/**
 * Luminance-only inputs: the content's Y, and the style's Y moved to the content's mean and
 * standard deviation (eq. 1 of the paper), both as grey RGB images.
 */
export async function luminanceInputs(content: Tensor, style: Tensor): Promise<Tensor> {
  const stats = async (x: Tensor) => {
    const l = luminanceImage(x).reshape(-1);
    const [m, v] = [l.mean(), l.variance(undefined, { correction: 0 })];
    const out = [await m.item(), Math.sqrt(await v.item())];
    for (const t of [l, m, v]) t.dispose();
    return out;
  };
  const [mc, sc] = await stats(content);
  const [ms, ss] = await stats(style);
  const k = ss > 1e-8 ? sc / ss : 1;
  return luminanceImage(style).sub(ms).mul(k).add(mc).clamp(0, 1);
}

/** The luminance of `out` with the chroma (I, Q) of `content`, back in RGB, clamped to [0, 1]. */
export function withChromaOf(out: Tensor, content: Tensor): Tensor {
  const yiqOut = rgbToYiq(out);
  const yiqContent = rgbToYiq(content);
  const mixed = yiqOut.mul(tensor([1, 0, 0], { shape: [1, 3, 1, 1], backend: out.backend.kind }));
  const chroma = yiqContent.mul(
    tensor([0, 1, 1], { shape: [1, 3, 1, 1], backend: out.backend.kind }),
  );
  return yiqToRgb(mixed.add(chroma)).clamp(0, 1);
}
