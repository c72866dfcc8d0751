// The one thing the pipelines know about a network: it maps a batch of images to named
// activations ("taps"). Any CNN that can say that — VGG, the face network, a tiny test net —
// can dream and be visualised; adapters in models/ wrap the models package's networks.

import type { Tensor } from "@sheep/tensor";
import { didYouMean, groupedNames } from "./common/suggest.ts";

export interface DreamModel {
  /** Shown in messages and progress ("vgg16", "face"). */
  readonly name: string;
  /** Every tap forward() can return, in forward order. */
  readonly taps: readonly string[];
  /** Class names, index-aligned with the logits, when the network has a classifier. */
  readonly classes?: readonly string[];
  /** The tap that holds the class logits, [N, K] or [N, K, h, w]. Default "logits". */
  readonly logitsTap?: string;
  /** The input side the network was trained at (224 for VGG, 150 for the face network). */
  readonly inputSize?: number;
  /** The smallest input side for which each of `taps` still has at least one position. */
  minSize?(taps: readonly string[]): number;
  /** What `dream` maximises when no objective is given: tap → weight. */
  readonly dreamLayers?: Readonly<Record<string, number>>;
  /**
   * Run the network on x ([N, 3, H, W], already preprocessed) and return the activations of
   * `taps` (only as much of the network as the deepest tap needs should run).
   */
  forward(x: Tensor, taps: readonly string[]): Map<string, Tensor>;
  /** RGB in [0, 1] → the network's input (mean/std, scaling, channel order). Differentiable. */
  preprocess(x01: Tensor): Tensor;
}

/** The tap holding the logits, or an error naming the model when it has no classifier. */
export function logitsTapOf(model: DreamModel): string {
  const tap = model.logitsTap ?? "logits";
  if (!model.taps.includes(tap)) {
    throw new Error(`${model.name} has no classifier (no "${tap}" tap): class objectives need one`);
  }
  return tap;
}

/** Throw a one-line error, with the closest name and every tap grouped, for an unknown tap. */
export function checkTap(model: DreamModel, tap: string): void {
  if (model.taps.includes(tap)) return;
  throw new Error(
    `${model.name} has no layer "${tap}"${didYouMean(tap, model.taps)}; its layers: ` +
      groupedNames(model.taps),
  );
}

/** Activations of the taps for an image in [0, 1]: preprocess, then forward. */
export function tapsOf(model: DreamModel, x01: Tensor, taps: readonly string[]) {
  return model.forward(model.preprocess(x01), taps);
}
