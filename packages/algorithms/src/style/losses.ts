// The three losses of Gatys-style transfer (Gatys, Ecker & Bethge, "Image Style Transfer Using
// Convolutional Neural Networks", CVPR 2016), each a composition of tensor ops:
//
// - content: the mean squared difference between the image's features at one layer and the
//   content photo's, mean((F − P)²) (neural-style's MSECriterion);
// - style, per layer: the squared distance between Gram matrices. We always compare Grams per
//   position, Ĝ = F·Fᵀ / M (M = h·w positions), so a style image of any size can be compared
//   with an output of any size; the usual normalisations are then one factor on Σ(Ĝ − Â)²:
//     "gatys"        E = Σ(G − A)² / (4 C² M²)      = Σ(Ĝ − Â)² / (4 C²)   (the paper, eq. 4)
//     "johnson"      ‖G/(CM) − A/(CM)‖²_F           = Σ(Ĝ − Â)² / C²        (Johnson et al. 2016)
//     "neural-style" mean over C² of (G/(CM) − A/(CM))² = Σ(Ĝ − Â)² / C⁴  (jcjohnson/neural-style,
//                    also the PyTorch tutorial: G/(a·b·c·d), then mse_loss)
// - total variation: ½·Σ(dx² + dy²) of the image in 0–255 units, the function whose gradient
//   neural-style's TVLoss computes (so its default weight 1e-3 means the same here).

import { gram, narrow, resize2d, sum, type Tensor } from "@sheep/tensor";

export type GramNormalization = "gatys" | "johnson" | "neural-style";

export const GRAM_NORMALIZATIONS: readonly GramNormalization[] = [
  "gatys",
  "johnson",
  "neural-style",
];

/** The factor k with E = k·Σ(Ĝ − Â)² for a layer of C channels (see the file's header). */
export function gramFactor(norm: GramNormalization, channels: number): number {
  const c2 = channels * channels;
  if (norm === "gatys") return 1 / (4 * c2);
  if (norm === "johnson") return 1 / c2;
  if (norm === "neural-style") return 1 / (c2 * c2);
  throw new Error(`unknown Gram normalisation "${norm}" (${GRAM_NORMALIZATIONS.join(", ")})`);
}

/**
 * Σ over positions of f·fᵀ divided by `positions` ([1, C, C]): the per-position Gram when f holds
 * every position, one tile's exact share of it when f holds a tile's core. A mask ([1, 1, h, w],
 * weights in [0, 1]) weighs each position; `positions` is then the mask's sum.
 */
export function gramPart(f: Tensor, positions: number, mask?: Tensor): Tensor {
  return gram(mask ? f.mul(mask) : f, { normalize: positions });
}

/** One layer's style loss k·Σ(Ĝ − Â)², with Ĝ and Â per-position Grams [1, C, C]. */
export function styleLayerLoss(g: Tensor, a: Tensor, norm: GramNormalization): Tensor {
  return sum(g.sub(a).square()).mul(gramFactor(norm, g.shape[1]));
}

/** Σ(F − P)² of one tile's features (divide by C·M of the whole image for the mean). */
export function contentPart(f: Tensor, p: Tensor): Tensor {
  return sum(f.sub(p).square());
}

/** ½·Σ(dx² + dy²) of x ([1, 3, H, W] in [0, 1]) measured in 0–255 levels. */
export function totalVariation(x: Tensor): Tensor {
  const [h, w] = [x.shape[2], x.shape[3]];
  const dx = narrow(x, 3, 1, w - 1).sub(narrow(x, 3, 0, w - 1));
  const dy = narrow(x, 2, 1, h - 1).sub(narrow(x, 2, 0, h - 1));
  return sum(dx.square())
    .add(sum(dy.square()))
    .mul(0.5 * 255 * 255);
}

/** A mask [1, 1, H, W] brought to a layer's h × w (bilinear: each position's share of it). */
export function maskAt(mask: Tensor, h: number, w: number): Tensor {
  return mask.shape[2] === h && mask.shape[3] === w ? mask : resize2d(mask, [h, w]);
}
