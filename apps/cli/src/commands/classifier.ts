// What `sheep attack` and `sheep explain` share: loading a classifier by name as a DreamModel,
// an image file shaped for it (grey 28×28 for the small nets, RGB at the input size for the
// ImageNet ones), and its top classes.

import {
  type DreamModel,
  flatLogits,
  loadDreamModel,
  loadSmallClassifierFile,
  type ModelName,
  readImageTensor,
} from "@sheep/algorithms/node";
import { noGrad, resize2d, softmax, type Tensor, tidy } from "@sheep/tensor";

/**
 * The small nets ship with this package; any other name goes to loadDreamModel (the ImageNet
 * nets: vgg16, vgg19, and googlenet/squeezenet where they are shipped). No name: loadDreamModel's
 * default network.
 */
export const CLASSIFIERS =
  "fashion-cnn, lenet-mnist, or an ImageNet net (googlenet, squeezenet, vgg16, vgg19)";
const GREY = new Set(["fashion-cnn", "lenet-mnist"]);

export async function loadClassifier(name?: string): Promise<DreamModel> {
  if (name === "fashion-cnn" || name === "lenet-mnist") {
    return (await loadSmallClassifierFile(name)).model;
  }
  const loaded = await loadDreamModel({ model: name as ModelName | undefined });
  if (loaded.note) console.error(loaded.note);
  return loaded.model;
}

/** An image file as the model's input: [1, C, S, S] in [0, 1] (grey = mean of R, G, B). */
export async function imageFor(model: DreamModel, path: string): Promise<Tensor> {
  const rgb = await readImageTensor(path);
  const size = model.inputSize ?? 224;
  return tidy(() => {
    const x = GREY.has(model.name) ? rgb.mean(1, true) : rgb;
    return x.shape[2] === size && x.shape[3] === size
      ? x.add(0)
      : resize2d(x, [size, size]).clamp(0, 1);
  });
}

export interface Ranked {
  index: number;
  label: string;
  probability: number;
}

/** The k most probable classes of one image. */
export async function topClasses(model: DreamModel, x: Tensor, k = 5): Promise<Ranked[]> {
  const tap = model.logitsTap ?? "logits";
  const p = noGrad(() =>
    tidy(() => softmax(flatLogits(model.forward(model.preprocess(x), [tap]).get(tap)!), 1)),
  );
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

export function formatRanked(r: Ranked, i: number): string {
  return `${String(i + 1).padStart(3)}. ${`${(100 * r.probability).toFixed(2)}%`.padStart(7)}  ${r.label} (${r.index})`;
}
