// The image type every function here speaks: 8-bit RGBA, row-major, straight (not premultiplied)
// alpha, the same layout as the browser's ImageData, so pixels cross the Node/browser line as is.

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes: R, G, B, A for the top-left pixel, then left to right, top down. */
  data: Uint8ClampedArray;
}

/** The formats this package decodes and encodes as still images. */
export type ImageFormat = "png" | "jpeg";

/** An RGB colour with 0–255 channels, used as the backdrop when alpha has to be removed. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];

/** JPEG quality when none is given: artefacts are hard to see and files stay small. */
export const DEFAULT_JPEG_QUALITY = 90;

/**
 * The default cap on decoded pixels: 64 megapixels is 256 MB of RGBA, above any photo a phone
 * takes and below what a browser tab or a small CI runner can afford to hold twice.
 */
export const DEFAULT_MAX_PIXELS = 64_000_000;

/** Throws a RangeError (a programming mistake, not bad input) if `img` is not a valid image. */
export function assertImage(img: RgbaImage, what = "image"): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(
      `${what} must have positive integer width and height, got ${width}×${height}`,
    );
  }
  if (!(data instanceof Uint8ClampedArray) || data.length !== width * height * 4) {
    throw new RangeError(
      `${what} data must be a Uint8ClampedArray of width × height × 4 = ` +
        `${width * height * 4} bytes`,
    );
  }
}

/** Checks that every frame of an animation has the first frame's size. */
export function assertSameSize(frames: readonly RgbaImage[]): void {
  if (frames.length === 0) throw new RangeError("an animation needs at least one frame");
  const { width, height } = frames[0];
  frames.forEach((frame, i) => {
    assertImage(frame, `frame ${i}`);
    if (frame.width !== width || frame.height !== height) {
      throw new RangeError(
        `frame ${i} is ${frame.width}×${frame.height} but frame 0 is ${width}×${height}`,
      );
    }
  });
}

/** True if every pixel has alpha 255, so the alpha channel can be left out of a file. */
export function isOpaque(img: RgbaImage): boolean {
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i] !== 255) return false;
  return true;
}

/**
 * Composites an image over a solid background and returns an opaque copy. Formats without alpha
 * (JPEG, our GIFs) need this: dropping alpha instead would reveal whatever colour a transparent
 * pixel happens to store, often black.
 */
export function flattenAlpha(img: RgbaImage, background: Rgb = WHITE): RgbaImage {
  const src = img.data;
  const out = new Uint8ClampedArray(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3];
    // out = a·c + (1 − a)·bg with a in [0, 1]; Uint8ClampedArray rounds the result.
    for (let c = 0; c < 3; c++) out[i + c] = (src[i + c] * a + background[c] * (255 - a)) / 255;
    out[i + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}

/**
 * A plain Uint8Array over `bytes` when it spans its whole ArrayBuffer, else a copy that does.
 * Node's Buffer hands out slices of a shared 8 KB pool for small allocations; such a view must
 * not escape, or transferring its `.buffer` to a worker would take other code's bytes with it.
 * (A plain Uint8Array, not a Buffer, also keeps `.slice()` meaning "copy"; and its type says
 * ArrayBuffer, which Blob and Response insist on.)
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength;
  return whole && buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(bytes);
}
