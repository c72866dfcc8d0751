// Benchmark (not a test): t-SNE wall time on N points — Gaussian clusters in 50-D (10 clusters,
// centres 8σ apart) — to 2-D with Barnes–Hut (θ = 0.5, perplexity 30, 1000 iterations unless
// --iterations). Prints one JSON line: the P phase (GPU kNN + calibration), the gradient loop,
// milliseconds per iteration, and the trustworthiness (k = 10) of a 1,000-point sample.
//
//   node scripts/run-ts.mjs packages/algorithms/bench/tsne-time.ts --n 10000 [--iterations 1000]

import { init, release, tensor } from "@sheep/tensor";
import { trustworthiness, tsne } from "../src/index.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : (process.argv[i + 1] ?? dflt);
};
const n = Number(arg("n", "10000"));
const iterations = Number(arg("iterations", "1000"));
const [dim, clusters] = [50, 10];

let seed = 3;
const uni = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed + 0.5) / 2 ** 32;
};
const gauss = () => Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
const points = new Float32Array(n * dim);
for (let i = 0; i < n; i++)
  for (let t = 0; t < dim; t++) points[i * dim + t] = (t === i % clusters ? 8 : 0) + gauss();

await init({ backend: "webgpu" });
const x = tensor(points, { shape: [n, dim] });
const t0 = performance.now();
let firstReport = 0;
const r = await tsne(x, { method: "barnes-hut", iterations, every: 10 }, (p) => {
  if (p.iteration === 10) firstReport = performance.now();
  if (p.iteration % 100 === 0)
    process.stderr.write(
      `iteration ${p.iteration}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
});
const total = performance.now() - t0;
// Iterations 11…end are timed between the first report and the end: ms per iteration.
const perIter = (performance.now() - firstReport) / (iterations - 10);
const sample = Math.min(n, 1000);
const stride = Math.floor(n / sample);
const hi: number[] = [];
const lo: number[] = [];
for (let s = 0; s < sample; s++) {
  hi.push(...points.subarray(s * stride * dim, (s * stride + 1) * dim));
  lo.push(r.coords[s * stride * 2], r.coords[s * stride * 2 + 1]);
}
console.log(
  JSON.stringify({
    n,
    iterations,
    method: r.method,
    totalS: +(total / 1000).toFixed(1),
    msPerIteration: +perIter.toFixed(1),
    setupS: +((total - perIter * iterations) / 1000).toFixed(1),
    kl: +r.kl.toFixed(3),
    trustworthiness1000: +trustworthiness(hi, dim, lo, 2, 10).toFixed(4),
  }),
);
x.dispose();
release();
