// RGBA images ↔ NCHW float tensors' data, the layout the engine (and PyTorch weights) expect:
// batch, channel, row, column. Pure functions over typed arrays, so the lead's tensor adapter is a
// one-liner and the same code runs in Node and the browser.

import { assertImage, type Rgb, type RgbaImage, WHITE } from "./image.ts";

/** A tensor's worth of data: shape [N, C, H, W] and a Float32Array of N·C·H·W values. */
export interface NCHW {
  shape: [number, number, number, number];
  data: Float32Array;
}

export interface ToNCHWOptions {
  /** The values 0 and 255 map to, linearly; default [0, 1]. E.g. [-1, 1] for a GAN's tanh. */
  range?: readonly [number, number];
  /** Alpha is dropped by compositing over this colour (0–255), default white. */
  background?: Rgb;
}

export interface FromNCHWOptions {
  /** The values that map to 0 and 255; must match what imageToNCHW used. Default [0, 1]. */
  range?: readonly [number, number];
}

function checkRange([lo, hi]: readonly [number, number]): void {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo !== hi)) {
    throw new RangeError(`range must be two different finite numbers, got [${lo}, ${hi}]`);
  }
}

/**
 * Writes one image's 3 channel planes into `out` from `offset`: plane c holds channel c of every
 * pixel, row by row. Alpha a ∈ [0, 1] is composited first: v = a·c + (1 − a)·bg, kept in float
 * so semi-transparent pixels lose nothing; then v ∈ [0, 255] maps linearly onto [lo, hi].
 */
function writePlanes(img: RgbaImage, out: Float32Array, offset: number, opts: ToNCHWOptions) {
  const [lo, hi] = opts.range ?? [0, 1];
  const bg = opts.background ?? WHITE;
  const scale = (hi - lo) / 255;
  const plane = img.width * img.height;
  const src = img.data;
  for (let p = 0; p < plane; p++) {
    const a = src[p * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) {
      const v = a === 1 ? src[p * 4 + c] : a * src[p * 4 + c] + (1 - a) * bg[c];
      out[offset + c * plane + p] = lo + v * scale;
    }
  }
}

/** One image → shape [1, 3, H, W]. */
export function imageToNCHW(img: RgbaImage, opts: ToNCHWOptions = {}): NCHW {
  return imagesToNCHW([img], opts);
}

/** Equal-sized images → one batch of shape [N, 3, H, W]. */
export function imagesToNCHW(imgs: readonly RgbaImage[], opts: ToNCHWOptions = {}): NCHW {
  if (imgs.length === 0) throw new RangeError("imagesToNCHW needs at least one image");
  checkRange(opts.range ?? [0, 1]);
  const { width, height } = imgs[0];
  const per = 3 * width * height;
  const data = new Float32Array(imgs.length * per);
  imgs.forEach((img, i) => {
    assertImage(img, `image ${i}`);
    if (img.width !== width || img.height !== height) {
      throw new RangeError(
        `image ${i} is ${img.width}×${img.height}, image 0 is ${width}×${height}`,
      );
    }
    writePlanes(img, data, i * per, opts);
  });
  return { shape: [imgs.length, 3, height, width], data };
}

/**
 * Data of shape [1, C, H, W] or [C, H, W] → an opaque image. C = 3 is RGB; C = 1 is grey,
 * copied to R, G and B. Values are mapped back from `range`, rounded and clamped to 0–255.
 */
export function nchwToImage(
  data: ArrayLike<number>,
  shape: readonly number[],
  opts: FromNCHWOptions = {},
): RgbaImage {
  const full = shape.length === 3 ? [1, ...shape] : shape;
  if (full[0] !== 1)
    throw new RangeError(`nchwToImage takes one image; use nchwToImages for N = ${full[0]}`);
  return nchwToImages(data, full, opts)[0];
}

/** Data of shape [N, C, H, W] (C = 1 or 3) → N opaque images. */
export function nchwToImages(
  data: ArrayLike<number>,
  shape: readonly number[],
  opts: FromNCHWOptions = {},
): RgbaImage[] {
  const [n, channels, height, width] = shape;
  const valid = shape.length === 4 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!valid || (channels !== 1 && channels !== 3)) {
    throw new RangeError(`expected shape [N, 1 or 3, H, W], got [${shape.join(", ")}]`);
  }
  const needed = n * channels * height * width;
  if (data.length !== needed) {
    throw new RangeError(
      `data has ${data.length} values but shape [${shape.join(", ")}] needs ${needed}`,
    );
  }
  const [lo, hi] = opts.range ?? [0, 1];
  checkRange([lo, hi]);
  const scale = 255 / (hi - lo);
  const plane = width * height;
  const images: RgbaImage[] = [];
  for (let i = 0; i < n; i++) {
    const out = new Uint8ClampedArray(plane * 4);
    const base = i * channels * plane;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const x = data[base + (channels === 3 ? c : 0) * plane + p];
        // Round half up, then clamp; a NaN survives the clamp and the Uint8ClampedArray stores
        // it as 0, so one bad value darkens one pixel instead of failing the whole image.
        const v = Math.round((x - lo) * scale);
        out[p * 4 + c] = Math.min(255, Math.max(0, v));
      }
      out[p * 4 + 3] = 255;
    }
    images.push({ width, height, data: out });
  }
  return images;
}
