// Convolution benchmark (not a test): every distinct VGG16 conv layer shape (3×3, pad 1, batch 1)
// at the spatial sizes of a 64×64 and a 224×224 input; forward, gradient to the input and
// gradient to the weight; our kernels, our naive baseline, and TensorFlow.js's WebGPU backend on
// the same GPUDevice in the same process. GPU time comes from timestamp queries on both sides
// (engine.trace for us, tf.time().kernelMs for TF.js); each number is the median of several runs
// after warm-up, ours and TF.js alternating (one timed run, after the checking run as warm-up,
// when a run takes over 3 s).
// Results are checked against each other before they are timed.
//
//   node scripts/run-ts.mjs packages/tensor/bench-conv/run.ts [--sizes 64,224] [--reps 5]
//     [--naive-reps 1] [--skip-naive-above 64] [--only fwd,gx,gw] [--json out.json]

import { writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend as SheepBackend } from "../src/backend/webgpu/webgpu.ts";
import { convKernels } from "../src/conv/webgpu/planners.ts";
import {
  conv2d,
  conv2dWeightGrad,
  convTranspose2d,
  engine,
  init,
  noGrad,
  randn,
  release,
  type Tensor,
} from "../src/index.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg("sizes", "64,224").split(",").map(Number);
const reps = Number(arg("reps", "5"));
const naiveReps = Number(arg("naive-reps", "1"));
const naiveMax = Number(arg("skip-naive-above", "64"));
const ops = arg("only", "fwd,gx,gw").split(",") as Op[];
const jsonOut = arg("json", "");
type Op = "fwd" | "gx" | "gw";

/** VGG16's distinct conv layers: [Cin, Cout, downsampling of the input size]. */
const LAYERS: [number, number, number][] = [
  [3, 64, 1],
  [64, 64, 1],
  [64, 128, 2],
  [128, 128, 2],
  [128, 256, 4],
  [256, 256, 4],
  [256, 512, 8],
  [512, 512, 8],
  [512, 512, 16],
];

const info = await init({ backend: "webgpu" });
const device = (engine.backend("webgpu") as SheepBackend).device;
device.onuncapturederror = (e) => {
  throw new Error(
    `WebGPU error during the benchmark: ${(e as GPUUncapturedErrorEvent).error.message}`,
  );
};

// TF.js WebGPU on our device (bench/PEERS.md §1): tfjs-backend-webgpu registers itself at import
// only when navigator.gpu exists, and its kernels are registered under the name "webgpu".
(globalThis as { navigator?: unknown }).navigator ??= { gpu: {} };
const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
tf.env().set("PROD", true);
tf.removeBackend("webgpu");
tf.registerBackend("webgpu", () => new WebGPUBackend(device, undefined), 3);
tf.env().set("WEBGPU_CPU_FORWARD", false);
await tf.setBackend("webgpu");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** GPU milliseconds of everything fn dispatches on our engine (packs, kernels, reduce passes). */
async function ours(fn: () => Tensor, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const recs = await engine.trace(() => noGrad(fn));
    times.push(recs.reduce((s, r) => s + (r.timeMs ?? 0), 0));
  }
  return median(times);
}

async function theirs(fn: () => tf.Tensor, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    let out: tf.Tensor | null = null;
    const t = await tf.time(() => {
      out = fn();
    });
    (out as tf.Tensor | null)?.dispose();
    times.push(t.kernelMs as number);
  }
  return median(times);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

interface Row {
  size: number;
  cin: number;
  cout: number;
  hw: number;
  op: Op;
  gflop: number;
  oursMs: number;
  naiveMs: number | null;
  tfjsMs: number;
  check: number;
}
const rows: Row[] = [];

for (const size of sizes) {
  for (const [cin, cout, down] of LAYERS) {
    const hw = size / down;
    const x = randn([1, cin, hw, hw], { seed: 1 });
    const w = randn([cout, cin, 3, 3], { seed: 2, std: 0.1 });
    const g = randn([1, cout, hw, hw], { seed: 3 });
    // TF.js is NHWC / HWIO: transposed once, outside the timed region.
    const [xd, wd, gd] = await Promise.all([x.data(), w.data(), g.data()]);
    const xT = tf.tensor(xd, [1, cin, hw, hw]).transpose([0, 2, 3, 1]);
    const wT = tf.tensor(wd, [cout, cin, 3, 3]).transpose([2, 3, 1, 0]);
    const gT = tf.tensor(gd, [1, cout, hw, hw]).transpose([0, 2, 3, 1]);
    const gflop = (2 * hw * hw * cin * cout * 9) / 1e9;
    const sheep: Record<Op, () => Tensor> = {
      fwd: () => conv2d(x, w, null, { padding: 1 }),
      gx: () => convTranspose2d(g, w, null, { padding: 1 }),
      gw: () => conv2dWeightGrad(x, g, [3, 3], { padding: 1 }),
    };
    const peer: Record<Op, () => tf.Tensor> = {
      fwd: () => tf.conv2d(xT as tf.Tensor4D, wT as tf.Tensor4D, 1, "same"),
      gx: () =>
        tf.conv2dTranspose(gT as tf.Tensor4D, wT as tf.Tensor4D, [1, hw, hw, cin], 1, "same"),
      gw: () =>
        tf.engine().runKernel(
          "Conv2DBackpropFilter",
          { x: xT, dy: gT },
          {
            strides: [1, 1],
            pad: "same",
            dataFormat: "NHWC",
            filterShape: [3, 3, cin, cout],
          },
        ) as tf.Tensor,
    };
    // Back to NCHW / OIHW to compare with ours.
    const toOurs: Record<Op, (t: tf.Tensor) => tf.Tensor> = {
      fwd: (t) => t.transpose([0, 3, 1, 2]),
      gx: (t) => t.transpose([0, 3, 1, 2]),
      gw: (t) => t.transpose([3, 2, 0, 1]),
    };
    for (const op of ops) {
      convKernels.naive = false;
      let t0 = performance.now();
      const mine = sheep[op]();
      const mineData = await mine.data();
      const oursSlow = performance.now() - t0 > 3000;
      t0 = performance.now();
      const ref = peer[op]();
      const refData = await toOurs[op](ref).data();
      const theirsSlow = performance.now() - t0 > 3000;
      const check = maxDiff(mineData, refData);
      mine.dispose();
      ref.dispose();
      // Warm-up, then ours and TF.js alternate run by run, so load from other processes falls
      // on both alike.
      if (!oursSlow) await ours(sheep[op], 1);
      if (!theirsSlow) await theirs(peer[op], 2);
      const mineTimes: number[] = [];
      const peerTimes: number[] = [];
      for (let r = 0; r < Math.max(oursSlow ? 1 : reps, theirsSlow ? 1 : reps); r++) {
        if (r === 0 || !oursSlow) mineTimes.push(await ours(sheep[op], 1));
        if (r === 0 || !theirsSlow) peerTimes.push(await theirs(peer[op], 1));
      }
      const oursMs = median(mineTimes);
      const tfjsMs = median(peerTimes);
      let naiveMs: number | null = null;
      if (hw <= naiveMax) {
        convKernels.naive = true;
        naiveMs = await ours(sheep[op], naiveReps);
        convKernels.naive = false;
      }
      const row = { size, cin, cout, hw, op, gflop, oursMs, naiveMs, tfjsMs, check };
      rows.push(row);
      const gf = (ms: number | null) => (ms === null ? "—" : (gflop / (ms / 1e3)).toFixed(2));
      console.log(
        `${size}² ${cin}→${cout} @${hw} ${op}: ours ${gf(oursMs)}, naive ${gf(naiveMs)}, ` +
          `tfjs ${gf(tfjsMs)} GFLOP/s (×${(tfjsMs / oursMs).toFixed(2)}), max rel diff ${check.toExponential(1)}`,
      );
    }
    for (const t of [x, w, g]) t.dispose();
    for (const t of [xT, wT, gT]) t.dispose();
  }
}

console.log(`\n${info.adapter}: ${info.description}\n`);
console.log(
  "| input | layer | spatial | op | ours GFLOP/s | naive GFLOP/s | TF.js WebGPU GFLOP/s | ours / TF.js |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  const gf = (ms: number | null) => (ms === null ? "—" : (r.gflop / (ms / 1e3)).toFixed(2));
  console.log(
    `| ${r.size}² | ${r.cin}→${r.cout} | ${r.hw}² | ${r.op} | ${gf(r.oursMs)} | ${gf(r.naiveMs)} | ` +
      `${gf(r.tfjsMs)} | ${(r.tfjsMs / r.oursMs).toFixed(2)} |`,
  );
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ adapter: info, rows }, null, 2));
release();
process.exit(0);
