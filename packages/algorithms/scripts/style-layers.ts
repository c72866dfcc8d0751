// The experiment behind GoogLeNet's style layers (style/layers.ts, README "GoogLeNet's layers"):
// the demo's astronaut × The Starry Night at 128², 30 steps per candidate set of layers, and how
// far each run lowers the style loss. Writes one line per candidate and OUTDIR/<name>.png.
//   node scripts/run-ts.mjs packages/algorithms/scripts/style-layers.ts OUTDIR
// (The table in the README was measured with this code, run as a vitest file, 2026-12-06.)

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { init, release, resize2d } from "@sheep/tensor";
import {
  loadDreamModel,
  readImageTensor,
  type StyleOptions,
  stylize,
  writeImageTensor,
} from "../src/node.ts";

const out = process.argv[2];
if (!out) {
  console.error(
    "usage: node scripts/run-ts.mjs packages/algorithms/scripts/style-layers.ts OUTDIR",
  );
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const LUCID = {
  "conv2/3x3": 1,
  "inception_3a/output": 1,
  "inception_4a/output": 1,
  "inception_4b/output": 1,
  "inception_4c/output": 1,
};
const CHOSEN = {
  "conv1/7x7_s2": 0.01,
  "conv2/3x3": 1,
  "inception_3a/output": 1,
  "inception_3b/output": 1,
  "inception_4a/output": 1,
};
const FOURIER = { parameterization: "fourier", optimizer: "adam", lr: 0.05 } as const;
const candidates: Record<string, StyleOptions> = {
  A: { contentLayer: "inception_3b/output", styleLayers: LUCID },
  B: {
    contentLayer: "inception_4a/output",
    styleLayers: {
      "conv1/7x7_s2": 1,
      "conv2/3x3": 1,
      "inception_3a/output": 1,
      "inception_3b/output": 1,
    },
  },
  C: {
    contentLayer: "inception_4c/output",
    styleLayers: Object.fromEntries(
      ["3a", "3b", "4a", "4b", "4c", "4d"].map((l) => [`inception_${l}/output`, 1]),
    ),
  },
  Af: { contentLayer: "inception_3b/output", styleLayers: LUCID, ...FOURIER },
  D: { contentLayer: "inception_4a/output", styleLayers: CHOSEN, styleWeight: 1000 },
  E: { contentLayer: "inception_4a/output", styleLayers: CHOSEN, styleWeight: 1000, ...FOURIER },
};

await init();
const { model } = await loadDreamModel({ model: "googlenet" });
// run from the repository root (run-ts bundles this file elsewhere)
const samples = join("apps", "demo", "static", "samples");
const content = resize2d(await readImageTensor(join(samples, "astronaut.png")), [128, 128]);
const style = await readImageTensor(join(samples, "starry_night.jpg"));
for (const [name, o] of Object.entries(candidates)) {
  const t0 = performance.now();
  // content 5 and TV 1e-5 for every candidate; style 100 unless the candidate says
  const r = await stylize(model, content, [style], {
    contentWeight: 5,
    styleWeight: 100,
    tvWeight: 1e-5,
    steps: 30,
    ...o,
  });
  const [first, last] = [r.record[0], r.record[r.record.length - 1]];
  const sum = (x: typeof first) => Object.values(x.style).reduce((a, v) => a + v, 0);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${name} ${s.toFixed(0)} s: style ${sum(first).toExponential(3)} → ${sum(last).toExponential(3)} ` +
      `(÷${(sum(first) / sum(last)).toFixed(1)}), content ${last.content.toExponential(2)}`,
  );
  await writeImageTensor(join(out, `${name}.png`), r.image);
  r.image.dispose();
}
release();
process.exit(0);
