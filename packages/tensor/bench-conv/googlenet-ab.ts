// Tuning helper (not the benchmark): every convolution of GoogLeNet (BVLC, 224² input), forward
// with its fused bias and ReLU, at batch B, under several kernel configs — interleaved, so that
// load from other processes (and a VM's noisy neighbours) hits every config alike. Random
// weights: only the shapes matter here. Prints the median total per config and, per layer shape,
// the configs' medians side by side.
//   B=25 REPS=5 node scripts/run-ts.mjs packages/tensor/bench-conv/googlenet-ab.ts CFG…
// CFG is key=value,key=value over forwardTuning's fields (true/false or numbers); "" is the
// current tuning.

import { forwardTuning } from "../src/conv/webgpu/forward.ts";
import { conv2d, engine, init, noGrad, randn, type Tensor } from "../src/index.ts";

/** [input channels, output channels, kernel, stride, pad, input side] of each GoogLeNet conv. */
function googlenetConvs(): [number, number, number, number, number, number][] {
  const out: [number, number, number, number, number, number][] = [
    [3, 64, 7, 2, 3, 224],
    [64, 64, 1, 1, 0, 56],
    [64, 192, 3, 1, 1, 56],
  ];
  // inception modules: input channels, side, then #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj
  const modules: [number, number, number, number, number, number, number, number][] = [
    [192, 28, 64, 96, 128, 16, 32, 32],
    [256, 28, 128, 128, 192, 32, 96, 64],
    [480, 14, 192, 96, 208, 16, 48, 64],
    [512, 14, 160, 112, 224, 24, 64, 64],
    [512, 14, 128, 128, 256, 24, 64, 64],
    [512, 14, 112, 144, 288, 32, 64, 64],
    [528, 14, 256, 160, 320, 32, 128, 128],
    [832, 7, 256, 160, 320, 32, 128, 128],
    [832, 7, 384, 192, 384, 48, 128, 128],
  ];
  for (const [cin, side, c1, r3, c3, r5, c5, pp] of modules) {
    out.push(
      [cin, c1, 1, 1, 0, side],
      [cin, r3, 1, 1, 0, side],
      [r3, c3, 3, 1, 1, side],
      [cin, r5, 1, 1, 0, side],
      [r5, c5, 5, 1, 2, side],
      [cin, pp, 1, 1, 0, side],
    );
  }
  return out;
}

const batch = Number(process.env.B ?? 25);
const reps = Number(process.env.REPS ?? 5);
const cfgs = process.argv.slice(2);
if (!cfgs.length) cfgs.push("");
const base = { ...forwardTuning };
function use(cfg: string) {
  Object.assign(forwardTuning, base);
  const tuning = forwardTuning as Record<string, unknown>;
  for (const kv of cfg.split(",").filter((r) => r.includes("="))) {
    const [k, v] = kv.split("=");
    tuning[k] = v === "true" ? true : v === "false" ? false : Number(v);
  }
}

await init({ backend: "webgpu" });
const layers = googlenetConvs().map(([cin, cout, k, stride, pad, side], i) => ({
  name: `${k}×${k}/${stride} ${cin}→${cout} at ${side}²`,
  x: randn([batch, cin, side, side], { seed: 3 * i }),
  w: randn([cout, cin, k, k], { seed: 3 * i + 1 }).mul(Math.sqrt(2 / (cin * k * k))),
  b: randn([cout], { seed: 3 * i + 2 }),
  stride,
  pad,
}));
const run = (): Tensor[] =>
  noGrad(() =>
    layers.map((l) =>
      conv2d(l.x, l.w, l.b, { stride: l.stride, padding: l.pad, activation: "relu" }),
    ),
  );
// a first run per config compiles its pipelines and packs its weights
for (const cfg of cfgs) {
  use(cfg);
  for (const y of run()) await y.data();
}
const totals = cfgs.map(() => [] as number[]);
const perLayer = cfgs.map(() => layers.map(() => [] as number[]));
for (let r = 0; r < reps; r++) {
  for (const [i, cfg] of cfgs.entries()) {
    use(cfg);
    let outs: Tensor[] = [];
    const recs = await engine.trace(() => {
      outs = run();
      return outs;
    });
    for (const y of outs) y.dispose();
    totals[i].push(recs.reduce((s, q) => s + (q.timeMs ?? 0), 0));
    // the records come in layer order: each layer's packs, then its conv
    let layer = 0;
    let acc = 0;
    for (const q of recs) {
      acc += q.timeMs ?? 0;
      if (!q.kernel.includes(".pack")) {
        perLayer[i][layer++]?.push(acc);
        acc = 0;
      }
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `GoogLeNet's ${layers.length} convolutions at batch ${batch}, ${reps} interleaved runs`,
);
for (const [i, cfg] of cfgs.entries()) {
  const all = totals[i].map((t) => t.toFixed(0)).join(" ");
  console.log(`${cfg || "default"}: median ${median(totals[i]).toFixed(0)} ms (runs: ${all})`);
}
console.log(`\nper layer, ms: ${cfgs.map((c) => c || "default").join(" | ")}`);
for (const [k, l] of layers.entries()) {
  const ms = cfgs.map((_, i) => median(perLayer[i][k]).toFixed(1).padStart(7));
  console.log(`${ms.join(" ")}  ${l.name}`);
}
process.exit(0);
