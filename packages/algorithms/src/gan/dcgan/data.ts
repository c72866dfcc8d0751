// The image sets a DCGAN trains on, held on the host as 28×28 grey images scaled to [−1, 1]
// (G ends in tanh), and the sample grid drawn from a batch of them. Browser-safe: the Node
// loaders for Fashion-MNIST and MNIST are in ./load.ts.

import type { RgbaImage } from "@sheep/io";

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export interface ImageSet {
  name: string;
  /** n × 784 values in [−1, 1], row-major images one after another. */
  x: Float32Array;
  /** n class labels (0 … classes − 1). */
  labels: Int32Array;
  n: number;
  classes: number;
  /** Class names, for the CLI and the demo. */
  classNames: readonly string[];
}

/** An image set from pixels in [0, 1] (what the IDX and mnist loaders give). */
export function imageSet(
  name: string,
  unit: ArrayLike<number>,
  labels: Int32Array,
  classNames: readonly string[],
): ImageSet {
  const n = labels.length;
  if (unit.length !== n * PIXELS) {
    throw new Error(`imageSet ${name}: ${unit.length} pixels for ${n} labels (need ${n * PIXELS})`);
  }
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = unit[i] * 2 - 1;
  return { name, x, labels, n, classes: classNames.length, classNames };
}

/** The rows `idx` of a set as a batch: images [b·784] and labels. */
export function gather(set: ImageSet, idx: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(idx.length * PIXELS);
  const y = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    x.set(set.x.subarray(idx[i] * PIXELS, (idx[i] + 1) * PIXELS), i * PIXELS);
    y[i] = set.labels[idx[i]];
  }
  return { x, y };
}

/**
 * Images [n·784] in [−1, 1] tiled into a grid `cols` wide with a 2-pixel dark border, as an
 * RGBA image (grey in all three channels).
 */
export function tileGrid(images: ArrayLike<number>, cols: number, scale = 1): RgbaImage {
  const n = Math.floor(images.length / PIXELS);
  if (n < 1) throw new Error("tileGrid: needs at least one 28×28 image");
  const c = Math.max(1, Math.min(cols, n));
  const rows = Math.ceil(n / c);
  const cell = SIDE * scale + 2;
  const width = c * cell + 2;
  const height = rows * cell + 2;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255; // opaque black background
  for (let k = 0; k < n; k++) {
    const top = 2 + Math.floor(k / c) * cell;
    const left = 2 + (k % c) * cell;
    for (let y = 0; y < SIDE * scale; y++) {
      for (let x = 0; x < SIDE * scale; x++) {
        const v = images[k * PIXELS + Math.floor(y / scale) * SIDE + Math.floor(x / scale)];
        const byte = Math.round(((Math.max(-1, Math.min(1, v)) + 1) / 2) * 255);
        const o = ((top + y) * width + left + x) * 4;
        data[o] = data[o + 1] = data[o + 2] = byte;
      }
    }
  }
  return { width, height, data };
}
