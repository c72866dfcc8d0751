// What the attacks push on: the cross-entropy of the logits against a class per image, summed
// over the batch (not averaged) so each image's gradient is the same whatever the batch size.

import { nn, type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";

/** Classes: one for the whole batch, one per image (a list or an int32 tensor [N]). */
export type Labels = number | readonly number[] | Int32Array | Tensor;

/** Σₙ −log softmax(zₙ)[yₙ] for logits [N, K] (or a map [N, K, h, w], averaged first). */
export function classLoss(logits: Tensor, y: Tensor): Tensor {
  const z =
    logits.rank === 2
      ? logits
      : logits.mean(Array.from({ length: logits.rank - 2 }, (_, i) => i + 2));
  return nn.crossEntropy(z, y, { reduction: "sum" });
}

/** Labels as an int32 tensor [n], each checked against the model's classes. */
export function labelTensor(model: DreamModel, labels: Labels, n: number): Tensor {
  if (labels instanceof Object && "shape" in labels) {
    if (labels.shape.length !== 1 || labels.shape[0] !== n) {
      throw new Error(`labels must be [${n}] (one per image), got [${labels.shape.join(", ")}]`);
    }
    return labels.add(0);
  }
  const list = typeof labels === "number" ? new Array<number>(n).fill(labels) : [...labels];
  if (list.length !== n) {
    throw new Error(`labels: ${list.length} given for a batch of ${n} images`);
  }
  const k = model.classes?.length;
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || (k !== undefined && c >= k)) {
      throw new Error(
        `${model.name}: class ${c} does not exist (classes are 0…${k === undefined ? "K" : k - 1})`,
      );
    }
  }
  return tensor(Int32Array.from(list));
}
