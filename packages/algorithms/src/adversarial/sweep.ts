// Accuracy against attack strength: attack a labelled set at each ε and count what the model
// still gets right — the curve of PyTorch's FGSM tutorial, for any DreamModel and attack.

import { noGrad, tensor } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";
import {
  type AttackMethod,
  type AttackOptions,
  attack,
  checkAttackOptions,
  predict,
} from "./attack.ts";

/** Labelled images: [N, C, H, W] in [0, 1], row-major, and N class indices. */
export interface LabelledImages {
  images: Float32Array;
  shape: readonly [number, number, number, number];
  labels: Int32Array;
}

export interface SweepPoint {
  eps: number;
  /** Fraction of all images still classified correctly after the attack. */
  accuracy: number;
  correct: number;
  total: number;
  /** The first few adversarial images (data of [k, C, H, W]), their labels and predictions. */
  examples: { images: Float32Array; labels: Int32Array; predicted: Int32Array };
}

export interface SweepOptions extends Omit<AttackOptions, "eps" | "target"> {
  /** Images per forward/backward. Default 100. */
  batchSize?: number;
  /** How many adversarial examples to keep per ε. Default 8. */
  keep?: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops between batches; the ε values finished by then come back (an unfinished one does not). */
  signal?: AbortSignal;
}

/**
 * Attack every image at each ε and score it. As in the tutorial, an image the model already
 * gets wrong counts as wrong (it is not attacked into being right), and the attacks push away
 * from the true label.
 */
export async function epsilonSweep(
  model: DreamModel,
  data: LabelledImages,
  method: AttackMethod,
  epsilons: readonly number[],
  o: SweepOptions = {},
): Promise<SweepPoint[]> {
  for (const eps of epsilons) checkAttackOptions(method, { ...o, eps });
  const [n, c, h, w] = data.shape;
  if (data.labels.length !== n || data.images.length !== n * c * h * w) {
    throw new Error(`epsilonSweep: ${n} images of ${c}×${h}×${w} need as many labels and pixels`);
  }
  const size = o.batchSize ?? 100;
  const keep = o.keep ?? 8;
  const out: SweepPoint[] = [];
  let done = 0;
  for (const eps of epsilons) {
    let correct = 0;
    const kept: { images: number[]; labels: number[]; predicted: number[] } = {
      images: [],
      labels: [],
      predicted: [],
    };
    for (let at = 0; at < n; at += size) {
      if (o.signal?.aborted) return out;
      const b = Math.min(size, n - at);
      const per = c * h * w;
      const x = tensor(data.images.subarray(at * per, (at + b) * per), { shape: [b, c, h, w] });
      const labels = data.labels.subarray(at, at + b);
      const y = tensor(labels);
      const clean = noGrad(() => predict(model, x));
      const adv = eps === 0 ? x.add(0) : attack(model, x, method, { ...o, eps, labels: y });
      const after = noGrad(() => predict(model, adv));
      const [before, predicted] = [await clean.data(), await after.data()];
      // right after the attack only where it was right before
      for (let i = 0; i < b; i++)
        if (before[i] === labels[i] && predicted[i] === labels[i]) correct++;
      if (kept.labels.length < keep) {
        const k = Math.min(keep - kept.labels.length, b);
        const advData = await adv.data();
        kept.images.push(...advData.subarray(0, k * per));
        kept.labels.push(...labels.subarray(0, k));
        kept.predicted.push(...predicted.subarray(0, k));
      }
      for (const t of [x, y, clean, adv, after]) t.dispose();
      done += b;
      o.onProgress?.(done, n * epsilons.length);
    }
    out.push({
      eps,
      accuracy: correct / n,
      correct,
      total: n,
      examples: {
        images: Float32Array.from(kept.images),
        labels: Int32Array.from(kept.labels),
        predicted: Int32Array.from(kept.predicted),
      },
    });
  }
  return out;
}
