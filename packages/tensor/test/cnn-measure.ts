// A measurement, not a test: GPU time of max pooling (forward and backward) and of the Gram
// matrix at VGG16's style-layer shapes, from engine.trace() timestamps, with two probes (a
// 1024² matmul for FMA rate, a 64 MiB copy for bandwidth) to put the numbers in context.
//   XDG_RUNTIME_DIR=/tmp/xdg node scripts/run-ts.mjs packages/tensor/test/cnn-measure.ts

import {
  avgPool2d,
  copy,
  engine,
  gram,
  init,
  maxPool2d,
  randn,
  release,
  type Tensor,
  tidy,
} from "../src/index.ts";
import { apply } from "../src/ops/apply.ts";

const REPEATS = 5;
const AVG = {
  kernel: [2, 2],
  stride: [2, 2],
  padding: [0, 0],
  ceilMode: false,
  countIncludePad: true,
  divisor: 0,
};
const POOL = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false };

/** Best-of-REPEATS GPU milliseconds per kernel label, after one warm-up run. */
async function time(fn: () => Tensor | Tensor[]): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  for (let r = 0; r <= REPEATS; r++) {
    let made: Tensor[] = [];
    const records = await engine.trace(() => {
      const out = fn();
      made = Array.isArray(out) ? out : [out];
      return made;
    });
    for (const t of made) t.dispose();
    if (r === 0) continue;
    const sums = new Map<string, number>();
    for (const rec of records)
      sums.set(rec.kernel, (sums.get(rec.kernel) ?? 0) + (rec.timeMs ?? 0));
    for (const [k, ms] of sums) best.set(k, Math.min(best.get(k) ?? Number.POSITIVE_INFINITY, ms));
  }
  return best;
}

const fmt = (v: number, d = 2) => v.toFixed(d).padStart(8);
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function main() {
  const info = await init({ backend: "webgpu" });
  console.log(`device: ${info.adapter} — ${info.description} (${info.source})\n`);

  const a = randn([1024, 1024], { seed: 1 });
  const mm = total(await time(() => apply("matmul", [a, a], {})));
  console.log(`probe matmul 1024³: ${fmt(mm)} ms = ${fmt((2 * 1024 ** 3) / mm / 1e6)} GFLOP/s`);
  const big = randn([16 * 1024 * 1024], { seed: 2 });
  const cp = total(await time(() => copy(big)));
  console.log(
    `probe copy 64 MiB:  ${fmt(cp)} ms = ${fmt((2 * 4 * 16 * 1024 ** 2) / cp / 1e6)} GB/s\n`,
  );
  a.dispose();
  big.dispose();

  console.log("maxPool2d 2×2 stride 2 (VGG16's pools)");
  console.log("shape               fwd ms    GB/s   bwd ms (indices + cells)    GB/s");
  for (const shape of [
    [1, 64, 224, 224],
    [1, 128, 112, 112],
    [1, 256, 56, 56],
    [1, 512, 28, 28],
    [1, 512, 14, 14],
  ]) {
    const x = randn(shape, { seed: 3 });
    const fwd = total(await time(() => maxPool2d(x, 2)));
    const g = tidy(() => maxPool2d(x, 2).mul(0).add(1).contiguous());
    const bwd = await time(() => {
      const at = apply("maxPool2dIndices", [x], POOL);
      return apply("maxPool2dGrad", [g, at], { ...POOL, inSize: shape.slice(2) });
    });
    const n = x.size;
    // forward: read x, write x/4; backward: indices pass (read x, write x/4) + cells (read
    // g and indices, x/4 each, write x)
    const fwdBytes = 4 * (n + n / 4);
    const bwdBytes = fwdBytes + 4 * (n / 2 + n);
    const b = total(bwd);
    console.log(
      `${JSON.stringify(shape).padEnd(18)} ${fmt(fwd)} ${fmt(fwdBytes / fwd / 1e6)} ${fmt(b)} (${[...bwd.values()].map((v) => v.toFixed(2)).join(" + ")})      ${fmt(bwdBytes / b / 1e6)}`,
    );
    x.dispose();
    g.dispose();
  }

  console.log("\navgPool2d 2×2 stride 2 (style transfer's pooling), forward and backward (cells)");
  for (const shape of [
    [1, 64, 224, 224],
    [1, 256, 56, 56],
  ]) {
    const x = randn(shape, { seed: 5 });
    const fwd = total(await time(() => avgPool2d(x, 2)));
    const g = tidy(() => avgPool2d(x, 2).mul(0).add(1).contiguous());
    const bwd = total(
      await time(() => apply("avgPool2dGrad", [g], { ...AVG, inSize: shape.slice(2) })),
    );
    const bytes = 4 * (x.size + x.size / 4);
    console.log(
      `${JSON.stringify(shape).padEnd(18)} fwd ${fmt(fwd)} ms ${fmt(bytes / fwd / 1e6)} GB/s   bwd ${fmt(bwd)} ms ${fmt(bytes / bwd / 1e6)} GB/s`,
    );
    x.dispose();
    g.dispose();
  }

  console.log("\ngram G = F·Fᵀ / (C·H·W) (VGG16 style layers; FLOPs counted as the full 2·C²·HW)");
  console.log("next to the engine's matmul of the same product (F·Fᵀ, Fᵀ read in place, no split)");
  console.log("shape               gram ms   GFLOP/s   matmul ms GFLOP/s   gram passes");
  for (const shape of [
    [1, 64, 224, 224],
    [1, 128, 112, 112],
    [1, 256, 56, 56],
    [1, 512, 28, 28],
    [1, 512, 14, 14],
  ]) {
    const x = randn(shape, { seed: 4 });
    const c = shape[1];
    const k = shape[2] * shape[3];
    const t = await time(() => gram(x, { normalize: "chw" }));
    const f = x.reshape(c, k);
    const m = total(await time(() => apply("matmul", [f, f.T], {})));
    const ms = total(t);
    const flops = 2 * c * c * k;
    const passes = [...t.entries()].map(([name, v]) => `${name} ${v.toFixed(2)}`).join(", ");
    console.log(
      `${JSON.stringify(shape).padEnd(18)} ${fmt(ms)} ${fmt(flops / ms / 1e6)} ${fmt(m)} ${fmt(flops / m / 1e6)}   ${passes}`,
    );
    x.dispose();
  }
  release();
}

await main();
