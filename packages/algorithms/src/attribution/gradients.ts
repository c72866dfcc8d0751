// Attributions from gradients of a class score with respect to the pixels: plain saliency
// (Simonyan et al. 2014), SmoothGrad (Smilkov et al. 2017: average over noisy copies) and
// Integrated Gradients (Sundararajan et al. 2017: average along a path from a baseline, so the
// attributions add up to the score's change). Noisy copies and path points go as one batch.

import { concat, noGrad, randn, type Tensor, tensor, tidy, valueAndGrad } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";
import { checkOneImage, classScore, targetClass } from "./score.ts";

export interface Attribution {
  /** [C, H, W]: one value per pixel and channel. */
  values: Float32Array;
  /** [H, W]: what a heatmap shows (max |value| over channels; for IG, |Σ over channels|). */
  heat: Float32Array;
  channels: number;
  height: number;
  width: number;
  target: number;
}

export interface GradientOptions {
  /** The class to explain; default the model's top class. */
  target?: number;
  /** Images per forward/backward. Default 16. */
  batchSize?: number;
}

/** Σ over the batch of ∇ z_target, for copies [B, C, H, W]: each row's own gradient, summed. */
function summedGradient(model: DreamModel, copies: Tensor, target: number): Tensor {
  const f = (xb: Tensor) => classScore(model, xb, target).sum();
  return tidy(() => valueAndGrad(f)(copies).grads[0].sum(0, true));
}

/** Mean gradient over the images `make(i)` for i < n, made and run `batch` at a time. */
async function meanGradient(
  model: DreamModel,
  n: number,
  batch: number,
  target: number,
  make: (from: number, count: number) => Tensor,
): Promise<Float32Array> {
  let total: Float32Array | undefined;
  for (let at = 0; at < n; at += batch) {
    const count = Math.min(batch, n - at);
    const g = tidy(() => summedGradient(model, make(at, count), target));
    const data = await g.data();
    g.dispose();
    if (!total) total = Float32Array.from(data);
    else for (let i = 0; i < total.length; i++) total[i] += data[i];
  }
  for (let i = 0; i < total!.length; i++) total![i] /= n;
  return total!;
}

function result(
  values: Float32Array,
  shape: [number, number, number],
  target: number,
  signed: boolean,
): Attribution {
  const [c, h, w] = shape;
  const heat = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) {
    let m = 0;
    for (let k = 0; k < c; k++) {
      const v = values[k * h * w + i];
      m = signed ? m + v : Math.max(m, Math.abs(v));
    }
    heat[i] = Math.abs(m);
  }
  return { values, heat, channels: c, height: h, width: w, target };
}

/** ∂ z_target / ∂ pixels; the heatmap is the largest |gradient| over the channels. */
export async function saliency(
  model: DreamModel,
  x: Tensor,
  o: GradientOptions = {},
): Promise<Attribution> {
  const shape = checkOneImage("saliency", x);
  const target = await targetClass(model, x, o.target);
  const g = await meanGradient(model, 1, 1, target, () => x.add(0));
  return result(g, shape, target, false);
}

export interface SmoothGradOptions extends GradientOptions {
  /** Noisy copies. Default 16. */
  samples?: number;
  /** Noise σ as a share of the image's value range (Smilkov et al. use 10–20%). Default 0.15. */
  noise?: number;
  seed?: number;
}

/** The gradient averaged over copies of x with Gaussian noise added. */
export async function smoothGrad(
  model: DreamModel,
  x: Tensor,
  o: SmoothGradOptions = {},
): Promise<Attribution> {
  const shape = checkOneImage("smoothgrad", x);
  const samples = o.samples ?? 16;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new Error(`smoothgrad: samples must be an integer ≥ 1, got ${samples}`);
  }
  const noise = o.noise ?? 0.15;
  const target = await targetClass(model, x, o.target);
  const data = await x.data();
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const sigma = noise * (hi - lo || 1);
  const seed = o.seed ?? 0;
  const g = await meanGradient(model, samples, o.batchSize ?? 16, target, (from, count) =>
    x.add(randn([count, ...x.shape.slice(1)], { std: sigma, seed: seed + from })),
  );
  return result(g, shape, target, false);
}

export interface IntegratedGradientsOptions extends GradientOptions {
  /** Points on the path (midpoint rule). Default 32. */
  steps?: number;
  /** The image the path starts from; default all zeros (black). */
  baseline?: Tensor;
}

export interface IntegratedGradients extends Attribution {
  /** z_target(x) − z_target(baseline): what the attributions should add up to. */
  delta: number;
  /** Σ attributions. */
  total: number;
}

/**
 * (x − x′) ⊙ the mean of ∇z over x′ + αₖ(x − x′), αₖ = (k + ½)/m. Completeness: Σ attributions
 * ≈ z(x) − z(x′), up to the midpoint rule's error (smaller with more steps).
 */
export async function integratedGradients(
  model: DreamModel,
  x: Tensor,
  o: IntegratedGradientsOptions = {},
): Promise<IntegratedGradients> {
  const shape = checkOneImage("integrated gradients", x);
  const steps = o.steps ?? 32;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`integrated gradients: steps must be an integer ≥ 1, got ${steps}`);
  }
  const base = o.baseline ?? tensor(new Float32Array(x.size), { shape: x.shape });
  if (base.shape.join() !== x.shape.join()) {
    throw new Error(
      `integrated gradients: the baseline [${base.shape}] must be shaped like the image [${x.shape}]`,
    );
  }
  const target = await targetClass(model, x, o.target);
  const g = await meanGradient(model, steps, o.batchSize ?? 16, target, (from, count) => {
    const alphas = Float32Array.from({ length: count }, (_, i) => (from + i + 0.5) / steps);
    const a = tensor(alphas, { shape: [count, 1, 1, 1] });
    return base.add(x.sub(base).mul(a));
  });
  const [xd, bd] = [await x.data(), await base.data()];
  const values = Float32Array.from(g, (v, i) => v * (xd[i] - bd[i]));
  const scores = noGrad(() => tidy(() => classScore(model, concat([x, base], 0), target)));
  const [zx, zb] = await scores.data();
  scores.dispose();
  if (!o.baseline) base.dispose();
  let total = 0;
  for (const v of values) total += v;
  return { ...result(values, shape, target, true), delta: zx - zb, total };
}
