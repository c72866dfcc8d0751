// What `sheep attack` and `sheep explain` share: loading a classifier by name as a DreamModel,
// an image file shaped for it (grey 28×28 for the small nets, RGB at the input size for the
// ImageNet ones), and its top classes.

import {
  type DreamModel,
  loadDreamModel,
  loadSmallClassifierFile,
  type ModelName,
  type RankedClass,
  readImageTensor,
  topClasses,
} from "@sheep/algorithms/node";
import { resize2d, type Tensor, tidy } from "@sheep/tensor";

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

/** The k most probable classes of one image: the library's, which the demo shows too. */
export { topClasses };

export function formatRanked(r: RankedClass, i: number): string {
  return `${String(i + 1).padStart(3)}. ${`${(100 * r.probability).toFixed(2)}%`.padStart(7)}  ${r.label} (${r.index})`;
}
