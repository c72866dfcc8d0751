// The embedding nets and their data in Node: the shipped weight files by name, and the
// train/held-out split of Fashion-MNIST or MNIST for a holdout spec.

import { existsSync, readFileSync } from "node:fs";
import { shippedWeightsPath } from "../classifiers/node.ts";
import type { ImageSet } from "../gan/dcgan/data.ts";
import { type DatasetName, loadImageSet } from "../gan/dcgan/load.ts";
import { parseHoldout, subsetByClass, trainClasses } from "./holdout.ts";
import {
  type EmbeddingName,
  type LoadedEmbedding,
  loadEmbeddingNetBytes,
  SHIPPED_EMBEDDINGS,
} from "./load.ts";

/** A shipped net by name ("embed-fashion-mnist", "embed-mnist") or a safetensors file path. */
export async function loadEmbeddingNet(nameOrPath: string): Promise<LoadedEmbedding> {
  const file = SHIPPED_EMBEDDINGS[nameOrPath as EmbeddingName];
  const path = file ? shippedWeightsPath(file) : nameOrPath;
  if (!existsSync(path))
    throw new Error(
      `no embedding weights "${nameOrPath}": give a file or one of ${Object.keys(SHIPPED_EMBEDDINGS).join(", ")}`,
    );
  return loadEmbeddingNetBytes(new Uint8Array(readFileSync(path)));
}

export interface EmbedData {
  /** Training split, training classes only. */
  train: ImageSet;
  /** Test split, held-out classes only: what retrieval is measured on. */
  test: ImageSet;
  held: number[];
  trainClasses: number[];
}

export interface EmbedDataOptions {
  /** At most this many training images are read (before the class filter); default all. */
  trainLimit?: number;
  /** Skip reading the training split (evaluation only). */
  testOnly?: boolean;
}

/** Fashion-MNIST or MNIST split for metric learning: train on all but `holdout`, test on it. */
export async function loadEmbedData(
  name: DatasetName,
  holdout: string,
  o: EmbedDataOptions = {},
): Promise<EmbedData> {
  const held = parseHoldout(holdout);
  const keep = trainClasses(held);
  const test = subsetByClass(await loadImageSet(name, { split: "test" }), held);
  const train = o.testOnly
    ? subsetByClass(test, [])
    : subsetByClass(await loadImageSet(name, { split: "train", limit: o.trainLimit }), keep);
  return { train, test, held, trainClasses: keep };
}
