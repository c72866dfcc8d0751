// Brush occlusion: the interactive cousin of occlusion(). People paint over an image; painted
// pixels become a flat baseline (grey), and the classifier's top classes are scored again.
// Strokes only mark the mask: nothing runs until score(), and score() runs the network only when
// the mask changed since the last score, once for all the strokes painted in between. A page
// that calls score() once per animation frame so gets one forward per frame, however many
// pointer events arrived.

import { type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";
import { type RankedClass, topClasses } from "./score.ts";

export interface BrushScore {
  /** The top classes of the painted image. */
  top: RankedClass[];
  /** The probability of the clean image's top class on the painted image. */
  cleanTopProbability: number;
  /** Strokes this forward pass took in (0 when nothing had changed and nothing ran). */
  strokes: number;
}

export class BrushOcclusion {
  /** [H, W]: 1 where painted. */
  readonly mask: Uint8Array;
  private pending = 0;
  private cleanTop: RankedClass | null = null;
  private last: BrushScore | null = null;

  /**
   * @param image [C, H, W] in [0, 1] (one image's data)
   * @param baseline what a painted pixel becomes (0.5: mid grey, as occlusion() uses)
   */
  constructor(
    readonly image: Float32Array,
    readonly channels: number,
    readonly height: number,
    readonly width: number,
    readonly baseline = 0.5,
  ) {
    if (image.length !== channels * height * width) {
      throw new Error(
        `brush: an image of ${image.length} values is not [${channels}, ${height}, ${width}]`,
      );
    }
    this.mask = new Uint8Array(height * width);
  }

  /** Paint a disc of `radius` pixels around (x, y); true when it covered a new pixel. */
  paint(x: number, y: number, radius: number): boolean {
    if (!(Number.isFinite(x) && Number.isFinite(y) && radius > 0)) {
      throw new Error(`brush: a stroke needs a finite point and a radius > 0, got ${radius}`);
    }
    let changed = false;
    const r2 = radius * radius;
    const [y0, y1] = [Math.max(0, Math.floor(y - radius)), Math.min(this.height - 1, y + radius)];
    const [x0, x1] = [Math.max(0, Math.floor(x - radius)), Math.min(this.width - 1, x + radius)];
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const i = py * this.width + px;
        if (this.mask[i] || (px + 0.5 - x) ** 2 + (py + 0.5 - y) ** 2 > r2) continue;
        this.mask[i] = 1;
        changed = true;
      }
    }
    if (changed) this.pending++;
    return changed;
  }

  /** Remove all paint (the next score() runs again). */
  clear(): void {
    this.mask.fill(0);
    this.pending++;
  }

  /** Whether strokes are waiting for a score. */
  get dirty(): boolean {
    return this.pending > 0 || this.last === null;
  }

  /** The image with painted pixels set to the baseline, [C, H, W]. */
  painted(): Float32Array {
    const out = Float32Array.from(this.image);
    const n = this.height * this.width;
    for (let i = 0; i < n; i++) {
      if (!this.mask[i]) continue;
      for (let c = 0; c < this.channels; c++) out[c * n + i] = this.baseline;
    }
    return out;
  }

  /**
   * The top-k of the painted image: one forward for every stroke since the last call, or none
   * (the last result again) when nothing was painted since.
   */
  async score(model: DreamModel, k = 5): Promise<BrushScore> {
    if (!this.dirty && this.last) return { ...this.last, strokes: 0 };
    const strokes = this.pending;
    this.pending = 0;
    const shape = [1, this.channels, this.height, this.width];
    if (!this.cleanTop) {
      const clean = tensor(this.image, { shape });
      try {
        this.cleanTop = (await topClasses(model, clean, 1))[0];
      } finally {
        clean.dispose();
      }
    }
    const x: Tensor = tensor(this.painted(), { shape });
    let top: RankedClass[];
    try {
      top = await topClasses(model, x, model.classes?.length ?? 1000);
    } finally {
      x.dispose();
    }
    const clean = top.find((r) => r.index === this.cleanTop!.index);
    this.last = {
      top: top.slice(0, k),
      cleanTopProbability: clean?.probability ?? 0,
      strokes,
    };
    return this.last;
  }
}
