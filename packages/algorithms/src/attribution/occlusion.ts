// Occlusion sensitivity (Zeiler & Fergus 2014): grey out one window at a time and see how much
// the class's probability drops. Windows overlap; a pixel's value is the mean drop over every
// window covering it. Many occluded copies go through the network in one batch.

import { narrow, noGrad, softmax, type Tensor, tensor, tidy } from "@sheep/tensor";
import { flatLogits } from "../adversarial/attack.ts";
import { type DreamModel, logitsTapOf, tapsOf } from "../model.ts";
import { checkOneImage, targetClass } from "./score.ts";

export interface OcclusionOptions {
  /** Side of the square window, pixels. Default: a quarter of the shorter side. */
  window?: number;
  /** Step between windows. Default window / 2. */
  stride?: number;
  /** What a covered pixel becomes. Default 0.5 (mid grey). */
  baseline?: number;
  /** The class whose probability is watched; default the model's top class. */
  target?: number;
  /** Occluded copies per forward. Default 32. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface OcclusionMap {
  /** [H, W]: mean drop of the target's probability over the windows covering each pixel. */
  heat: Float32Array;
  height: number;
  width: number;
  target: number;
  /** The target's probability on the untouched image. */
  probability: number;
  /** How many windows were scored. */
  windows: number;
}

/** Window starts along a side: every stride, plus one flush with the far edge. */
export function windowStarts(side: number, window: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + window <= side; s += stride) out.push(s);
  if (out.at(-1)! + window < side) out.push(side - window);
  return out;
}

function probabilities(model: DreamModel, x: Tensor, target: number): Tensor {
  const tap = logitsTapOf(model);
  const p = softmax(flatLogits(tapsOf(model, x, [tap]).get(tap)!), 1);
  return narrow(p, 1, target, 1).reshape(x.shape[0]);
}

export async function occlusion(
  model: DreamModel,
  x: Tensor,
  o: OcclusionOptions = {},
): Promise<OcclusionMap> {
  const [, h, w] = checkOneImage("occlusion", x);
  const window = o.window ?? Math.max(1, Math.floor(Math.min(h, w) / 4));
  const stride = o.stride ?? Math.max(1, Math.floor(window / 2));
  if (!Number.isInteger(window) || window < 1 || window > Math.min(h, w)) {
    throw new Error(
      `occlusion: window ${window} does not fit the ${w}×${h} image (1…${Math.min(h, w)})`,
    );
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new Error(`occlusion: stride must be an integer ≥ 1, got ${stride}`);
  }
  const baseline = o.baseline ?? 0.5;
  const batch = o.batchSize ?? 32;
  const target = await targetClass(model, x, o.target);
  const clean = noGrad(() => tidy(() => probabilities(model, x, target)));
  const [p0] = await clean.data();
  clean.dispose();

  const boxes: [number, number][] = [];
  for (const top of windowStarts(h, window, stride)) {
    for (const left of windowStarts(w, window, stride)) boxes.push([top, left]);
  }
  const sum = new Float64Array(h * w);
  const count = new Float64Array(h * w);
  for (let at = 0; at < boxes.length; at += batch) {
    const part = boxes.slice(at, at + batch);
    // mask [B, 1, H, W] = rows [B, 1, H, 1] ⊗ columns [B, 1, 1, W] (1 inside the window), so a
    // batch uploads B·(H + W) numbers, not B·H·W; copies = x·(1 − m) + baseline·m
    const rows = new Float32Array(part.length * h);
    const cols = new Float32Array(part.length * w);
    part.forEach(([top, left], b) => {
      rows.fill(1, b * h + top, b * h + top + window);
      cols.fill(1, b * w + left, b * w + left + window);
    });
    const p = noGrad(() =>
      tidy(() => {
        const m = tensor(rows, { shape: [part.length, 1, h, 1] }).mul(
          tensor(cols, { shape: [part.length, 1, 1, w] }),
        );
        const copies = x.mul(m.neg().add(1)).add(m.mul(baseline));
        return probabilities(model, copies, target);
      }),
    );
    const drops = await p.data();
    p.dispose();
    part.forEach(([top, left], b) => {
      for (let y = top; y < top + window; y++) {
        for (let xx = left; xx < left + window; xx++) {
          sum[y * w + xx] += p0 - drops[b];
          count[y * w + xx] += 1;
        }
      }
    });
    o.onProgress?.(Math.min(at + batch, boxes.length), boxes.length);
  }
  const heat = new Float32Array(h * w);
  for (let i = 0; i < heat.length; i++) heat[i] = count[i] ? sum[i] / count[i] : 0;
  return { heat, height: h, width: w, target, probability: p0, windows: boxes.length };
}
