// The number every attribution explains: one class's logit (or its map averaged over
// positions) for each image of a batch. Which class: the caller's, else the model's top one.
// And the top classes of an image, which the demo shows beside every attack and explanation.

import { noGrad, softmax, type Tensor, tensor, tidy } from "@sheep/tensor";
import { flatLogits } from "../adversarial/attack.ts";
import { type DreamModel, logitsTapOf, tapsOf } from "../model.ts";

/** z[n, target] for images x [N, C, H, W] in [0, 1]: logits [N, K] picked by a one-hot. */
export function classScore(model: DreamModel, x: Tensor, target: number): Tensor {
  const tap = logitsTapOf(model);
  const z = flatLogits(tapsOf(model, x, [tap]).get(tap)!);
  const k = z.shape[1];
  const pick = new Float32Array(k);
  pick[target] = 1;
  return z.mul(tensor(pick, { shape: [1, k] })).sum(1);
}

/** The class to explain: `target` checked against the model, or its top class on x. */
export async function targetClass(model: DreamModel, x: Tensor, target?: number): Promise<number> {
  const tap = logitsTapOf(model);
  if (target !== undefined) {
    const k = model.classes?.length;
    if (!Number.isInteger(target) || target < 0 || (k !== undefined && target >= k)) {
      throw new Error(`${model.name} has no class ${target} (classes are 0…${(k ?? 1) - 1})`);
    }
    return target;
  }
  const top = noGrad(() => tidy(() => flatLogits(tapsOf(model, x, [tap]).get(tap)!).argmax(1)));
  const [i] = await top.data();
  top.dispose();
  return i;
}

/** One image [1, C, H, W] in [0, 1], or a one-line error naming what came instead. */
export function checkOneImage(what: string, x: Tensor): [number, number, number] {
  if (x.rank !== 4 || x.shape[0] !== 1) {
    throw new Error(`${what}: needs one image [1, C, H, W], got [${x.shape.join(", ")}]`);
  }
  return [x.shape[1], x.shape[2], x.shape[3]];
}

/** One class of a ranking: its index, its name and its softmax probability. */
export interface RankedClass {
  index: number;
  label: string;
  probability: number;
}

/** The k most probable classes of one image [1, C, H, W] in [0, 1], most probable first. */
export async function topClasses(model: DreamModel, x: Tensor, k = 5): Promise<RankedClass[]> {
  checkOneImage("top classes", x);
  const tap = logitsTapOf(model);
  const p = noGrad(() => tidy(() => softmax(flatLogits(tapsOf(model, x, [tap]).get(tap)!), 1)));
  const row = await p.data();
  p.dispose();
  return Array.from(row.keys())
    .sort((a, b) => row[b] - row[a])
    .slice(0, k)
    .map((index) => ({
      index,
      label: model.classes?.[index] ?? `class ${index}`,
      probability: row[index],
    }));
}
