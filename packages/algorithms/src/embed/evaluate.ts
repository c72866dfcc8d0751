// Retrieval quality of an embedding on a labelled image set (the held-out classes): every image
// is a query against all the others. Embeddings are L2-normalised before ranking, as
// pytorch-metric-learning's tester does, so nets trained with and without normalisation compare
// on the same footing. Distances on the GPU (one matmul), ranking and metrics on the host.

import { tensor } from "@sheep/tensor";
import type { ImageSet } from "../gan/dcgan/data.ts";
import { clusteringNmi } from "./clustering.ts";
import { l2Normalize, squaredDistances } from "./distances.ts";
import { type EmbeddingNet, embedImages28 } from "./net.ts";
import { mapAtR, rankLabels, recallAtK, rPrecision } from "./retrieval.ts";

export interface EmbedMetrics {
  /** Recall@k for k = 1, 2, 4, 8 (the share of queries with a same-class item in the top k). */
  recall: { 1: number; 2: number; 4: number; 8: number };
  mapAtR: number;
  rPrecision: number;
  precisionAt1: number;
  /** NMI of k-means (k = number of classes) against the labels. */
  nmi: number;
  /** How many images were queries (each against the other n − 1). */
  n: number;
  classes: number[];
}

export interface EvaluateOptions {
  /** Queries at most: the first `limit` images of the set (default: all, at most maxN). */
  limit?: number;
  /** Every query ranks all n − 1 others: memory is n² floats, so n is capped (default 6000). */
  maxN?: number;
  seed?: number;
}

/** Embed `data` with `net` and measure retrieval among its images. */
export async function evaluateEmbedding(
  net: EmbeddingNet,
  data: ImageSet,
  opts: EvaluateOptions = {},
): Promise<EmbedMetrics> {
  const { maxN = 6000, seed = 0 } = opts;
  // Without a limit, the first maxN images: an n² distance matrix beyond that is too large.
  const n = Math.min(data.n, opts.limit ?? maxN);
  if (n < 2) throw new Error(`evaluateEmbedding: need at least 2 images, got ${n}`);
  if (n > maxN)
    throw new Error(
      `evaluateEmbedding: ${n} images would need an ${n}² distance matrix; limit ≤ ${maxN}`,
    );
  const px = EMBED_PIXELS;
  const emb = await embedImages28(net, data.x.subarray(0, n * px));
  const labels = Array.from(data.labels.subarray(0, n));
  const d = net.shape.dim;
  const e = tensor(emb, { shape: [n, d] });
  const unit = l2Normalize(e);
  const dist = squaredDistances(unit);
  const [distHost, unitHost] = await Promise.all([dist.data(), unit.data()]);
  for (const t of [e, unit, dist]) t.dispose();
  const ranked = rankLabels(distHost, n, labels, true);
  return {
    recall: {
      1: recallAtK(ranked, labels, 1),
      2: recallAtK(ranked, labels, 2),
      4: recallAtK(ranked, labels, 4),
      8: recallAtK(ranked, labels, 8),
    },
    mapAtR: mapAtR(ranked, labels),
    rPrecision: rPrecision(ranked, labels),
    precisionAt1: recallAtK(ranked, labels, 1),
    nmi: clusteringNmi(unitHost, d, labels, seed),
    n,
    classes: [...new Set(labels)].sort((a, b) => a - b),
  };
}

const EMBED_PIXELS = 28 * 28;

/** The metrics as a small text table (the CLI's and the README's). */
export function formatMetrics(m: EmbedMetrics): string {
  const rows: [string, number][] = [
    ["Recall@1", m.recall[1]],
    ["Recall@2", m.recall[2]],
    ["Recall@4", m.recall[4]],
    ["Recall@8", m.recall[8]],
    ["MAP@R", m.mapAtR],
    ["R-precision", m.rPrecision],
    ["P@1", m.precisionAt1],
    ["NMI", m.nmi],
  ];
  const head = `${m.n} queries over classes ${m.classes.join(", ")}`;
  return [head, ...rows.map(([k, v]) => `  ${k.padEnd(12)} ${v.toFixed(4)}`)].join("\n");
}
