// Animated PNG (APNG): lossless, full 8-bit alpha, and played by every current browser. Each
// frame is encoded as an ordinary PNG by pngjs (filtering + deflate), and its IDAT data is then
// re-wrapped in APNG's chunks. Node only, because pngjs compresses with node:zlib.
//
// Layout: signature · IHDR · acTL(frames, plays) · for each frame: fcTL(size, delay) and its
// pixels, in IDAT for frame 0 (so a viewer without APNG shows frame 0) and fdAT for the rest ·
// IEND. fcTL and fdAT share one sequence counter, which lets a reader detect reordered chunks.
// Spec: https://wiki.mozilla.org/APNG_Specification

import { PNG } from "pngjs";
import { assertSameSize, isOpaque, type RgbaImage } from "./image.ts";
import { concatBytes, encodeChunk, PNG_SIGNATURE, splitChunks } from "./png-chunks.ts";
import { type AnimationOptions, frameDelays } from "./timing.ts";

const DISPOSE_NONE = 0; // leave the canvas as it is before the next frame
const BLEND_SOURCE = 0; // replace the region, alpha included, rather than composite over it

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint32(i * 4, v);
  });
  return out;
}

/** fcTL: sequence, size, offset (0, 0), delay as a fraction of a second, dispose and blend. */
function frameControl(seq: number, width: number, height: number, delayMs: number): Uint8Array {
  const data = new Uint8Array(26);
  data.set(u32s(seq, width, height, 0, 0));
  // The delay is num/den seconds with 16-bit fields: milliseconds while they fit, else 1/100 s.
  const ms = Math.round(delayMs);
  const [num, den] = ms <= 65535 ? [ms, 1000] : [Math.min(65535, Math.round(ms / 10)), 100];
  const view = new DataView(data.buffer);
  view.setUint16(20, num);
  view.setUint16(22, den);
  data[24] = DISPOSE_NONE;
  data[25] = BLEND_SOURCE;
  return encodeChunk("fcTL", data);
}

/** Encodes equal-sized frames as an APNG, RGB if every frame is opaque, else RGBA. */
export function encodeApng(
  frames: readonly RgbaImage[],
  opts: AnimationOptions = {},
): Uint8Array<ArrayBuffer> {
  assertSameSize(frames);
  const { width, height } = frames[0];
  const delays = frameDelays(frames.length, opts);
  // One IHDR describes every frame, so the colour type is chosen once for the whole sequence.
  const colorType = frames.every(isOpaque) ? 2 : 6;

  const parts: Uint8Array[] = [PNG_SIGNATURE];
  let seq = 0;
  frames.forEach((frame, i) => {
    // A plain object: `new PNG({ width, height })` would allocate pixels we then replace.
    const pixels = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    const png = { width, height, data: pixels } as PNG;
    const chunks = splitChunks(
      PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true }),
    );
    if (i === 0) {
      const ihdr = chunks.find((c) => c.type === "IHDR")!;
      const plays = opts.loop === false ? 1 : 0; // 0 means forever
      parts.push(encodeChunk("IHDR", ihdr.data), encodeChunk("acTL", u32s(frames.length, plays)));
    }
    parts.push(frameControl(seq++, width, height, delays[i]));
    for (const { type, data } of chunks) {
      if (type !== "IDAT") continue;
      parts.push(
        i === 0 ? encodeChunk("IDAT", data) : encodeChunk("fdAT", concatBytes([u32s(seq++), data])),
      );
    }
  });
  parts.push(encodeChunk("IEND", new Uint8Array(0)));
  return concatBytes(parts);
}
