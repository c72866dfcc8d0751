// Which channels of a layer respond at all to a grey, slightly noisy picture: the channels worth
// rendering with `sheep viz`. A channel whose ReLU output is zero everywhere has a zero gradient,
// so feature visualisation starting near grey leaves it grey.
//   node scripts/run-ts.mjs packages/algorithms/scripts/alive-channels.ts [--size N] LAYER…
import { loadDreamModel } from "@sheep/algorithms/node";
import { init, noGrad, randn } from "@sheep/tensor";

const args = process.argv.slice(2);
let size = 64;
const k = args.indexOf("--size");
if (k >= 0) {
  size = Number(args[k + 1]);
  args.splice(k, 2);
}
/** Bad input: one line naming it, then exit. */
function fail(message: string): never {
  console.error(`alive-channels: ${message}`);
  process.exit(1);
}
if (!Number.isInteger(size) || size < 32) fail(`--size must be an integer ≥ 32 (got ${size})`);
if (args.length === 0) fail("name at least one layer, e.g. inception_4e/output");
await init();
const { model } = await loadDreamModel();
for (const layer of args) {
  if (!model.taps.includes(layer))
    fail(
      `no layer "${layer}" in ${model.name} (its taps: ${model.taps.slice(0, 4).join(", ")}, …)`,
    );
}
// Grey ± 0.5%, like the start of the robust recipe. With ± 5% noise some channels respond to the
// noise alone (inception_3b/output 19 and 33) and still render grey: measured, so keep it small.
const x = model.preprocess(randn([1, 3, size, size], { seed: 0 }).mul(0.005).add(0.5));
const out = noGrad(() => model.forward(x, args));
for (const layer of args) {
  const t = out.get(layer);
  if (!t) continue;
  const [, c, h, w] = t.shape;
  const v = await t.data();
  const alive: string[] = [];
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < h * w; i++) s += v[ch * h * w + i];
    if (s > 0) alive.push(`${ch}:${(s / (h * w)).toFixed(2)}`);
  }
  console.log(`${layer} [${t.shape.join("×")}]: ${alive.length} of ${c} channels alive`);
  console.log(`  channel:mean activation  ${alive.join(" ")}`);
}
