// Scores a DCGAN generator file on one of the project's small classifiers, next to the floor
// (real training images against the real held-out images) and the ceiling (an untrained G of
// the same shape), all on N images per set.
//   node scripts/run-ts.mjs packages/algorithms/scripts/eval-dcgan.ts DATA G.safetensors N [CLASSIFIER.safetensors]

import { readFileSync } from "node:fs";
import {
  type DatasetName,
  Generator,
  loadGenerator,
  loadImageSet,
  loadSmallClassifierFile,
  sampleImages,
  scoreImages,
} from "@sheep/algorithms/node";
import { init } from "@sheep/tensor";

const [data, gPath, nArg, classifierPath] = process.argv.slice(2);
if (!data || !gPath || !nArg) {
  console.error("usage: eval-dcgan.ts DATA G.safetensors N [CLASSIFIER.safetensors]");
  process.exit(2);
}
await init();
const n = Number(nArg);
const name = data as DatasetName;
const classifier = await loadSmallClassifierFile(
  name === "mnist" ? "lenet-mnist" : "fashion-cnn",
  classifierPath,
);
const real = (await loadImageSet(name, { split: "test", limit: n })).x;
const count = real.length / 784;
const { g } = await loadGenerator(new Uint8Array(readFileSync(gPath)));
const untrained = new Generator(g.shape, { seed: 4097 }); // the trainer's G seed for seed 1
untrained.eval();
const t0 = performance.now();
const rows = {
  "real train vs real held-out (floor)": (
    await loadImageSet(name, { split: "train", limit: count })
  ).x,
  "untrained G (ceiling)": await sampleImages(untrained, count, 12345),
  [`trained G (${gPath})`]: await sampleImages(g, count, 12345),
};
const out: Record<string, unknown> = { data: name, n: count, classifier: classifier.metadata };
for (const [label, fake] of Object.entries(rows)) {
  out[label] = await scoreImages(classifier.model, real, fake);
  console.error(label, JSON.stringify(out[label]));
}
out.seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify(out, null, 1));
process.exit(0);
