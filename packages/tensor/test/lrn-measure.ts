// A measurement, not a test: GPU time of localResponseNorm (its three dispatches: square, a
// channel-window average pool, one fused elementwise) at GoogLeNet's two LRN shapes, from
// engine.trace() timestamps, beside an x·2 on the same tensor for scale.
//   XDG_RUNTIME_DIR=/tmp/xdg node scripts/run-ts.mjs packages/tensor/test/lrn-measure.ts

import { engine, init, localResponseNorm, mul, randn, release } from "../src/index.ts";

const REPEATS = 7;
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const gpuMs = async (f: () => unknown) =>
  (await engine.trace(f)).reduce((s, r) => s + (r.timeMs ?? 0), 0);

await init();
// pool1/norm1 reads [1, 64, 56, 56]; conv2/norm2 reads [1, 192, 56, 56].
for (const shape of [
  [1, 64, 56, 56],
  [1, 192, 56, 56],
]) {
  const x = randn(shape);
  await x.data();
  const lrn: number[] = [];
  const scale: number[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const t = await gpuMs(() => localResponseNorm(x, 5, { alpha: 1e-4, beta: 0.75, k: 1 }));
    const e = await gpuMs(() => mul(x, 2));
    if (i > 0) {
      lrn.push(t); // the first run compiles the pipelines
      scale.push(e);
    }
  }
  console.log(
    `LRN [${shape}]: median ${median(lrn).toFixed(2)} ms GPU (runs ${lrn.map((t) => t.toFixed(1)).join(", ")}); x·2: ${median(scale).toFixed(2)} ms`,
  );
}
release();
process.exit(0);
