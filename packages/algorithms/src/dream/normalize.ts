// Gradient normalisation for DeepDream: the raw gradient's scale varies by orders of magnitude
// between layers, octaves and images, so each step divides it by a statistic of itself.
//
// - "std": by its standard deviation (the TensorFlow DeepDream tutorial, 2019);
// - "meanAbs": by its mean absolute value (the original notebook, Mordvintsev et al. 2015);
// - "laplacian": split into a Laplacian pyramid, scale every level to unit RMS and merge (the
//   TensorFlow 1 DeepDream tutorial's lap_normalize), which boosts the low frequencies and gives
//   smoother, larger patterns; then by the standard deviation, so step sizes mean the same.

import {
  abs,
  conv2d,
  convTranspose2d,
  mean,
  sqrt,
  square,
  std,
  type Tensor,
  tensor,
} from "@sheep/tensor";

export type GradientNormalization = "std" | "meanAbs" | "laplacian";

const EPS = 1e-8;

/** The 5×5 binomial kernel (1 4 6 4 1)ᵀ(1 4 6 4 1)/256, one copy per channel (depthwise). */
function binomial(channels: number, scale: number, like: Tensor): Tensor {
  const row = [1, 4, 6, 4, 1];
  const k = row.flatMap((a) => row.map((b) => (a * b * scale) / 256));
  const data = Array.from({ length: channels }, () => k).flat();
  return tensor(data, { shape: [channels, 1, 5, 5], backend: like.backend.kind });
}

/** One level: the blurred half-size image and the detail it misses, x = up(lo) + hi. */
function split(x: Tensor): [Tensor, Tensor] {
  const c = x.shape[1];
  const lo = conv2d(x, binomial(c, 1, x), null, { stride: 2, padding: 2, groups: c });
  return [lo, x.sub(up(lo, x.shape))];
}

/** Upsample by 2 with the kernel ×4 (zeros between samples, then blur): sizes match `shape`. */
function up(lo: Tensor, shape: readonly number[]): Tensor {
  const c = lo.shape[1];
  // a stride-2 transposed conv gives 2n − 1 + outputPadding rows: pad 1 to reach an even size
  const outputPadding: [number, number] = [
    shape[2] - (2 * lo.shape[2] - 1),
    shape[3] - (2 * lo.shape[3] - 1),
  ];
  return convTranspose2d(lo, binomial(c, 4, lo), null, {
    stride: 2,
    padding: 2,
    outputPadding,
    groups: c,
  });
}

/** Laplacian-pyramid normalisation with `levels` levels (4 in the TF1 tutorial). */
export function laplacianNormalize(g: Tensor, levels = 4): Tensor {
  const his: Tensor[] = [];
  let lo = g;
  for (let i = 1; i < levels && Math.min(lo.shape[2], lo.shape[3]) >= 4; i++) {
    const [next, hi] = split(lo);
    his.push(hi);
    lo = next;
  }
  const unit = (t: Tensor) => t.div(sqrt(mean(square(t))).maximum(1e-10));
  let out = unit(lo);
  for (let i = his.length - 1; i >= 0; i--) out = up(out, his[i].shape).add(unit(his[i]));
  return out;
}

/** g scaled to unit size by the chosen statistic. */
export function normalizeGradient(g: Tensor, how: GradientNormalization, levels?: number): Tensor {
  switch (how) {
    case "std":
      return g.div(std(g).add(EPS));
    case "meanAbs":
      return g.div(mean(abs(g)).add(EPS));
    case "laplacian": {
      const l = laplacianNormalize(g, levels);
      return l.div(std(l).add(EPS));
    }
  }
}
