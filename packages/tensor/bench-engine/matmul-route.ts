// Benchmark (not a test): square matmuls through the 1×1-conv route against matmul.wgsl's
// workgroup-memory tiles, interleaved (conv, tiled, conv, tiled; 2 timed runs each after a
// warm-up), B stored [K, N] and [N, K]. GPU time from timestamps (engine.trace).
//
//   node scripts/run-ts.mjs packages/tensor/bench-engine/matmul-route.ts [SIZES…]

import { matmulTuning } from "../src/backend/webgpu/kernels.ts";
import { engine, init, matmul, randn, transpose } from "../src/index.ts";

await init({ backend: "webgpu" });
const args = process.argv.slice(2).map(Number);
for (const s of args.length ? args : [32, 64, 128, 256, 512, 1024]) {
  for (const tb of [false, true]) {
    const a = randn([s, s], { seed: 1 });
    const b0 = randn([s, s], { seed: 2 });
    const b = tb ? transpose(b0, 0, 1) : b0;
    const t = { conv: [] as number[], tiled: [] as number[] };
    for (const mode of ["conv", "tiled", "conv", "tiled"] as const) {
      matmulTuning.viaConv = mode === "conv";
      await matmul(a, b).data();
      for (let r = 0; r < 2; r++) {
        const rec = await engine.trace(() => [matmul(a, b)]);
        t[mode].push(rec.reduce((x, d) => x + (d.timeMs ?? 0), 0));
      }
    }
    const med = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
    const g = (ms: number) => ((2 * s ** 3) / ms / 1e6).toFixed(2);
    console.log(
      `${s}${tb ? " Bᵀ" : ""}: conv ${med(t.conv).toFixed(2)} ms (${g(med(t.conv))} GFLOP/s), tiled ${med(t.tiled).toFixed(2)} ms (${g(med(t.tiled))})`,
    );
  }
}
