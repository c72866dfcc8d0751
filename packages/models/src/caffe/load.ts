// Loading a Caffe network from one safetensors file that carries its deploy prototxt and class
// labels in the metadata (what scripts/convert-caffe-raw.ts writes), or from a prototxt plus
// any safetensors file of caffeTensorName-named weights. Browser-safe: takes bytes or a Blob.

import type { BackendKind } from "@sheep/tensor";
import { SafetensorsReader } from "../safetensors/reader.ts";
import type { SourceInput } from "../safetensors/source.ts";
import { loadTensors } from "../tensors.ts";
import { CaffeNet } from "./net.ts";

/** A Caffe net and, when the file names them, its classes (`n01440764 tench, Tinca tinca`). */
export interface LoadedCaffeNet {
  readonly net: CaffeNet;
  /** One synset line per class, index-aligned with the classifier's outputs. */
  readonly synsets?: readonly string[];
}

export interface LoadCaffeOptions {
  backend?: BackendKind;
  /** The deploy prototxt, when the file's metadata has none. */
  prototxt?: string;
}

/** Build a CaffeNet from a safetensors source (with its prototxt in metadata or in opts). */
export async function loadCaffeSafetensors(
  input: SourceInput | SafetensorsReader,
  opts: LoadCaffeOptions = {},
): Promise<LoadedCaffeNet> {
  const reader = input instanceof SafetensorsReader ? input : await SafetensorsReader.open(input);
  const prototxt = opts.prototxt ?? reader.metadata.prototxt;
  if (!prototxt) {
    throw new Error(
      "this safetensors file has no `prototxt` in its metadata: pass the deploy prototxt (opts.prototxt)",
    );
  }
  const weights = await loadTensors(reader, reader.names, { backend: opts.backend });
  const net = new CaffeNet(prototxt, weights);
  const labels = reader.metadata.labels;
  return { net, synsets: labels ? labels.split("\n") : undefined };
}

/** "n04285008 sports car, sport car" → "sports car, sport car" (the WordNet id dropped). */
export function synsetNames(synset: string): string {
  return synset.replace(/^n\d{8}\s+/, "");
}

/** "n04285008 sports car, sport car" → "sports car": the first name only. */
export function readableLabel(synset: string): string {
  return synsetNames(synset).split(",")[0].trim();
}
