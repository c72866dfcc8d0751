// How fast caffemodels read, and what F16 costs: the numbers in README.md. The real GoogLeNet
// weights (../shared's raw per-layer files, OHWI) are written as a legacy V1 caffemodel by our
// own writer, read back, compared and converted; then a VGG16-sized file is timed.
// Run from the repository root:
//   node scripts/run-ts.mjs packages/models/scripts/caffemodel-measure.ts [GOOGLENET_DIR]

import { readFileSync } from "node:fs";
import type { CaffeBlob, CaffeLayerWeights } from "../src/caffe/blob.ts";
import { readCaffemodel } from "../src/caffe/caffemodel.ts";
import { caffemodelToSafetensors } from "../src/caffe/caffemodel-convert.ts";
import { writeCaffemodel } from "../src/caffe/caffemodel-write.ts";
import { loadSafetensors } from "../src/safetensors/reader.ts";

const root = process.argv[2] ?? "../shared/weights/bvlc-googlenet";
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

/** OHWI (the raw files' order) to OIHW (Caffe's). */
function ohwiToOihw(x: Float32Array, [o, h, w, i]: number[]): CaffeBlob {
  const out = new Float32Array(x.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let z = 0; z < w; z++)
        for (let c = 0; c < i; c++)
          out[((a * i + c) * h + y) * w + z] = x[((a * h + y) * w + z) * i + c];
  return { shape: [o, i, h, w], data: out };
}

const layers = new Map<string, { name: string; type: string; blobs: CaffeBlob[] }>();
for (const row of readFileSync(`${root}/MANIFEST.tsv`, "utf8").split("\n")) {
  if (!row || row.startsWith("#")) continue;
  const [name, type, , file, shapeText] = row.split("\t");
  const raw = readFileSync(`${root}/weights/${file}`);
  const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const shape = JSON.parse(shapeText.split(" ")[0]) as number[];
  const layer = layers.get(name) ?? { name, type, blobs: [] };
  layer.blobs.push(shape.length === 4 ? ohwiToOihw(data, shape) : { shape, data });
  layers.set(name, layer);
}
const model: CaffeLayerWeights[] = [...layers.values()];

let t = performance.now();
const bytes = writeCaffemodel(
  { name: "GoogleNet", layers: model },
  { format: "v1", shape: "nchw" },
);
const wrote = ms(t);
t = performance.now();
const back = readCaffemodel(bytes);
const read = ms(t);
let params = 0;
let identical = true;
for (const [i, layer] of back.layers.entries()) {
  for (const [j, b] of layer.blobs.entries()) {
    params += b.data.length;
    const want = model[i].blobs[j];
    if (b.shape.join() !== want.shape.join() || b.data.some((x, k) => x !== want.data[k])) {
      identical = false;
    }
  }
}
console.log(
  `googlenet: ${back.layers.length} layers, ${params} parameters, ${bytes.length} bytes; ` +
    `write ${wrote}, read ${read}; identical after the round trip: ${identical}`,
);

t = performance.now();
const f32 = await loadSafetensors(caffemodelToSafetensors(bytes));
const f32Time = ms(t);
t = performance.now();
const f16 = await loadSafetensors(caffemodelToSafetensors(bytes, { f16: true }));
console.log(`convert + load: F32 ${f32Time}, F16 ${ms(t)}`);
let worstAbs = 0;
let worstRel = 0;
let sumSq = 0;
let errSq = 0;
for (const [name, a] of f32) {
  const h = f16.get(name)!;
  for (let k = 0; k < a.data.length; k++) {
    const e = Math.abs(a.data[k] - h.data[k]);
    worstAbs = Math.max(worstAbs, e);
    if (Math.abs(a.data[k]) > 1e-4) worstRel = Math.max(worstRel, e / Math.abs(a.data[k]));
    sumSq += a.data[k] ** 2;
    errSq += e * e;
  }
}
console.log(
  `F16 vs F32 weights: worst abs error ${worstAbs.toExponential(2)}, worst relative error ` +
    `(|w| > 1e-4) ${worstRel.toExponential(2)}, relative RMS ${Math.sqrt(errSq / sumSq).toExponential(2)}`,
);

// VGG16's shapes: 13 convolutions and 3 fully connected layers, 138,357,544 parameters.
const widths = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512];
const vgg: CaffeLayerWeights[] = widths.map((o, n) => {
  const i = n === 0 ? 3 : widths[n - 1];
  const weight = { shape: [o, i, 3, 3], data: new Float32Array(o * i * 9).fill(0.5) };
  return {
    name: `conv${n}`,
    type: "Convolution",
    blobs: [weight, { shape: [o], data: new Float32Array(o) }],
  };
});
for (const [name, o, i] of [
  ["fc6", 4096, 25088],
  ["fc7", 4096, 4096],
  ["fc8", 1000, 4096],
] as const) {
  const weight = { shape: [o, i], data: new Float32Array(o * i).fill(0.25) };
  vgg.push({
    name,
    type: "InnerProduct",
    blobs: [weight, { shape: [o], data: new Float32Array(o) }],
  });
}
const vggBytes = writeCaffemodel(
  { name: "VGG_ILSVRC_16_layers", layers: vgg },
  { format: "v1", shape: "nchw" },
);
t = performance.now();
const vggModel = readCaffemodel(vggBytes);
const vggRead = ms(t);
const vggParams = vggModel.layers.reduce(
  (s, l) => s + l.blobs.reduce((u, b) => u + b.data.length, 0),
  0,
);
console.log(
  `vgg16-sized: ${vggParams} parameters, ${vggBytes.length} bytes; read ${vggRead}; ` +
    `peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
