// Reproducible synthetic 150×150 RGB test images for the face network: formulas, not files.
//
// The same function feeds face-api (scripts/face-reference.mjs) and our float64 reference
// forward pass (test/face-convert.test.ts), so both see identical pixels. Values are integers in
// 0..255, like a decoded image, in HWC order (row, column, RGB), like tf.browser.fromPixels.

export const FACE_INPUT_NAMES = ["gradient", "checkerboard", "sinusoid", "noise"] as const;
export type FaceInputName = (typeof FACE_INPUT_NAMES)[number];

/** The formula behind each image, written down for the reference JSON. */
export const FACE_INPUT_FORMULAS: Record<FaceInputName, string> = {
  gradient:
    "R = round(255 x / (S-1)), G = round(255 y / (S-1)), B = round(255 (1 - (x+y) / (2S-2)))",
  checkerboard:
    "15-px cells; cell parity p = (floor(x/15) + floor(y/15)) mod 2; " +
    "RGB = p ? (230, 200, 170) : (40, 60, 90), plus round(x / 10) on every channel",
  sinusoid: "channel c: round(127.5 + 127 sin(2 pi (x (c+1) / 50 + y (3-c) / 70) + c))",
  noise: "mulberry32(seed 1234), one uint32 per value, value = floor(u32 / 2^24), HWC order",
};

/** mulberry32: a tiny, well-known 32-bit PRNG; deterministic in every JS engine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The image `name`, size × size × 3, HWC, integer values 0..255. */
export function faceInput(name: FaceInputName, size = 150): Float32Array {
  const out = new Float32Array(size * size * 3);
  const next = mulberry32(1234);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        out[(y * size + x) * 3 + c] = pixel(name, x, y, c, size, next);
      }
    }
  }
  return out;
}

function pixel(
  name: FaceInputName,
  x: number,
  y: number,
  c: number,
  size: number,
  next: () => number,
): number {
  switch (name) {
    case "gradient": {
      const s = size - 1;
      return Math.round(255 * [x / s, y / s, 1 - (x + y) / (2 * s)][c]);
    }
    case "checkerboard": {
      const p = (Math.floor(x / 15) + Math.floor(y / 15)) % 2;
      const base = p ? [230, 200, 170][c] : [40, 60, 90][c];
      return base + Math.round(x / 10);
    }
    case "sinusoid": {
      const phase = 2 * Math.PI * ((x * (c + 1)) / 50 + (y * (3 - c)) / 70) + c;
      return Math.round(127.5 + 127 * Math.sin(phase));
    }
    case "noise":
      return Math.floor(next() / 2 ** 24);
  }
}

/** FNV-1a over the pixel values as bytes: lets a test prove it regenerated the same image. */
export function fnv1a(pixels: Float32Array): string {
  let h = 0x811c9dc5;
  for (const v of pixels) {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
