// What stylize() takes and reports: its options (with their defaults and where they come from),
// the per-step record, and the checks that turn a bad option into one clear line.

import type { Tensor } from "@sheep/tensor";
import { checkImage } from "../dream/dream.ts";
import type { DreamModel } from "../model.ts";
import { styleLayersOf } from "./layers.ts";
import type { GramNormalization } from "./losses.ts";
import type { Parameterization } from "./param.ts";

export interface StyleOptions {
  /** Content layer (null: none, texture synthesis). Default: the model's (VGG: relu4_2). */
  contentLayer?: string | null;
  /** Style layers → weights. Default: the model's (VGG: relu1_1 … relu5_1, each 1). */
  styleLayers?: Readonly<Record<string, number>>;
  /**
   * Term weights (neural-style's defaults 5, 100, 1e-3, unless the model's layer table says
   * otherwise: GoogLeNet 5, 1000, 1e-5). May change while it runs.
   */
  contentWeight?: number;
  styleWeight?: number;
  tvWeight?: number;
  /** Blend weights of the style images (normalised to sum 1; default equal). May change. */
  blend?: number[];
  /** Gram normalisation (losses.ts). Default "neural-style". */
  normalization?: GramNormalization;
  /** Style images are resized so their longer side is this × the output's. Default 1. */
  styleScale?: number;
  optimizer?: "lbfgs" | "adam";
  /** Adam's step (default 0.02 per pixel in [0, 1]; 0.05 for fourier); L-BFGS's lr (1). */
  lr?: number;
  /** Steps per scale (default 200). */
  steps?: number;
  /** The start: the content photo (default), uniform noise, or the first style resized. */
  init?: "content" | "noise" | "style";
  /** Keep the content's colours: transfer luminance only, or match the styles' colours first. */
  preserveColour?: "none" | "luminance" | "match";
  /** Coarse-to-fine: this many scales, each `scaleRatio` × the last (default 1 and 2). */
  scales?: number;
  scaleRatio?: number;
  /** Return the mean of the last this-many iterates (0: the last one). */
  average?: number;
  /** Style only where this mask [1, 1, H, W] (in [0, 1], the content's size) is. */
  mask?: Tensor;
  /** Optimise pixels (default) or a decorrelated Fourier spectrum (better for non-VGG nets). */
  parameterization?: Parameterization;
  /** Tile side in pixels, "auto" (default: from the device's limits) or "off". */
  tile?: number | "auto" | "off";
  /** Context around each tile's core (default 64); exact once it covers the receptive field. */
  tileOverlap?: number;
  /** Memory one tile's forward and backward may use, in bytes (default 1 GiB). */
  tileMemory?: number;
  seed?: number;
  /** Pass the current image to onProgress every this many steps (default 0: never). */
  previewEvery?: number;
}

/** The weighted loss terms at one step, before its update. */
export interface StyleStep {
  scale: number;
  step: number;
  total: number;
  content: number;
  /** Per style layer. */
  style: Record<string, number>;
  tv: number;
}

export interface StyleProgress extends StyleStep {
  scales: number;
  steps: number;
  done: number;
  totalSteps: number;
  size: [number, number];
  tiles: number;
  /** The current image ([1, 3, h, w] in [0, 1]); valid only during the callback. */
  preview?: Tensor;
}

export interface StyleResult {
  /** [1, 3, H, W] in [0, 1], the content's size. */
  image: Tensor;
  record: StyleStep[];
}

function positive(v: number | undefined, name: string, fallback: number, int = false): number {
  if (v === undefined) return fallback;
  if (!(v >= 0) || (int && !Number.isInteger(v)))
    throw new Error(`${name} must be ${int ? "an integer" : "a number"} ≥ 0, got ${v}`);
  return v;
}

/** Blend weights normalised to sum 1, checked against the number of styles. */
export function blendWeights(blend: readonly number[] | undefined, n: number): number[] {
  const b = blend ?? new Array(n).fill(1);
  if (b.length !== n) throw new Error(`blend has ${b.length} weights for ${n} style images`);
  if (b.some((v) => !(v >= 0))) throw new Error(`blend weights must be ≥ 0, got [${b}]`);
  const total = b.reduce((a, v) => a + v, 0);
  if (!(total > 0)) throw new Error("blend weights must not all be 0");
  return b.map((v) => v / total);
}

/** Every option checked (one line naming the option, the value and what is valid), defaults in. */
export function checkOptions(
  model: DreamModel,
  content: Tensor,
  styles: readonly Tensor[],
  o: StyleOptions,
) {
  checkImage(content, "content image");
  if (styles.length === 0) throw new Error("style transfer needs at least one style image");
  for (const [i, s] of styles.entries()) checkImage(s, `style image ${i + 1}`);
  const layers = styleLayersOf(model, o.contentLayer, o.styleLayers);
  const steps = positive(o.steps, "steps", 200, true);
  const styleScale = positive(o.styleScale, "styleScale", 1);
  const average = positive(o.average, "average", 0, true);
  const seed = o.seed ?? 0;
  const optimizer = o.optimizer ?? "lbfgs";
  if (optimizer !== "lbfgs" && optimizer !== "adam")
    throw new Error(`optimizer must be lbfgs or adam, got "${optimizer}"`);
  const paramKind = o.parameterization ?? "pixel";
  if (paramKind !== "pixel" && paramKind !== "fourier")
    throw new Error(`parameterization must be pixel or fourier, got "${paramKind}"`);
  const preserve = o.preserveColour ?? "none";
  if (!["none", "luminance", "match"].includes(preserve))
    throw new Error(`preserveColour must be none, luminance or match, got "${preserve}"`);
  const init = o.init ?? "content";
  if (!["content", "noise", "style"].includes(init))
    throw new Error(`init must be content, noise or style, got "${init}"`);
  blendWeights(o.blend, styles.length);
  const [H, W] = [content.shape[2], content.shape[3]];
  if (
    o.mask &&
    (o.mask.rank !== 4 || o.mask.shape[1] !== 1 || o.mask.shape[2] !== H || o.mask.shape[3] !== W)
  )
    throw new Error(`mask must be [1, 1, ${H}, ${W}] (the content's size), got [${o.mask.shape}]`);

  return { layers, steps, styleScale, average, seed, optimizer, paramKind, preserve, init };
}
