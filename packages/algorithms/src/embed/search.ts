// "More like this" over a collection of pictures: an index holds one feature vector per picture
// (any extractor: GoogLeNet's pooled features, a trained embedding), the file names and small
// thumbnails, in one safetensors file; a query's features go through the GPU kNN. Rows are
// L2-normalised when the index is built, so Euclidean distance ranks as cosine similarity does
// (‖a − b‖² = 2 − 2 cos(a, b)) and distances are comparable across queries, in [0, 2].

import type { RgbaImage } from "@sheep/io";
import type { ImageNetCaffeModel } from "@sheep/models";
import { SafetensorsReader, writeSafetensors } from "@sheep/models";
import { concat, mean, resize2d, type Tensor, tensor, tidy } from "@sheep/tensor";
import { l2Normalize } from "./distances.ts";
import { knn } from "./knn.ts";

/** Images [N, 3, H, W] in [0, 1] → features [N, D]. */
export type FeatureExtractor = (images: Tensor) => Tensor;

export interface PictureIndex {
  /** Names of the pictures (file names relative to the indexed folder), row by row. */
  files: string[];
  /** [N × dim] unit-length feature rows. */
  features: Float32Array;
  dim: number;
  /** Which features these are, in words (checked when a query is made with another). */
  extractor: string;
  /** Side of the square RGB thumbnails (0: none). */
  thumbSize: number;
  /** [N, thumbSize, thumbSize, 3] RGB bytes, or null. */
  thumbnails: Uint8Array | null;
}

export interface BuildIndexOptions {
  /** The square side pictures are resized to before the extractor (default 224). */
  size?: number;
  /** Pictures per extractor call (default 8). */
  batch?: number;
  /** Thumbnail side in pixels; 0 for none (default 64). */
  thumbSize?: number;
  /** Recorded in the index as its `extractor`. */
  extractorName?: string;
}

export interface IndexProgress {
  done: number;
  total: number;
  file: string;
}

/** A picture as the index builder takes it: a name and a way to decode it (called once). */
export interface PictureSource {
  name: string;
  load(): Promise<RgbaImage> | RgbaImage;
}

/**
 * GoogLeNet's 1024-D pooled feature: the mean over positions of inception_5b/output, which at
 * 224² is exactly pool5/7x7_s1 (a 7 × 7 average over a 7 × 7 map) and also works at other sizes.
 */
export function googLeNetFeatures(model: ImageNetCaffeModel): FeatureExtractor {
  const tap = "inception_5b/output";
  return (images) => {
    const y = model.net.forward(model.preprocessing.normalize(images), [tap]).get(tap);
    if (!y) throw new Error(`googLeNetFeatures: the network has no ${tap}`);
    return mean(y, [2, 3]);
  };
}

/** One picture as [1, 3, size, size] in [0, 1] (squashed: the whole picture, not a crop). */
export function pictureTensor(img: RgbaImage, size: number): Tensor {
  const plane = img.width * img.height;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    const a = img.data[p * 4 + 3] / 255; // transparent pixels over white
    for (let c = 0; c < 3; c++)
      data[c * plane + p] = (a * img.data[p * 4 + c] + (1 - a) * 255) / 255;
  }
  return tidy(() => {
    const x = tensor(data, { shape: [1, 3, img.height, img.width] });
    return img.width === size && img.height === size ? x : resize2d(x, [size, size]);
  });
}

/** Features of a batch of pictures, L2-normalised, read back: [N × D]. */
async function featuresOf(batch: Tensor[], extract: FeatureExtractor): Promise<Float32Array> {
  const f = tidy(() => {
    const y = extract(concat(batch, 0));
    if (y.rank !== 2 || y.shape[0] !== batch.length)
      throw new Error(`the feature extractor must return [${batch.length}, D], got [${y.shape}]`);
    return l2Normalize(y);
  });
  const data = (await f.data()) as Float32Array;
  f.dispose();
  return data;
}

/** Thumbnail bytes [t, t, 3] of a picture tensor [1, 3, H, W]. */
async function thumbnail(x: Tensor, t: number): Promise<Uint8Array> {
  const small = tidy(() => resize2d(x, [t, t]));
  const planes = await small.data();
  small.dispose();
  const out = new Uint8Array(t * t * 3);
  for (let p = 0; p < t * t; p++)
    for (let c = 0; c < 3; c++)
      out[p * 3 + c] = Math.round(Math.min(1, Math.max(0, planes[c * t * t + p])) * 255);
  return out;
}

/** Build an index: every picture resized, through the extractor in batches, with thumbnails. */
export async function buildIndex(
  pictures: readonly PictureSource[],
  extract: FeatureExtractor,
  opts: BuildIndexOptions = {},
  onProgress?: (p: IndexProgress) => void | Promise<void>,
): Promise<PictureIndex> {
  const { size = 224, batch = 8, thumbSize = 64, extractorName = "custom" } = opts;
  if (pictures.length === 0) throw new Error("buildIndex: no pictures to index");
  if (!(Number.isInteger(thumbSize) && thumbSize >= 0 && thumbSize <= 512))
    throw new Error(`buildIndex: thumbSize must be an integer in [0, 512], got ${thumbSize}`);
  const rows: Float32Array[] = [];
  const thumbs: Uint8Array[] = [];
  for (let start = 0; start < pictures.length; start += batch) {
    const xs: Tensor[] = [];
    try {
      for (const pic of pictures.slice(start, start + batch)) {
        const x = pictureTensor(await pic.load(), size);
        xs.push(x);
        if (thumbSize) thumbs.push(await thumbnail(x, thumbSize));
      }
      rows.push(await featuresOf(xs, extract));
    } finally {
      for (const x of xs) x.dispose();
    }
    const done = Math.min(start + batch, pictures.length);
    await onProgress?.({ done, total: pictures.length, file: pictures[done - 1].name });
  }
  const n = pictures.length;
  const dim = rows[0].length / Math.min(batch, n);
  const features = new Float32Array(n * dim);
  let at = 0;
  for (const r of rows) {
    features.set(r, at);
    at += r.length;
  }
  let thumbnails: Uint8Array | null = null;
  if (thumbSize) {
    thumbnails = new Uint8Array(n * thumbSize * thumbSize * 3);
    thumbs.forEach((t, i) => {
      thumbnails!.set(t, i * t.length);
    });
  }
  return {
    files: pictures.map((p) => p.name),
    features,
    dim,
    extractor: extractorName,
    thumbSize,
    thumbnails,
  };
}

/** Features [q, D] of query pictures with the same resizing as the index, L2-normalised. */
export async function queryFeatures(
  images: readonly RgbaImage[],
  extract: FeatureExtractor,
  size = 224,
): Promise<Tensor> {
  const xs = images.map((img) => pictureTensor(img, size));
  try {
    const f = await featuresOf(xs, extract);
    return tensor(f, { shape: [images.length, f.length / images.length] });
  } finally {
    for (const x of xs) x.dispose();
  }
}

export interface SearchHit {
  rank: number;
  /** Row in the index. */
  index: number;
  file: string;
  /** Euclidean distance between unit feature vectors: √(2 − 2 cos), 0 for the same features. */
  distance: number;
}

/** The k pictures nearest each query row [q, D] (normalised here), best first. */
export async function searchIndex(
  index: PictureIndex,
  queries: Tensor,
  k: number,
): Promise<SearchHit[][]> {
  const n = index.files.length;
  if (queries.rank !== 2 || queries.shape[1] !== index.dim)
    throw new Error(
      `searchIndex: queries must be [q, ${index.dim}] (the index's features), got [${queries.shape}]`,
    );
  if (!(Number.isInteger(k) && k >= 1))
    throw new Error(`searchIndex: k must be an integer ≥ 1, got ${k}`);
  const kk = Math.min(k, n);
  const gallery = tensor(index.features, { shape: [n, index.dim], like: queries });
  const q = l2Normalize(queries);
  const r = knn(q, gallery, kk);
  const [idx, dist] = [await r.indices.data(), await r.values.data()];
  for (const t of [gallery, q, r.indices, r.values]) t.dispose();
  return Array.from({ length: queries.shape[0] }, (_, i) =>
    Array.from({ length: kk }, (_, rank) => {
      const row = idx[i * kk + rank];
      return { rank: rank + 1, index: row, file: index.files[row], distance: dist[i * kk + rank] };
    }),
  );
}

const FORMAT = "sheep-picture-index";

/** The index as one safetensors file: features F32, thumbnails U8, names in the metadata. */
export function encodeIndex(index: PictureIndex): Uint8Array<ArrayBuffer> {
  const tensors: Record<string, { dtype: string; shape: number[]; data: ArrayBufferView }> = {
    features: { dtype: "F32", shape: [index.files.length, index.dim], data: index.features },
  };
  if (index.thumbnails) {
    const t = index.thumbSize;
    tensors.thumbnails = {
      dtype: "U8",
      shape: [index.files.length, t, t, 3],
      data: index.thumbnails,
    };
  }
  return writeSafetensors(tensors, {
    format: FORMAT,
    version: "1",
    extractor: index.extractor,
    files: JSON.stringify(index.files),
  });
}

/** Read an index written by encodeIndex; a foreign file gets a one-line error. */
export async function decodeIndex(bytes: Uint8Array): Promise<PictureIndex> {
  const reader = await SafetensorsReader.open(bytes);
  const meta = reader.metadata;
  if (meta.format !== FORMAT)
    throw new Error(
      `not a picture index (its metadata has format "${meta.format ?? "none"}", want "${FORMAT}")`,
    );
  const files = JSON.parse(meta.files ?? "[]") as string[];
  const f = await reader.tensor("features");
  const [n, dim] = f.shape;
  if (n !== files.length)
    throw new Error(`picture index: ${n} feature rows but ${files.length} file names`);
  let thumbnails: Uint8Array | null = null;
  let thumbSize = 0;
  if (reader.names.includes("thumbnails")) {
    thumbnails = await reader.bytes("thumbnails");
    thumbSize = reader.entry("thumbnails").shape[1];
  }
  return {
    files,
    features: Float32Array.from(f.data),
    dim,
    extractor: meta.extractor ?? "unknown",
    thumbSize,
    thumbnails,
  };
}
