// Runs face-api's own FaceRecognitionNet (TF.js, CPU backend) on synthetic images and writes
// data/face-reference.json: the 128-D descriptors plus per-block activation statistics.
//
// Run from the repository root: `node packages/models/scripts/face-reference.mjs`.
// Which face-api build: dist/face-api.node-wasm.js, a CommonJS build that takes the external
// `@tensorflow/tfjs` union package (which carries the CPU backend). The ESM "nobundle" build
// imports `@tensorflow/tfjs/dist/index.js`, whose extensionless imports Node's ESM loader
// rejects, and face-api.node.js needs @tensorflow/tfjs-node, which is not installed.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importTs } from "./import-ts.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const require = createRequire(import.meta.url);
const faceapi = require("@vladmandic/face-api/dist/face-api.node-wasm.js");
const { tf } = faceapi;
const faceApiDir = dirname(require.resolve("@vladmandic/face-api/package.json"));
const modelDir = join(faceApiDir, "model");

await tf.setBackend("cpu");
await tf.ready();

// face-api's own loader: reads the manifest and .bin through tf.io and dequantises them.
const net = new faceapi.FaceRecognitionNet();
await net.loadFromDisk(modelDir);

const { FACE_INPUT_NAMES, FACE_INPUT_FORMULAS, faceInput, fnv1a } = await importTs(
  join(pkg, "src/face/inputs.ts"),
);
const { FACE_BLOCKS, FACE_INPUT } = await importTs(join(pkg, "src/face/architecture.ts"));

/** Summary of an NHWC activation, reported in NCHW terms (shape and sample order). */
function stats(name, x) {
  const nchw = tf.tidy(() => tf.transpose(x, [0, 3, 1, 2]));
  const v = nchw.dataSync();
  const shape = nchw.shape;
  nchw.dispose();
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const a of v) {
    sum += a;
    min = Math.min(min, a);
    max = Math.max(max, a);
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const a of v) sq += (a - mean) ** 2;
  const std = Math.sqrt(sq / v.length);
  return { name, shape, mean, std, min, max, first8: Array.from(v.slice(0, 8)) };
}

// A replica of FaceRecognitionNet.forwardInput (src/faceRecognitionNet/*.ts) that keeps the
// intermediate tensors; its output is checked against face-api's own below.
const p = net.params;
function convLayer(x, layer, stride, relu, padding) {
  let out = tf.conv2d(x, layer.conv.filters, stride, padding);
  out = tf.add(tf.mul(tf.add(out, layer.conv.bias), layer.scale.weights), layer.scale.biases);
  return relu ? tf.relu(out) : out;
}
function block(x, params, down) {
  let out = convLayer(x, params.conv1, down ? 2 : 1, true, down ? "valid" : "same");
  out = convLayer(out, params.conv2, 1, false, "same");
  let shortcut = x;
  if (down) {
    shortcut = tf.avgPool(x, 2, 2, "valid");
    const [, h, w, c] = shortcut.shape;
    // dlib's add_prev: the smaller tensor is zero-padded (bottom/right, extra channels last).
    out = tf.pad(out, [
      [0, 0],
      [0, h - out.shape[1]],
      [0, w - out.shape[2]],
      [0, 0],
    ]);
    shortcut = tf.pad(shortcut, [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, out.shape[3] - c],
    ]);
  }
  return tf.relu(tf.add(out, shortcut));
}
function forwardWithStats(pixels) {
  return tf.tidy(() => {
    const x = tf.tensor4d(pixels, [1, 150, 150, 3]);
    const mean = tf.tensor1d([...FACE_INPUT.meanRgb]);
    const input = tf.div(tf.sub(x, mean), FACE_INPUT.divisor);
    const out = [stats("input", input)];
    let h = convLayer(input, p.conv32_down, 2, true, "valid");
    out.push(stats("stem.conv", h));
    h = tf.maxPool(h, 3, 2, "valid");
    out.push(stats("stem.maxpool", h));
    for (const b of FACE_BLOCKS) {
      h = block(h, p[b.tf], b.down);
      out.push(stats(b.name, h));
    }
    const pooled = tf.mean(h, [1, 2]);
    out.push(stats("avgpool", tf.reshape(pooled, [1, 1, 1, 256])));
    const descriptor = tf.matMul(pooled, p.fc).dataSync();
    return { stages: out, descriptor: Array.from(descriptor) };
  });
}

const cases = [];
let worst = 0;
for (const name of FACE_INPUT_NAMES) {
  const pixels = faceInput(name);
  const image = tf.tensor3d(pixels, [150, 150, 3]);
  const descriptor = Array.from(await net.computeFaceDescriptor(image));
  image.dispose();
  const replica = forwardWithStats(pixels);
  for (let i = 0; i < 128; i++)
    worst = Math.max(worst, Math.abs(replica.descriptor[i] - descriptor[i]));
  cases.push({
    name,
    formula: FACE_INPUT_FORMULAS[name],
    fnv1a: fnv1a(pixels),
    descriptor,
    stages: replica.stages,
  });
  console.log(`${name}: |descriptor| = ${Math.hypot(...descriptor).toFixed(4)}`);
}
console.log(`replica vs face-api: max abs difference ${worst}`);
if (worst > 1e-5) throw new Error("the replica forward pass disagrees with face-api");

const version = (name) =>
  JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
const reference = {
  about:
    "face-api FaceRecognitionNet.computeFaceDescriptor on synthetic 150x150 RGB images; " +
    "stages come from a TF.js replica of its forward pass (checked to agree within 1e-5)",
  generator: "packages/models/scripts/face-reference.mjs",
  versions: {
    "@vladmandic/face-api": version("@vladmandic/face-api"),
    "@tensorflow/tfjs": tf.version_core,
  },
  backend: tf.getBackend(),
  precision: "float32",
  replicaMaxAbsDifference: worst,
  input: {
    layout: "HWC, 150x150x3, RGB, integer values 0..255 (packages/models/src/face/inputs.ts)",
    preprocessing: [
      "NetInput.toBatchTensor(150, isCenterInputs=true): a tensor input is padded to a square " +
        "with zeros (padToSquare, centred: round(diff/2) after, the rest before) and, if not " +
        "already 150x150, resized by tf.image.resizeBilinear(alignCorners=false, " +
        "halfPixelCenters=false)",
      "cast to float32",
      `normalize: subtract meanRgb [${FACE_INPUT.meanRgb}] per channel (R, G, B)`,
      "divide by 255",
      "the images here are already 150x150, so no padding or resizing happens",
    ],
  },
  statsNote: "shape and first8 are NCHW; std is the population standard deviation",
  cases,
};
const out = join(pkg, "data/face-reference.json");
writeFileSync(out, `${JSON.stringify(reference, null, 1)}\n`);
console.log(`wrote ${out}`);
