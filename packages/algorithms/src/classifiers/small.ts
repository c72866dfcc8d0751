// The project's own small classifiers — a CNN for Fashion-MNIST and a LeNet for MNIST — as
// modules whose named stages are the DreamModel's taps, so the attacks and attributions that
// work on GoogLeNet work on them unchanged. Their trained weights ship in ../../weights/.

import { nn, type Tensor } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";

/** A chain of named stages; each stage's output is a tap. */
export class TappedNet extends nn.Module {
  readonly stages: readonly [string, nn.Layer][];

  constructor(stages: [string, nn.Layer][]) {
    super();
    this.stages = stages;
    for (const [name, layer] of stages) this.registerModule(name, layer);
  }

  /** Run the stages up to the deepest of `taps`, keeping the tapped outputs. */
  run(x: Tensor, taps: readonly string[]): Map<string, Tensor> {
    const names = this.stages.map(([n]) => n);
    const deepest = Math.max(...taps.map((t) => names.indexOf(t)));
    const out = new Map<string, Tensor>();
    let h = x;
    for (let i = 0; i <= deepest; i++) {
      h = this.stages[i][1].forward(h);
      if (taps.includes(names[i])) out.set(names[i], h);
    }
    return out;
  }

  forward(x: Tensor): Tensor {
    return this.run(x, [this.stages.at(-1)![0]]).get(this.stages.at(-1)![0])!;
  }
}

/** What a small classifier is: its stages, its inputs' statistics, its class names. */
export interface SmallClassifier {
  name: string;
  net: TappedNet;
  classes: readonly string[];
  /** Inputs are [N, 1, size, size] grey images in [0, 1], standardised with mean and std. */
  size: number;
  mean: number;
  std: number;
}

export const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

export const DIGIT_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

/**
 * conv 1→8 3×3 → relu → pool → conv 8→16 3×3 → relu → pool → linear 784→10: the CNN of the
 * tensor package's training test. Mean/std: those of Fashion-MNIST's training pixels.
 */
export function fashionCnn(seed = 11): SmallClassifier {
  const net = new TappedNet([
    ["conv1", new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1, seed }), new nn.ReLU())],
    ["pool1", new nn.MaxPool2d(2)],
    [
      "conv2",
      new nn.Sequential(new nn.Conv2d(8, 16, 3, { padding: 1, seed: seed + 2 }), new nn.ReLU()),
    ],
    ["pool2", new nn.MaxPool2d(2)],
    [
      "logits",
      new nn.Sequential(new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10, { seed: seed + 4 })),
    ],
  ]);
  return { name: "fashion-cnn", net, classes: FASHION_CLASSES, size: 28, mean: 0.286, std: 0.353 };
}

/**
 * The LeNet of PyTorch's FGSM tutorial: conv 1→10 5×5 → pool → relu → conv 10→20 5×5 → pool →
 * relu → linear 320→50 → relu → dropout → linear 50→10 (its Dropout2d on conv2 is left out).
 * Inputs are standardised with MNIST's mean and std, as the tutorial's newer version does.
 */
export function lenet(seed = 5): SmallClassifier {
  const net = new TappedNet([
    [
      "conv1",
      new nn.Sequential(new nn.Conv2d(1, 10, 5, { seed }), new nn.MaxPool2d(2), new nn.ReLU()),
    ],
    [
      "conv2",
      new nn.Sequential(
        new nn.Conv2d(10, 20, 5, { seed: seed + 2 }),
        new nn.MaxPool2d(2),
        new nn.ReLU(),
      ),
    ],
    [
      "fc1",
      new nn.Sequential(
        new nn.Flatten(),
        new nn.Linear(320, 50, { seed: seed + 4 }),
        new nn.ReLU(),
      ),
    ],
    [
      "logits",
      new nn.Sequential(new nn.Dropout(0.5, seed + 6), new nn.Linear(50, 10, { seed: seed + 7 })),
    ],
  ]);
  return { name: "lenet-mnist", net, classes: DIGIT_CLASSES, size: 28, mean: 0.1307, std: 0.3081 };
}

/** A small classifier as a DreamModel (eval mode: dropout off). */
export function smallClassifierModel(c: SmallClassifier): DreamModel {
  c.net.eval();
  return {
    name: c.name,
    taps: c.net.stages.map(([n]) => n),
    classes: c.classes,
    logitsTap: "logits",
    inputSize: c.size,
    minSize: () => c.size,
    preprocess: (x01) => x01.sub(c.mean).div(c.std),
    forward: (x, taps) => c.net.run(x, taps),
  };
}
