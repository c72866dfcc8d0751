// The Fourier parameterisation (Olah et al., Distill 2017; Mordvintsev et al., "Differentiable
// Image Parameterizations", Distill 2018): optimise the image's spectrum, scaled by 1/frequency,
// instead of its pixels. Gradient steps then change all frequencies about equally in the image,
// instead of mostly the highest ones, and the high-frequency noise of naive visualisations fades.
//
// The inverse real 2-D DFT is written as four matrix products with cosine and sine tables, so
// the engine's matmul and its gradient do all the work. Fine at the sizes used here (≤ 512²).

import { matmul, reshape, type Tensor, tensor, transpose } from "@sheep/tensor";

/** Spectrum columns of a real signal of width w: 0 … ⌊w/2⌋. */
export const halfWidth = (w: number) => Math.floor(w / 2) + 1;

/** numpy.fft.fftfreq: k/n for k < n/2, (k − n)/n after (cycles per pixel). */
function freq(k: number, n: number): number {
  return (k < (n + 1) / 2 ? k : k - n) / n;
}

/**
 * Per-coefficient scale 1/max(f, 1/max(h, w))^decay for the [h, ⌊w/2⌋+1] half spectrum,
 * f = √(fy² + fx²): the 1/f spectrum of natural images (decay 1).
 */
export function spectrumScale(h: number, w: number, decay = 1): Float32Array {
  const kx = halfWidth(w);
  const out = new Float32Array(h * kx);
  const floor = 1 / Math.max(h, w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < kx; x++) {
      out[y * kx + x] = 1 / Math.max(Math.hypot(freq(y, h), x / w), floor) ** decay;
    }
  }
  return out;
}

export interface DftTables {
  /** [h, h]: cos and sin of 2π·y·ky/h (the inverse complex DFT along rows). */
  cosY: Tensor;
  sinY: Tensor;
  /** [⌊w/2⌋+1, w]: c_kx·cos and c_kx·sin of 2π·kx·x/w, over √(h·w). */
  cosX: Tensor;
  sinX: Tensor;
}

/**
 * Tables for irfft2 at h × w. Each column kx of the half spectrum stands for itself and its
 * mirror −kx, so it counts twice (c_kx = 2), except kx = 0 and, for even w, kx = w/2 (c = 1).
 * Scaling by 1/√(h·w) keeps an image's variance near its spectrum's.
 */
export function dftTables(h: number, w: number, backend?: "webgpu" | "cpu"): DftTables {
  const kx = halfWidth(w);
  const cy = new Float32Array(h * h);
  const sy = new Float32Array(h * h);
  for (let y = 0; y < h; y++) {
    for (let k = 0; k < h; k++) {
      const a = (2 * Math.PI * ((y * k) % h)) / h;
      cy[y * h + k] = Math.cos(a);
      sy[y * h + k] = Math.sin(a);
    }
  }
  const cx = new Float32Array(kx * w);
  const sx = new Float32Array(kx * w);
  const norm = 1 / Math.sqrt(h * w);
  for (let k = 0; k < kx; k++) {
    const c = k === 0 || 2 * k === w ? 1 : 2;
    for (let x = 0; x < w; x++) {
      const a = (2 * Math.PI * ((k * x) % w)) / w;
      cx[k * w + x] = c * norm * Math.cos(a);
      sx[k * w + x] = c * norm * Math.sin(a);
    }
  }
  const t = (d: Float32Array, shape: number[]) => tensor(d, { shape, backend });
  return { cosY: t(cy, [h, h]), sinY: t(sy, [h, h]), cosX: t(cx, [kx, w]), sinX: t(sx, [kx, w]) };
}

/**
 * The real image [..., h, w] whose half spectrum is re + i·im ([..., h, ⌊w/2⌋+1]), as
 * numpy.fft.irfft2 up to the √(h·w) scale. With the row DFT F = C_y + i·S_y (symmetric
 * matrices) applied along h and the column tables along w, in either order:
 *   P = re·C_x − im·S_x,  Q = im·C_x + re·S_x   (along w: plain matmuls over all rows)
 *   out = C_y·P − S_y·Q                          (along h: on the transposed planes)
 * The sine columns of the self-mirrored frequencies are zero, so, like numpy, the imaginary
 * parts there drop out. Everything is a 2-D matmul: the engine's fastest shape.
 */
export function irfft2(re: Tensor, im: Tensor, t: DftTables): Tensor {
  const lead = re.shape.slice(0, -2);
  const [h, kx] = re.shape.slice(-2);
  const w = t.cosX.shape[1];
  const rows = (x: Tensor) => reshape(x, [-1, kx]);
  const P = matmul(rows(re), t.cosX).sub(matmul(rows(im), t.sinX));
  const Q = matmul(rows(im), t.cosX).add(matmul(rows(re), t.sinX));
  // [L·h, w] → [L·w, h]: the h axis last, so the row DFT is a matmul from the right
  const cols = (x: Tensor) =>
    reshape(transpose(reshape(x, [-1, h, w]), 1, 2).contiguous(), [-1, h]);
  const out = matmul(cols(P), t.cosY).sub(matmul(cols(Q), t.sinY));
  return reshape(transpose(reshape(out, [-1, w, h]), 1, 2).contiguous(), [...lead, h, w]);
}
