// Feature vectors for FID/KID/precision-recall and class probabilities for the Inception score,
// from one of the project's small classifiers in place of Inception v3 (which sees 299×299
// colour photos, not 28×28 grey digits and garments). The layer is the one that feeds the
// classifier's last linear map, as Inception's pool3 feeds its logits:
//   lenet-mnist: fc1 (50 values, after ReLU)        fashion-cnn: pool2 (16·7·7 = 784 values)
// Why that is a fair stand-in: the layer was trained to separate exactly these classes, so it
// encodes the features that tell them apart (strokes, silhouettes) and little pixel noise;
// the scores are comparable only between runs that use the same classifier and layer.

import { engine, noGrad, softmax, type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "../../model.ts";
import { PIXELS, SIDE } from "./data.ts";
import { type Features, features } from "./metrics.ts";

export const FEATURE_TAPS: Readonly<Record<string, string>> = {
  "lenet-mnist": "fc1",
  "fashion-cnn": "pool2",
};

/** The tap a classifier is scored on (its own entry above, or the tap before its logits). */
export function featureTap(model: DreamModel): string {
  const tap = FEATURE_TAPS[model.name] ?? model.taps.at(-2);
  if (!tap) throw new Error(`featureTap: ${model.name} has no layer before its logits`);
  return tap;
}

/**
 * The classifier's features at `tap` and its class probabilities for n images [n·784] in
 * [−1, 1] (what G makes; real sets are stored the same way), in batches.
 */
export async function embedImages(
  model: DreamModel,
  images: Float32Array,
  o: { tap?: string; batch?: number } = {},
): Promise<{ feats: Features; probs: Features }> {
  const n = Math.floor(images.length / PIXELS);
  if (n < 1 || n * PIXELS !== images.length) {
    throw new Error(`embedImages: ${images.length} values is not a whole number of 28×28 images`);
  }
  const tap = o.tap ?? featureTap(model);
  const logits = model.logitsTap ?? model.taps.at(-1)!;
  const batch = o.batch ?? 250;
  const feats: Float32Array[] = [];
  const probs: Float32Array[] = [];
  let d = 0;
  for (let at = 0; at < n; at += batch) {
    const b = Math.min(batch, n - at);
    const [f, p] = engine.tidy(() =>
      noGrad(() => {
        // [−1, 1] → [0, 1], the range the classifiers' preprocess expects.
        const x = tensor(images.subarray(at * PIXELS, (at + b) * PIXELS), {
          shape: [b, 1, SIDE, SIDE],
        })
          .add(1)
          .mul(0.5);
        const out = model.forward(model.preprocess(x), [tap, logits]);
        return [out.get(tap)!, softmax(out.get(logits)!, -1)] as [Tensor, Tensor];
      }),
    );
    d = f.size / b;
    feats.push(Float32Array.from(await f.data()));
    probs.push(Float32Array.from(await p.data()));
    f.dispose();
    p.dispose();
  }
  const join = (parts: Float32Array[], width: number) => {
    const all = new Float32Array(n * width);
    let o = 0;
    for (const part of parts) {
      all.set(part, o);
      o += part.length;
    }
    return features(all, n, width);
  };
  return {
    feats: join(feats, d),
    probs: join(probs, model.classes?.length ?? probs[0].length / Math.min(batch, n)),
  };
}
