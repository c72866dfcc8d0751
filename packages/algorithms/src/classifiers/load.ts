// The shipped small classifiers from their safetensors bytes, as DreamModels (browser-safe:
// the caller brings the bytes or a source; ./node.ts finds the files in the repo).

import { loadTensors, SafetensorsReader, type SourceInput } from "@sheep/models";
import type { DreamModel } from "../model.ts";
import { fashionCnn, lenet, type SmallClassifier, smallClassifierModel } from "./small.ts";

export type SmallClassifierName = "fashion-cnn" | "lenet-mnist";

export const SMALL_CLASSIFIERS: Readonly<Record<SmallClassifierName, () => SmallClassifier>> = {
  "fashion-cnn": fashionCnn,
  "lenet-mnist": lenet,
};

export interface LoadedClassifier {
  model: DreamModel;
  classifier: SmallClassifier;
  /** What the weights file says about itself (test accuracy, data, training). */
  metadata: Record<string, string>;
}

/** Build the named network and fill it from a safetensors file of its weights. */
export async function loadSmallClassifier(
  name: SmallClassifierName,
  input: SourceInput,
): Promise<LoadedClassifier> {
  const make = SMALL_CLASSIFIERS[name];
  if (!make) {
    throw new Error(`unknown classifier "${name}" (${Object.keys(SMALL_CLASSIFIERS).join(", ")})`);
  }
  const reader = await SafetensorsReader.open(input);
  const classifier = make();
  const weights = await loadTensors(reader);
  classifier.net.loadStateDict(weights);
  for (const t of weights.values()) t.dispose();
  return {
    model: smallClassifierModel(classifier),
    classifier,
    metadata: { ...reader.metadata },
  };
}
