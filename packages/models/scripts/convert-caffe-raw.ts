// Convert a folder of raw per-layer Caffe weights (../shared/weights/<net>/: deploy.prototxt and
// weights/<layer>_filter.bin OHWI float32) into one safetensors file with OIHW weights named by
// caffeTensorName (`conv1/7x7_s2.weight`, `.bias`), F16 by default. The file's metadata carries
// the deploy prototxt and the class labels (synset_words.txt), so one file is the whole network.
//   node scripts/run-ts.mjs packages/models/scripts/convert-caffe-raw.ts SRC_DIR OUT.safetensors [--f32]

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { caffeTensorName } from "../src/caffe/blob.ts";
import { caffeNetSpec } from "../src/caffe/net-spec.ts";
import { readRawCaffeWeights } from "../src/caffe/raw.ts";
import { encodeF16 } from "../src/safetensors/half.ts";
import { writeSafetensorsFile } from "../src/safetensors/node.ts";

const [src, dest, ...flags] = process.argv.slice(2);
if (!src || !dest) {
  console.error("usage: convert-caffe-raw.ts SRC_DIR OUT.safetensors [--f32]");
  process.exit(2);
}
const f32 = flags.includes("--f32");
const prototxt = readFileSync(join(src, "deploy.prototxt"), "utf8");
const spec = caffeNetSpec(prototxt);
const labels = readFileSync(join(src, "synset_words.txt"), "utf8").trimEnd();
const layers = readRawCaffeWeights(
  spec,
  (p) => new Uint8Array(readFileSync(join(src, "weights", p))),
);
const tensors: Record<string, { dtype: string; shape: number[]; data: ArrayBufferView }> = {};
let params = 0;
for (const layer of layers) {
  layer.blobs.forEach((b, i) => {
    params += b.data.length;
    tensors[caffeTensorName(layer.name, layer.type, i)] = {
      dtype: f32 ? "F32" : "F16",
      shape: [...b.shape],
      data: f32 ? b.data : encodeF16(b.data),
    };
  });
}
await writeSafetensorsFile(dest, tensors, {
  format: "caffe",
  net: spec.name,
  prototxt,
  labels,
  source:
    "converted from raw per-layer float32 files by packages/models/scripts/convert-caffe-raw.ts",
});
console.log(
  `${spec.name}: ${layers.length} layers, ${Object.keys(tensors).length} tensors, ${params} parameters → ${dest} (${f32 ? "F32" : "F16"})`,
);
