// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, MIT licence): 70,000 28×28 grey images of
// clothing in 10 classes, as installed offline by the Debian package dataset-fashion-mnist.
// Returned as plain typed arrays in NCHW layout, so `tensor(images.data, { shape })` makes the
// batch and this package needs no GPU.

import { join } from "node:path";
import type { NCHW } from "../nchw.ts";
import { IdxError } from "./idx.ts";
import { readIdxFile } from "./idx-file.ts";

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Label i names class i. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

export interface FashionMnistOptions {
  /** Where the four .gz files are (default /usr/share/datasets/fashion-mnist). */
  dir?: string;
  /** "train" (60,000 images, the default) or "test" (10,000). */
  split?: "train" | "test";
  /** Keep only the first `limit` examples. */
  limit?: number;
}

export interface FashionMnist {
  /** [N, 1, 28, 28], float32 in [0, 1] (byte / 255). */
  images: NCHW;
  /** [N] class indices 0–9. */
  labels: Int32Array;
  classes: readonly string[];
}

const FILES = {
  train: ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
  test: ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
} as const;

/** Load one split of Fashion-MNIST; a clear error says how to install it when it is missing. */
export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<FashionMnist> {
  const dir = opts.dir ?? FASHION_MNIST_DIR;
  const split = opts.split ?? "train";
  if (split !== "train" && split !== "test") {
    throw new Error(`loadFashionMnist: split must be "train" or "test", got "${split}"`);
  }
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new Error(`loadFashionMnist: limit must be ≥ 0, got ${limit}`);
  const [imageFile, labelFile] = FILES[split].map((f) => join(dir, f));
  let images: Awaited<ReturnType<typeof readIdxFile>>;
  let labels: typeof images;
  try {
    [images, labels] = await Promise.all([readIdxFile(imageFile), readIdxFile(labelFile)]);
  } catch (e) {
    if (e instanceof IdxError && e.code === "missing") {
      throw new IdxError(
        "missing",
        `Fashion-MNIST is not installed: ${e.message}. On Debian/Ubuntu run ` +
          "`apt-get install dataset-fashion-mnist` (it installs to " +
          `${FASHION_MNIST_DIR}), or pass { dir } pointing at the four .gz files.`,
        { cause: e },
      );
    }
    throw e;
  }
  const [n, h, w] = images.shape;
  if (images.type !== "uint8" || images.shape.length !== 3 || h !== 28 || w !== 28) {
    throw new IdxError(
      "corrupt",
      `${imageFile}: want uint8 images [N, 28, 28], got ${images.type} [${images.shape}]`,
    );
  }
  if (labels.type !== "uint8" || labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new IdxError(
      "corrupt",
      `${labelFile}: want ${n} uint8 labels, got ${labels.type} [${labels.shape}]`,
    );
  }
  const count = Math.min(n, limit);
  const pixels = images.data.subarray(0, count * 28 * 28);
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / 255;
  const labelData = Int32Array.from(labels.data.subarray(0, count));
  const bad = labelData.findIndex((l) => l < 0 || l > 9);
  if (bad >= 0) {
    throw new IdxError("corrupt", `${labelFile}: label ${labelData[bad]} at ${bad} is not 0–9`);
  }
  return {
    images: { shape: [count, 1, 28, 28], data },
    labels: labelData,
    classes: FASHION_MNIST_CLASSES,
  };
}
