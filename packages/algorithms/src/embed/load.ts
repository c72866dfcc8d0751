// Embedding nets as safetensors files: the net's weights plus metadata that rebuild it (its
// shape) and say how it was made (data, held-out classes, loss, steps, measured metrics).
// Browser-safe: the caller brings the bytes; ./node.ts finds the shipped files in the repo.

import { loadTensors, SafetensorsReader, type SourceInput, saveTensors } from "@sheep/models";
import { EmbeddingNet, type EmbeddingShape } from "./net.ts";

const FORMAT = "sheep-embedding/1";

/** The shipped nets and their files in packages/algorithms/weights/ (the demo fetches these). */
export type EmbeddingName = "embed-fashion-mnist" | "embed-mnist";
export const SHIPPED_EMBEDDINGS: Readonly<Record<EmbeddingName, string>> = {
  "embed-fashion-mnist": "embed-fashion-mnist.safetensors",
  "embed-mnist": "embed-mnist.safetensors",
};

export interface LoadedEmbedding {
  net: EmbeddingNet;
  /** Everything the file says about itself; `data`, `holdout`, `train` are always present. */
  metadata: Record<string, string>;
  /** The dataset it was trained on ("fashion-mnist" or "mnist"). */
  data: string;
  /** The held-out classes, as the spec it was trained with ("6-9"). */
  holdout: string;
}

/** What a saved file records beside the weights (all strings, as safetensors wants). */
export interface EmbeddingInfo {
  data: string;
  holdout: string;
  /** The training config, as JSON. */
  train: string;
  [key: string]: string;
}

export async function saveEmbeddingNet(
  net: EmbeddingNet,
  info: EmbeddingInfo,
): Promise<Uint8Array> {
  return saveTensors(net.stateDict(), {
    ...info,
    format: FORMAT,
    shape: JSON.stringify(net.shape),
  });
}

/** Rebuild a net from a file saveEmbeddingNet wrote. */
export async function loadEmbeddingNetBytes(input: SourceInput): Promise<LoadedEmbedding> {
  const reader = await SafetensorsReader.open(input);
  const meta = { ...(reader.metadata ?? {}) };
  if (meta.format !== FORMAT)
    throw new Error(
      `not an embedding net file (format "${meta.format ?? "none"}", want ${FORMAT})`,
    );
  const shape = JSON.parse(meta.shape) as EmbeddingShape;
  const net = new EmbeddingNet(shape);
  const weights = await loadTensors(reader);
  try {
    net.loadStateDict(weights);
  } finally {
    for (const t of weights.values()) t.dispose();
  }
  net.eval();
  return { net, metadata: meta, data: meta.data, holdout: meta.holdout };
}
