// Image classification with a VGG, GoogLeNet or SqueezeNet: resize to the training size,
// preprocess as the weights expect, run to the logits, softmax, and name the top classes.

import { resize2d, softmax, type Tensor, tidy } from "@sheep/tensor";
import type { ImageNetCaffeModel } from "./caffe/nets.ts";
import { imagenetLabels } from "./labels.ts";
import type { Vgg } from "./vgg/model.ts";

/** What can classify: a VGG loaded with its classifier, or a shipped Caffe network. */
export type ImageClassifier = Vgg | ImageNetCaffeModel;

const isCaffe = (m: ImageClassifier): m is ImageNetCaffeModel => "net" in m && "info" in m;

export interface Prediction {
  index: number;
  label: string;
  probability: number;
}

export interface ClassifyOptions {
  /** How many classes to return, most probable first. Default 5. */
  topK?: number;
  /** The square size images are resized to. Default: the network's training size (224; 227 for SqueezeNet). */
  size?: number;
  /** Class names; default the ImageNet labels for 1,000 classes, else "class {i}". */
  labels?: readonly string[];
}

/**
 * Class probabilities [N, classes] of images [N, 3, H, W] (RGB, [0, 1]): bilinear resize to
 * size × size, the dialect's preprocessing, the network, softmax. Differentiable in the images.
 */
export function classProbabilities(
  model: ImageClassifier,
  images: Tensor,
  size = isCaffe(model) ? model.info.inputSize : 224,
): Tensor {
  const x = images.rank === 3 ? images.reshape(1, ...images.shape) : images;
  const sized = x.shape[2] === size && x.shape[3] === size ? x : resize2d(x, [size, size]);
  return softmax(model.logits(model.preprocessing.normalize(sized)), -1);
}

/** The top-k classes of each image of a batch [N, 3, H, W] in [0, 1]. */
export async function classifyBatch(
  model: ImageClassifier,
  images: Tensor,
  opts: ClassifyOptions = {},
): Promise<Prediction[][]> {
  const topK = opts.topK ?? 5;
  if (!Number.isInteger(topK) || topK < 1)
    throw new Error(`topK must be a positive integer, got ${topK}`);
  if (!isCaffe(model) && !model.hasClassifier) {
    throw new Error('this VGG was loaded without its classifier: load it with taps: ["logits"]');
  }
  const probs = tidy(() => classProbabilities(model, images, opts.size));
  const data = await probs.data();
  probs.dispose();
  const classes = isCaffe(model) ? model.classes.length : model.config.classes;
  const labels =
    opts.labels ??
    (isCaffe(model)
      ? model.classes
      : classes === 1000
        ? imagenetLabels()
        : Array.from({ length: classes }, (_, i) => `class ${i}`));
  const out: Prediction[][] = [];
  for (let n = 0; n < data.length / classes; n++) {
    const row = data.subarray(n * classes, (n + 1) * classes);
    const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
    out.push(
      order.slice(0, topK).map((index) => ({
        index,
        label: labels[index] ?? `class ${index}`,
        probability: row[index],
      })),
    );
  }
  return out;
}

/** The top-k classes of one image [1, 3, H, W] or [3, H, W] in [0, 1]. */
export async function classify(
  model: ImageClassifier,
  image: Tensor,
  opts: ClassifyOptions = {},
): Promise<Prediction[]> {
  if (image.rank === 4 && image.shape[0] !== 1) {
    throw new Error(
      `classify takes one image, got a batch of ${image.shape[0]}: use classifyBatch`,
    );
  }
  return (await classifyBatch(model, image, opts))[0];
}
