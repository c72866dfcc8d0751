// Animated GIF encoding with gifenc: each frame is quantised to at most 256 colours, mapped to
// palette indices and LZW-compressed. Pure JavaScript, so it runs in Node and the browser alike.
//
// Palette choice: by default every frame gets its own 256-colour palette ("per-frame"), the best
// colours for each frame: dreams and GAN walks drift in colour, and one palette for the whole
// sequence would starve later frames. "global" quantises once from pixels sampled across all
// frames: smaller files and no palette flicker between frames, at some cost in colour fidelity.

import * as gifencModule from "gifenc";
import { ImageError } from "./errors.ts";
import { assertSameSize, flattenAlpha, isOpaque, type Rgb, type RgbaImage } from "./image.ts";
import { type AnimationOptions, frameDelays } from "./timing.ts";

// Bundlers and vitest load gifenc's ESM build (named exports); Node loads its CommonJS build,
// whose exports arrive as `default`.
type Gifenc = typeof gifencModule.default;
const esm = gifencModule as Partial<Gifenc>;
const gifenc: Gifenc = esm.GIFEncoder ? (esm as Gifenc) : gifencModule.default;
const { GIFEncoder, quantize, applyPalette } = gifenc;

export interface GifOptions extends AnimationOptions {
  palette?: "per-frame" | "global";
  /** GIF transparency is 1-bit, so alpha is composited over this colour (default white). */
  background?: Rgb;
}

/** GIF sizes are 16-bit fields. */
const MAX_GIF_SIDE = 65535;
/** How many pixels the global palette is computed from, sampled evenly over all frames. */
const GLOBAL_SAMPLE_PIXELS = 1 << 20;

/**
 * GIF delays are whole centiseconds, and browsers replay a delay of 0 or 1 cs as 10 cs (a guard
 * against old files that relied on it), so asking for more than 50 fps would play at 10 fps.
 * We round to the nearest centisecond and never go below 2 cs.
 */
function gifDelayMs(ms: number): number {
  return Math.max(2, Math.round(ms / 10)) * 10;
}

/** Encodes equal-sized frames as an animated GIF (GIF89a, NETSCAPE2.0 loop extension). */
export function encodeGif(
  frames: readonly RgbaImage[],
  opts: GifOptions = {},
): Uint8Array<ArrayBuffer> {
  assertSameSize(frames);
  const { width, height } = frames[0];
  if (width > MAX_GIF_SIDE || height > MAX_GIF_SIDE) {
    throw new ImageError(
      "too-large",
      `GIF frames can be at most 65535×65535, got ${width}×${height}`,
    );
  }
  const delays = frameDelays(frames.length, opts);
  // Flattened one frame at a time, so a long animation is never held twice.
  const opaque = (img: RgbaImage) => (isOpaque(img) ? img : flattenAlpha(img, opts.background));
  const global =
    opts.palette === "global" ? quantize(opaque(samplePixels(frames)).data, 256) : undefined;

  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    const { data } = opaque(frame);
    const palette = global ?? quantize(data, 256);
    gif.writeFrame(applyPalette(data, palette), width, height, {
      // The first frame's palette becomes the global colour table; later frames carry a local
      // table only when they have their own palette.
      palette: i === 0 || !global ? palette : undefined,
      delay: gifDelayMs(delays[i]),
      repeat: opts.loop === false ? -1 : 0, // -1 omits the loop extension: play once
    });
  });
  gif.finish();
  return gif.bytes();
}

/**
 * Every k-th pixel of every frame as one 1-pixel-high image, k chosen so that it holds about
 * GLOBAL_SAMPLE_PIXELS: enough to find the colours that matter, cheap to quantise.
 */
function samplePixels(frames: readonly RgbaImage[]): RgbaImage {
  const perFrame = frames[0].width * frames[0].height;
  const stride = Math.max(1, Math.floor((frames.length * perFrame) / GLOBAL_SAMPLE_PIXELS));
  const taken = Math.ceil(perFrame / stride);
  const data = new Uint8ClampedArray(frames.length * taken * 4);
  frames.forEach((frame, f) => {
    for (let k = 0; k < taken; k++) {
      const p = k * stride;
      data.set(frame.data.subarray(p * 4, p * 4 + 4), (f * taken + k) * 4);
    }
  });
  return { width: frames.length * taken, height: 1, data };
}
