// A/B of the elementwise and reduction tuning knobs, interleaved run by run in one process (a
// loaded machine then falls on every setting alike); each case's GPU time (sum of its
// dispatches' timestamps) as the minimum over the runs, in ms.
//   node scripts/run-ts.mjs packages/tensor/bench-engine/tuning-ab.ts CASES|all SETTINGS [runs]
// e.g. … tuning-ab.ts "x+y,exp(x)" '[{"elementwise":{"vec4":false}},{"elementwise":{"vec4":true}}]' 15

import { elementwiseTuning } from "../src/backend/webgpu/kernels.ts";
import { reduceTuning } from "../src/backend/webgpu/reduce.ts";
import * as F from "../src/index.ts";
import { engine, init, rand } from "../src/index.ts";

await init();
const x = rand([1024, 1024], { seed: 1 });
const y = rand([1024, 1024], { seed: 2 });
const col = rand([1024, 1], { seed: 3 });
const x4 = rand([1, 64, 128, 128], { seed: 5 });
const b4 = rand([64, 1, 1], { seed: 6 });
const z = rand([1024, 1000], { seed: 7 });
await Promise.all([x.data(), y.data(), col.data(), x4.data(), b4.data(), z.data()]);
const all: [string, () => F.Tensor][] = [
  ["x+y", () => F.add(x, y)],
  ["x·sigmoid(1.702x)", () => F.mul(x4, F.sigmoid(F.mul(x4, 1.702)))],
  ["exp(x)", () => F.exp(x)],
  ["x/col", () => F.div(x, col)],
  ["bias+relu", () => F.relu(F.add(x4, b4))],
  ["sum all", () => F.sum(x)],
  ["sum rows", () => F.sum(x, 1)],
  ["sum rows exp(x-col)", () => F.sum(F.exp(F.sub(x, col)), 1)],
  ["max cols", () => F.max(x, 0)],
  ["softmax", () => F.softmax(z, -1)],
];
// SETTINGS: a JSON list, each {elementwise?: {...}, reduce?: {...}} over the defaults.
const [which, settingsJson] = [process.argv[2], process.argv[3]];
const configs: { elementwise?: object; reduce?: object }[] = JSON.parse(settingsJson);
const base = { e: { ...elementwiseTuning }, r: { ...reduceTuning } };
const apply = (c: (typeof configs)[number]) => {
  Object.assign(elementwiseTuning, base.e, c.elementwise ?? {});
  Object.assign(reduceTuning, base.r, c.reduce ?? {});
};
const cases = which === "all" ? all : all.filter(([n]) => which.split(",").includes(n));
const reps = Number(process.argv[4] ?? 9);
for (const [name, f] of cases) {
  const t: number[][] = configs.map(() => []);
  for (let k = 0; k <= reps; k++) {
    for (const [ci, c] of configs.entries()) {
      apply(c);
      const recs = await engine.trace(() => f());
      if (k > 0) t[ci].push(recs.reduce((s, r) => s + (r.timeMs ?? 0), 0));
    }
  }
  const best = t.map((ts) => Math.min(...ts));
  console.log(`${name}: ${best.map((m, i) => `[${i}] ${m.toFixed(2)}`).join("  ")} ms`);
}
process.exit(0);
