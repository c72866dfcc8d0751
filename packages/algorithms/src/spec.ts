// Objectives from what people type: the CLI's flags and the demo's text fields share these
// rules, so "block4_conv3:1,block5_conv1:0.5" means the same thing everywhere.

import type { Tensor } from "@sheep/tensor";
import type { DreamModel } from "./model.ts";
import { type ObjectiveTerm, parseClassMixture, parseLayerWeights } from "./objective.ts";

export interface ObjectiveSpec {
  /** "name:weight,…"; default: the model's dreamLayers. */
  layers?: string;
  /** Maximise this channel of the (first) layer instead of the whole layer. */
  channel?: number;
  /** "class:weight,…" by name or index: a class mixture on the logits. */
  classes?: string;
  /** Match this image's features at the layers (the guided dream) instead of their L2. */
  guide?: Tensor;
  /** How whole layers are scored (default "l2"). */
  reduce?: "l2" | "mean";
}

/**
 * The objective a spec describes:
 * - layers only: their L2 (or mean), weighted;
 * - channel: that channel of the first layer, mean activation;
 * - guide: the guide's features matched at each layer, weighted;
 * - classes: the class mixture, plus the layers' terms only when layers were given too.
 */
export function objectiveFromSpec(model: DreamModel, spec: ObjectiveSpec): ObjectiveTerm[] {
  const layers: [string, number][] = spec.layers
    ? parseLayerWeights(spec.layers)
    : Object.entries(model.dreamLayers ?? {});
  const terms: ObjectiveTerm[] = [];
  if (spec.classes) terms.push(...parseClassMixture(spec.classes, model.classes));
  if (spec.classes && !spec.layers && spec.channel === undefined && !spec.guide) return terms;
  if (layers.length === 0) throw new Error(`${model.name} has no default layers: give some`);
  if (spec.channel !== undefined) {
    const [layer, weight] = layers[0];
    terms.push({ kind: "channel", layer, channel: spec.channel, weight });
  } else if (spec.guide) {
    for (const [layer, weight] of layers)
      terms.push({ kind: "guide", layer, image: spec.guide, weight });
  } else {
    for (const [layer, weight] of layers) {
      terms.push({ kind: "layer", layer, weight, reduce: spec.reduce ?? "l2" });
    }
  }
  return terms;
}

/** The taps an objective spec will read, before the model exists (to load only those layers). */
export function tapsOfSpec(spec: ObjectiveSpec, defaults: readonly string[], logits = "logits") {
  const taps = spec.layers ? parseLayerWeights(spec.layers).map(([l]) => l) : [...defaults];
  if (spec.classes && !spec.layers && spec.channel === undefined && !spec.guide) return [logits];
  return spec.classes ? [...taps, logits] : taps;
}
