// Frame timing shared by the GIF and APNG encoders: one delay per frame, in milliseconds, from
// either `delayMs` (one number or one per frame) or `fps`.

export interface AnimationOptions {
  /** Milliseconds each frame stays on screen: one value for all, or one per frame. */
  delayMs?: number | readonly number[];
  /** Frames per second, an alternative to delayMs. Default when neither is given: 10 fps. */
  fps?: number;
  /** Loop forever (default true); false plays the animation once. */
  loop?: boolean;
}

export const DEFAULT_FPS = 10;

/** Returns each frame's delay in milliseconds, validating the options against the frame count. */
export function frameDelays(frameCount: number, opts: AnimationOptions): number[] {
  if (opts.delayMs !== undefined && opts.fps !== undefined) {
    throw new RangeError("give either delayMs or fps, not both");
  }
  const fps = opts.fps ?? DEFAULT_FPS;
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  const delay = opts.delayMs ?? 1000 / fps;
  const delays = typeof delay === "number" ? new Array<number>(frameCount).fill(delay) : [...delay];
  if (delays.length !== frameCount) {
    throw new RangeError(`got ${delays.length} delays for ${frameCount} frames`);
  }
  for (const d of delays) {
    if (!(d >= 0 && Number.isFinite(d)))
      throw new RangeError(`frame delay must be ≥ 0 ms, got ${d}`);
  }
  return delays;
}
