// The endless zoom (the "Inceptionism" blog's video; the original notebook's last cell): dream,
// zoom into the result a little, dream again on that, and so on. Each frame feeds on the last,
// so the dream keeps finding new things in what it made itself.

import type { NCHW } from "@sheep/io";
import { type Tensor, tensor } from "@sheep/tensor";
import { zoomRotate } from "../common/warp.ts";
import type { DreamModel } from "../model.ts";
import {
  checkImage,
  type DreamOptions,
  type DreamProgress,
  dream,
  type OnProgress,
} from "./dream.ts";

export interface ZoomOptions extends DreamOptions {
  /** How many frames (default 10). */
  frames?: number;
  /** Zoom between frames (the notebook crops 5% per frame: 1/0.95 ≈ 1.05). */
  zoom?: number;
  /** Rotation between frames in degrees, counter-clockwise (default 0). */
  rotate?: number;
  /** Called with each finished frame (the CLI writes it out at once). */
  onFrame?: (frame: NCHW, index: number) => void | Promise<void>;
}

export interface ZoomProgress extends DreamProgress {
  /** 0-based frame being dreamt, and how many there are. */
  frame: number;
  frames: number;
}

/**
 * Dream `frames` frames, zooming (and rotating) between them. Frames come back on the host, as
 * [1, 3, H, W] data in [0, 1]. Each frame's dream is seeded with seed + frame index. When
 * `signal` aborts, the finished frames come back (or the unfinished first one, if none is).
 */
export async function dreamZoom(
  model: DreamModel,
  image: Tensor,
  options: ZoomOptions = {},
  onProgress?: OnProgress<ZoomProgress>,
  signal?: AbortSignal,
): Promise<NCHW[]> {
  checkImage(image);
  const frames = options.frames ?? 10;
  if (!(Number.isInteger(frames) && frames >= 1))
    throw new Error(`frames must be ≥ 1, got ${frames}`);
  const out: NCHW[] = [];
  let current = image;
  for (let i = 0; i < frames; i++) {
    const seed = (options.seed ?? 0) + i;
    const dreamt = await dream(
      model,
      current,
      { ...options, seed },
      onProgress &&
        ((p) =>
          onProgress({
            ...p,
            frame: i,
            frames,
            done: i * p.total + p.done,
            total: frames * p.total,
          })),
      signal,
    );
    const frame: NCHW = {
      shape: dreamt.shape as NCHW["shape"],
      data: new Float32Array(await dreamt.data()),
    };
    dreamt.dispose();
    if (current !== image) current.dispose();
    if (signal?.aborted && out.length > 0) break;
    out.push(frame);
    await options.onFrame?.(frame, i);
    if (signal?.aborted || i === frames - 1) break;
    const next = zoomRotate(frame, options.zoom ?? 1.05, options.rotate ?? 0);
    current = tensor(next.data, { shape: next.shape, backend: image.backend.kind });
  }
  return out;
}
