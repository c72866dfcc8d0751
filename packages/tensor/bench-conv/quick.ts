// Tuning helper (not the benchmark): time one 3×3 pad-1 shape under several kernel configs,
// interleaved so that load from other processes hits every config alike.
//   node scripts/run-ts.mjs packages/tensor/bench-conv/quick.ts CIN COUT SIZE fwd|gx|gw CFG…
// CFG is "naive" or key=value,key=value (forwardTuning fields); default: the current tuning.

import { forwardTuning } from "../src/conv/webgpu/forward.ts";
import { convKernels } from "../src/conv/webgpu/planners.ts";
import { weightGradTuning } from "../src/conv/webgpu/weight-grad.ts";
import { conv2d, engine, init, noGrad, randn, release } from "../src/index.ts";
import { apply } from "../src/ops/apply.ts";

const [cin, cout, size] = process.argv.slice(2, 5).map(Number);
const what = process.argv[5] ?? "fwd";
const cfgs = process.argv.slice(6);
if (!cfgs.length) cfgs.push("");
const base = { ...forwardTuning };
const baseW = { ...weightGradTuning };
function use(cfg: string) {
  convKernels.naive = cfg === "naive";
  Object.assign(forwardTuning, base);
  Object.assign(weightGradTuning, baseW);
  const tuning = (what === "gw" ? weightGradTuning : forwardTuning) as Record<string, unknown>;
  for (const kv of cfg.split(",").filter((r) => r.includes("="))) {
    const [k, v] = kv.split("=");
    tuning[k] = Number(v);
  }
}
await init({ backend: "webgpu" });
const x = randn([1, cin, size, size], { seed: 1 });
const w = randn([cout, cin, 3, 3], { seed: 2 });
const g = randn([1, cout, size, size], { seed: 3 });
const geom = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } as const;
const run = () =>
  noGrad(() =>
    what === "fwd"
      ? conv2d(x, w, null, { padding: 1 })
      : what === "gx"
        ? apply("convTranspose2d", [g, w], geom)
        : apply("conv2dWeightGrad", [x, g], { ...geom, kernel: [3, 3] }),
  );
const times = cfgs.map(() => [] as number[]);
const perKernel = cfgs.map(() => new Map<string, number[]>());
let flops = 0;
for (const cfg of cfgs) {
  use(cfg);
  const t0 = performance.now();
  await run().data();
  console.log(`${cfg || "default"}: first run (compile) ${(performance.now() - t0).toFixed(0)} ms`);
}
const reps = Number(process.env.REPS ?? 5);
for (let r = 0; r < reps; r++) {
  for (const [i, cfg] of cfgs.entries()) {
    use(cfg);
    const recs = await engine.trace(run);
    times[i].push(recs.reduce((s, r) => s + (r.timeMs ?? 0), 0));
    for (const r of recs)
      perKernel[i].set(r.kernel, [...(perKernel[i].get(r.kernel) ?? []), r.timeMs ?? 0]);
    flops = recs.reduce((s, r) => s + r.flops, 0);
  }
}
for (const [i, cfg] of cfgs.entries()) {
  const t = times[i].sort((a, b) => a - b);
  const med = t[t.length >> 1];
  const ks = [...perKernel[i]].map(
    ([k, v]) => `${k} ${v.sort((a, b) => a - b)[v.length >> 1].toFixed(1)}`,
  );
  console.log(`  kernels (median ms): ${ks.join(", ")}`);
  console.log(
    `${what} ${cin}→${cout} @${size} ${cfg || "default"}: median ${med.toFixed(2)} ms = ${(flops / med / 1e6).toFixed(2)} GFLOP/s, best ${(flops / t[0] / 1e6).toFixed(2)}`,
  );
}
release();
process.exit(0);
