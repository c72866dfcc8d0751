// Train the project's Fashion-MNIST CNN and write the weights that ship with the repo.
//   node scripts/run-ts.mjs packages/algorithms/scripts/train-fashion-cnn.ts [TRAIN_IMAGES] [EPOCHS]
// Data: the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), the
// first TRAIN_IMAGES (default 20,000) of the official training split; scored on the official
// 10,000-image test split.

import { loadFashionMnist } from "@sheep/io";
import { init } from "@sheep/tensor";
import { fashionCnn } from "../src/classifiers/small.ts";
import { trainClassifier } from "./train-common.ts";

await init();
const [limitArg, epochsArg] = process.argv.slice(2);
const limit = Number(limitArg ?? 20000);
const epochs = Number(epochsArg ?? 3);
const train = await loadFashionMnist({ split: "train", limit });
const test = await loadFashionMnist({ split: "test" });
const asSplit = (d: typeof train) => ({
  images: d.images.data,
  labels: d.labels,
  n: d.labels.length,
});
await trainClassifier(fashionCnn(), asSplit(train), asSplit(test), {
  epochs,
  batchSize: 32,
  lr: 2e-3,
  out: new URL("../weights/fashion-cnn.safetensors", import.meta.url).pathname,
  data: `Fashion-MNIST (Xiao et al. 2017, MIT): first ${train.labels.length} training images; official test split`,
});
process.exit(0);
