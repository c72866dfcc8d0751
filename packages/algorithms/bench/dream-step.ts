// Benchmark (not a test): one DeepDream step — forward to the dream layer and backward to the
// image — with the face network (layer2.3) or VGG16 with random weights at its real widths
// (block4_conv3), or the shipped GoogLeNet (inception_4c/output; ours only: its TF.js peer is
// the bench's googlenet-dream-step pipeline), on our engine and on TensorFlow.js's WebGPU backend sharing our GPUDevice
// (bench/PEERS.md §1). Prints one JSON line per measurement.
//
//   node scripts/run-ts.mjs packages/algorithms/bench/dream-step.ts --model face|vgg16|googlenet \
//     --size 256 [--reps 3] [--tfjs] [--dream]
//
// Wall time per step: the gradient is reduced to one number and read back, so the step has
// really finished. GPU time: the sum of the dispatches' timestamp queries (engine.trace; TF.js
// tf.time().kernelMs). Peak memory: our live bytes, sampled at every allocation (instrumented
// here, in the benchmark only); TF.js: tf.profile's peakBytes.

import {
  loadFaceNetFile,
  loadGoogLeNetFile,
  loadVgg,
  randomVggWeights,
  vggConfig,
  vggSafetensors,
} from "@sheep/models/node";
import { engine, init, release, type Tensor, tensor, valueAndGrad } from "@sheep/tensor";
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend as SheepBackend } from "../../tensor/src/backend/webgpu/webgpu.ts";
import {
  dream,
  faceDreamModel,
  googLeNetDreamModel,
  rng,
  tapsOf,
  vggDreamModel,
} from "../src/index.ts";
import { tfFace, tfVgg16 } from "./tfjs-models.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : (process.argv[i + 1] ?? dflt);
};
const which = arg("model", "face");
const size = Number(arg("size", "256"));
const reps = Number(arg("reps", "3"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const print = (row: Record<string, unknown>) =>
  console.log(JSON.stringify({ model: which, size, ...row }));

const info = await init({ backend: "webgpu" });
const backend = engine.backend("webgpu");
const device = (backend as SheepBackend).device;
device.onuncapturederror = (e) => {
  throw new Error(`WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
};
// peak live bytes: sample after every allocation
let peak = 0;
const alloc = backend.alloc.bind(backend);
backend.alloc = (dtype, length) => {
  const s = alloc(dtype, length);
  peak = Math.max(peak, backend.memory().bytes);
  return s;
};

const layer = { face: "layer2.3", googlenet: "inception_4c/output" }[which] ?? "block4_conv3";
const vggWeights = which === "vgg16" ? randomVggWeights(vggConfig("vgg16"), 1) : null;
const model =
  which === "face"
    ? faceDreamModel(await loadFaceNetFile())
    : which === "googlenet"
      ? googLeNetDreamModel(await loadGoogLeNetFile())
      : vggDreamModel(
          await loadVgg(
            vggSafetensors(vggConfig("vgg16"), "timm", vggWeights!, { classifier: false }),
            { taps: [layer] },
          ),
        );
// seeded noise: a smooth image puts max-pool windows near ties, where the two engines may
// pick different (equally valid) subgradients and the check below would compare those
const random = rng(7);
const pixels = Float32Array.from({ length: 3 * size * size }, () => 0.2 + 0.6 * random.next());
const image = tensor(pixels, { shape: [1, 3, size, size] });
const objective = (x: Tensor) => tapsOf(model, x, [layer]).get(layer)!.square().mean();
print({ adapter: info.adapter, description: info.description, note: `dream layer ${layer}` });

// ---- ours: forward + backward to the image ------------------------------------------------
async function oursOnce(): Promise<number> {
  const t0 = performance.now();
  const { value, grads } = valueAndGrad(objective)(image);
  const s = grads[0].abs().sum();
  await s.item();
  for (const t of [value, grads[0], s]) t.dispose();
  return performance.now() - t0;
}
const base = backend.memory().bytes;
peak = 0;
await oursOnce(); // warm-up: pipelines compile
const wall: number[] = [];
for (let i = 0; i < reps; i++) wall.push(await oursOnce());
const gpu: number[] = [];
for (let i = 0; i < reps; i++) {
  const recs = await engine.trace(() => valueAndGrad(objective)(image).grads);
  gpu.push(recs.reduce((n, r) => n + (r.timeMs ?? 0), 0));
}
const mem = engine.memory();
print({
  engine: "sheep",
  wallMs: median(wall),
  gpuMs: median(gpu),
  peakBytes: peak - base,
  // what the engine holds afterwards, live plus pooled for reuse (the pool keeps ≤ 1 GiB)
  heldBytes: mem.bytes + mem.pooledBytes,
  reps,
});

// ---- ours: the whole dream step (roll, tiles, normalise, update, read the objective) --------
if (process.argv.includes("--dream")) {
  const times: number[] = [];
  let last = performance.now();
  let tiles = 0;
  await dream(
    model,
    image,
    { octaves: 1, steps: reps + 1, objective: [{ kind: "layer", layer }] },
    (p) => {
      const now = performance.now();
      if (p.step > 1) times.push(now - last);
      tiles = p.tiles;
      last = now;
    },
  );
  print({ engine: "sheep dream()", wallMs: median(times), tiles, reps });
}

// ---- TF.js WebGPU on our device -------------------------------------------------------------
if (process.argv.includes("--tfjs") && which === "googlenet") {
  print({ note: "--tfjs: GoogLeNet's TF.js peer is the bench's googlenet-dream-step pipeline" });
} else if (process.argv.includes("--tfjs")) {
  (globalThis as { navigator?: unknown }).navigator ??= { gpu: {} };
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  tf.env().set("PROD", true);
  tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", () => new WebGPUBackend(device, undefined), 3);
  tf.env().set("WEBGPU_CPU_FORWARD", false);
  await tf.setBackend("webgpu");
  const net = which === "face" ? await tfFace() : tfVgg16(vggWeights!);
  const x = tf.tensor(pixels, [1, 3, size, size]).transpose([0, 2, 3, 1]);
  const g = tf.grad((im: tf.Tensor) => net(im).square().mean());
  const once = async () => {
    const t0 = performance.now();
    const s = tf.tidy(() => g(x).abs().sum());
    await s.data();
    s.dispose();
    return performance.now() - t0;
  };
  await once();
  const twall: number[] = [];
  for (let i = 0; i < reps; i++) twall.push(await once());
  const tgpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    let out: tf.Tensor | null = null;
    const t = await tf.time(() => {
      out = g(x);
    });
    (out as tf.Tensor | null)?.dispose();
    tgpu.push(t.kernelMs as number);
  }
  const prof = await tf.profile(() => g(x));
  // the same gradient on both engines, as a check that the same network was timed
  const ours = await valueAndGrad(objective)(image).grads[0].data();
  const theirs = await g(x).transpose([0, 3, 1, 2]).data();
  let err = 0;
  let scale = 0;
  let d2 = 0;
  let r2 = 0;
  for (let i = 0; i < ours.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
    d2 += (ours[i] - theirs[i]) ** 2;
    r2 += theirs[i] ** 2;
  }
  print({
    engine: "tfjs-webgpu",
    wallMs: median(twall),
    gpuMs: median(tgpu),
    peakBytes: prof.peakBytes,
    // max |ours − theirs| ÷ max |theirs|, and ‖ours − theirs‖ ÷ ‖theirs‖: a ReLU whose input is
    // within rounding of 0 on one engine and not the other moves single elements (the max),
    // not the whole gradient (the L2)
    relDiff: err / scale,
    relL2: Math.sqrt(d2 / r2),
    reps,
  });
}
release();
process.exit(0);
