// Benchmark (not a test): what one dispatch costs on its own, for ops too small to matter.
//
//   node scripts/run-ts.mjs packages/tensor/bench-engine/overhead.ts [--n 2000] [--backend webgpu]
//
// 1. Recorded: N tiny reductions (sum of 4 floats, each a dispatch of its own: reductions are not
//    fused) issued back to back and read back once: wall time ÷ N is the engine's per-dispatch
//    cost — JS op dispatch, the op table, uniform writes, recording into the step's encoder —
//    plus the GPU's launch cost, amortised over one submit.
// 2. Round trip: one tiny op and `await data()`, N/20 times: submit + map + copy latency.
// 3. Matmul GFLOP/s at 256, 512, 1024 (GPU timestamps via engine.trace, median of 5).
// Medians of 5 rounds of each; the machine's load average is printed with them.

import { loadavg } from "node:os";
import { engine, init, matmul, randn, sum, tensor, tidy } from "../src/index.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : (process.argv[i + 1] ?? dflt);
};
const n = Number(arg("n", "2000"));
const info = await init({ backend: arg("backend", "webgpu") as "webgpu" });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `adapter: ${`${info.adapter} (${info.description})`}; load average ${loadavg()[0].toFixed(2)}`,
);

const x = tensor([1, 2, 3, 4]);
await sum(x).data(); // compile the pipeline

const recorded: number[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const outs = tidy(() => {
    let last = sum(x);
    for (let i = 1; i < n; i++) last = sum(x);
    return last;
  });
  await outs.data();
  recorded.push(((performance.now() - t0) * 1000) / n);
  outs.dispose();
}
console.log(`recorded: ${median(recorded).toFixed(1)} µs per dispatch (${n} sums, one readback)`);

const trips: number[] = [];
for (let r = 0; r < 5; r++) {
  const m = Math.max(1, Math.floor(n / 20));
  const t0 = performance.now();
  for (let i = 0; i < m; i++) {
    const s = sum(x);
    await s.data();
    s.dispose();
  }
  trips.push(((performance.now() - t0) * 1000) / m);
}
console.log(`round trip: ${median(trips).toFixed(0)} µs per op + readback`);

for (const size of [256, 512, 1024]) {
  const a = randn([size, size], { seed: 1 });
  const b = randn([size, size], { seed: 2 });
  await matmul(a, b).data();
  const ms: number[] = [];
  for (let r = 0; r < 5; r++) {
    const rec = await engine.trace(() => [matmul(a, b)]);
    ms.push(rec.reduce((s, d) => s + (d.timeMs ?? 0), 0));
  }
  const t = median(ms);
  console.log(
    `matmul ${size}: ${t.toFixed(1)} ms, ${((2 * size ** 3) / t / 1e6).toFixed(2)} GFLOP/s`,
  );
  a.dispose();
  b.dispose();
}
console.log(`load average after: ${loadavg()[0].toFixed(2)}`);
