// What the pipelines maximise: a weighted sum of terms over a network's activations. DeepDream
// and feature visualisation share it; only how "positions" are counted differs (a dream that is
// computed tile by tile must normalise by the whole image's positions, not the tile's).

import {
  keep,
  matmul,
  max,
  mean,
  narrow,
  noGrad,
  reshape,
  slice,
  square,
  sum,
  type Tensor,
  tidy,
  transpose,
} from "@sheep/tensor";
import { didYouMean } from "./common/suggest.ts";
import { checkTap, type DreamModel, logitsTapOf, tapsOf } from "./model.ts";

/**
 * One term of an objective, times `weight` (default 1):
 * - layer: the whole layer, as the mean of a² ("l2", the original DeepDream notebook's
 *   objective_L2, whose gradient is the activation itself) or the mean of a ("mean", the
 *   TensorFlow DeepDream tutorial's reduce_mean);
 * - channel: the mean of one channel, or with `neuron` its centre position only (Olah et al.,
 *   "Feature Visualization", Distill 2017: channel and neuron objectives);
 * - class: one class logit (pre-softmax, as Simonyan et al. 2013 recommend), averaged over
 *   positions when the classifier is convolutional;
 * - guide: for each position of the layer, the best dot product with any position of the guide
 *   image's features (the original notebook's guided dream, objective_guide).
 */
export type ObjectiveTerm =
  | { kind: "layer"; layer: string; weight?: number; reduce?: "l2" | "mean" }
  | { kind: "channel"; layer: string; channel: number; weight?: number; neuron?: boolean }
  | { kind: "class"; index: number; weight?: number }
  | { kind: "guide"; layer: string; image: Tensor; weight?: number };

export type Objective = ObjectiveTerm | readonly ObjectiveTerm[];

/** Positions of a tap's map that a term's mean divides by. */
export type PositionCount = (tap: string, act: Tensor) => number;

/** The positions actually present in the activation (h·w, or 1 for [N, K] logits). */
export const actualPositions: PositionCount = (_tap, a) =>
  a.rank === 4 ? a.shape[2] * a.shape[3] : 1;

/** An objective made ready for one model: its taps known, guide features computed. */
export interface PreparedObjective {
  readonly taps: readonly string[];
  /** The objective's value (a one-element tensor), for batch item `item` or the whole batch. */
  value(acts: Map<string, Tensor>, positions: PositionCount, item?: number): Tensor;
  /** Free the guide features. */
  dispose(): void;
}

function tapOf(model: DreamModel, t: ObjectiveTerm): string {
  const tap = t.kind === "class" ? logitsTapOf(model) : t.layer;
  checkTap(model, tap);
  return tap;
}

/** Guide features [C, positions] of the guide image at `layer`, computed once and kept. */
function guideFeatures(model: DreamModel, layer: string, image: Tensor): Tensor {
  return noGrad(() =>
    tidy(() => {
      const a = tapsOf(model, image, [layer]).get(layer)!;
      if (a.rank !== 4) throw new Error(`guide: layer "${layer}" is not a feature map`);
      return keep(reshape(narrow(a, 0, 0, 1), [a.shape[1], -1]).contiguous());
    }),
  );
}

/** Check an objective against a model, compute what can be computed once, and return it. */
export function prepareObjective(model: DreamModel, objective: Objective): PreparedObjective {
  const terms: readonly ObjectiveTerm[] = Array.isArray(objective)
    ? objective
    : [objective as ObjectiveTerm];
  if (terms.length === 0) throw new Error("the objective has no terms");
  const taps = [...new Set(terms.map((t) => tapOf(model, t)))];
  const guides = terms.map((t) =>
    t.kind === "guide" ? guideFeatures(model, t.layer, t.image) : null,
  );
  const classes = model.classes?.length;
  for (const t of terms) {
    if (t.kind === "class" && !(Number.isInteger(t.index) && t.index >= 0)) {
      throw new Error(`class index must be an integer ≥ 0, got ${t.index}`);
    }
    if (t.kind === "class" && classes !== undefined && t.index >= classes) {
      throw new Error(`class index ${t.index} is out of range (${model.name} has ${classes})`);
    }
  }
  return {
    taps,
    value(acts, positions, item) {
      let total: Tensor | null = null;
      terms.forEach((t, i) => {
        const tap = tapOf(model, t);
        let a = acts.get(tap);
        if (!a) throw new Error(`forward() did not return the tap "${tap}"`);
        if (item !== undefined) a = narrow(a, 0, item, 1);
        const v = mul(termValue(t, a, positions(tap, a), guides[i]), t.weight ?? 1);
        total = total ? total.add(v) : v;
      });
      return total!;
    },
    dispose() {
      for (const g of guides) g?.dispose();
    },
  };
}

const mul = (t: Tensor, w: number) => (w === 1 ? t : t.mul(w));

/** One term's value on activations a ([N, C, h, w] or [N, K]); P positions per item. */
function termValue(t: ObjectiveTerm, a: Tensor, P: number, guide: Tensor | null): Tensor {
  const n = a.shape[0];
  switch (t.kind) {
    case "layer": {
      const perItem = n * a.shape[1] * P;
      return sum(t.reduce === "mean" ? a : square(a)).div(perItem);
    }
    case "channel": {
      if (a.rank !== 4)
        throw new Error(`channel objective: layer "${t.layer}" is not a feature map`);
      const c = a.shape[1];
      if (!(Number.isInteger(t.channel) && t.channel >= 0 && t.channel < c)) {
        throw new Error(`layer "${t.layer}" has channels 0–${c - 1}, not ${t.channel}`);
      }
      const ch = narrow(a, 1, t.channel, 1);
      if (!t.neuron) return sum(ch).div(n * P);
      const [h, w] = [a.shape[2], a.shape[3]];
      return mean(slice(ch, [0, 0, h >> 1, w >> 1], [n, 1, (h >> 1) + 1, (w >> 1) + 1]));
    }
    case "class": {
      if (t.index >= a.shape[1]) {
        throw new Error(`class index ${t.index} is out of range (the logits have ${a.shape[1]})`);
      }
      return sum(narrow(a, 1, t.index, 1)).div(n * P);
    }
    case "guide": {
      // Σ over positions i of max over guide positions j of <x_i, y_j>: its gradient at i is
      // the guide feature that matches best, exactly the notebook's objective_guide.
      const x = reshape(a, [n, a.shape[1], -1]);
      const dots = matmul(transpose(x, 1, 2), guide!);
      return sum(max(dots, -1)).div(n * P);
    }
  }
}

/** "block4_conv3:1, block5_conv1:0.5" → [["block4_conv3", 1], ["block5_conv1", 0.5]]. */
export function parseLayerWeights(spec: string): [string, number][] {
  return splitWeighted(spec, "layer").map(([name, w]) => [name, w]);
}

/** Layer terms (L2 by default) from "name:weight,…" or a tap → weight record. */
export function layerObjective(
  layers: string | Readonly<Record<string, number>>,
  reduce: "l2" | "mean" = "l2",
): ObjectiveTerm[] {
  const pairs = typeof layers === "string" ? parseLayerWeights(layers) : Object.entries(layers);
  return pairs.map(([layer, weight]) => ({ kind: "layer", layer, weight, reduce }));
}

/**
 * "hen:0.5, sports car:0.5" or "8:0.5,817:0.5" → class terms. Names match one of a label's
 * comma-separated synonyms (ImageNet labels read "sports car, sport car"), case-insensitively;
 * otherwise a label that contains the name, if exactly one does.
 */
export function parseClassMixture(spec: string, classes?: readonly string[]): ObjectiveTerm[] {
  return splitWeighted(spec, "class").map(([name, weight]) => ({
    kind: "class",
    index: classIndex(name, classes),
    weight,
  }));
}

function classIndex(name: string, classes?: readonly string[]): number {
  if (/^\d+$/.test(name)) return Number(name);
  if (!classes) throw new Error(`class "${name}": this model has no class names; use an index`);
  const want = name.toLowerCase();
  const exact = classes.findIndex((c) =>
    c
      .toLowerCase()
      .split(",")
      .some((s) => s.trim() === want),
  );
  if (exact >= 0) return exact;
  const partial = classes.flatMap((c, i) => (c.toLowerCase().includes(want) ? [i] : []));
  if (partial.length === 1) return partial[0];
  if (partial.length === 0) {
    const synonyms = classes.flatMap((c) => c.split(",").map((s) => s.trim()));
    throw new Error(`no class is called "${name}"${didYouMean(name, synonyms)}`);
  }
  const some = partial.slice(0, 4).map((i) => `"${classes[i].split(",")[0]}" (${i})`);
  throw new Error(
    `class "${name}" is ambiguous: ${some.join(", ")}${partial.length > 4 ? ", …" : ""}`,
  );
}

/** "a:0.5,b" → [["a", 0.5], ["b", 1]], with one-line errors. */
function splitWeighted(spec: string, what: string): [string, number][] {
  const parts = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Error(`no ${what}s in "${spec}"`);
  return parts.map((part) => {
    const at = part.lastIndexOf(":");
    if (at < 0) return [part, 1];
    const name = part.slice(0, at).trim();
    const w = Number(part.slice(at + 1));
    if (!name || !Number.isFinite(w)) {
      throw new Error(`bad ${what} "${part}": expected NAME or NAME:WEIGHT`);
    }
    return [name, w];
  });
}
