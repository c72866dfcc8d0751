// The reduction planner's variants side by side on this adapter: the GPU plan with and without
// subgroups and the CPU-adapter plan, interleaved run by run in one process (a loaded machine
// then falls on all alike), each case's GPU time (sum of its dispatches' timestamps) as the
// minimum over the runs.
//   node scripts/run-ts.mjs packages/tensor/bench-engine/reduce-plans.ts [runs]

import { reduceTuning } from "../src/backend/webgpu/reduce.ts";
import * as F from "../src/index.ts";
import { engine, init, rand, type Tensor } from "../src/index.ts";

await init();
const x = rand([1024, 1024], { seed: 1 });
const z = rand([1024, 1000], { seed: 2 });
await Promise.all([x.data(), z.data()]);
const cases: [string, () => Tensor][] = [
  ["sum all [1024², flat]", () => F.sum(x)],
  ["sum rows [1024, 1024]", () => F.sum(x, 1)],
  ["max cols [1024, 1024]", () => F.max(x, 0)],
  ["variance cols [1024, 1024]", () => F.variance(x, 0)],
  ["softmax rows [1024, 1000]", () => F.softmax(z, -1)],
];
const plans = [
  { name: "gpu+subgroups", profile: "gpu", subgroups: true },
  { name: "gpu, no subgroups", profile: "gpu", subgroups: false },
  { name: "cpu plan", profile: "cpu", subgroups: true },
] as const;
const runs = Number(process.argv[2] ?? 15);
console.log(`${engine.info.adapter}: ${engine.info.description}; min of ${runs} runs, ms`);
console.log(`| case | ${plans.map((p) => p.name).join(" | ")} |`);
console.log(`| --- | ${plans.map(() => "---").join(" | ")} |`);
for (const [name, f] of cases) {
  const times: number[][] = plans.map(() => []);
  for (let k = 0; k <= runs; k++) {
    for (const [i, p] of plans.entries()) {
      reduceTuning.profile = p.profile;
      reduceTuning.subgroups = p.subgroups;
      const records = await engine.trace(() => f());
      if (k > 0) times[i].push(records.reduce((s, r) => s + (r.timeMs ?? 0), 0));
    }
  }
  console.log(`| ${name} | ${times.map((t) => Math.min(...t).toFixed(2)).join(" | ")} |`);
}
process.exit(0);
