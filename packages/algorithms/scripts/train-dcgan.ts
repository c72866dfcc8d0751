// Trains a small DCGAN on Fashion-MNIST or MNIST and writes, into OUT_DIR, the generator
// (G.safetensors, what ships in packages/algorithms/weights/), the last checkpoint, a sample grid
// per epoch and the loss log. Stops at STEPS generator steps or after MINUTES, whichever first.
//   node scripts/run-ts.mjs packages/algorithms/scripts/train-dcgan.ts DATA OUT_DIR STEPS MINUTES \
//     [WIDTH=16] [LIMIT=8000] [CLASSES=0]

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DatasetName,
  Dcgan,
  loadImageSet,
  runDcgan,
  sampleImages,
  saveCheckpoint,
  saveGenerator,
  tileGrid,
} from "@sheep/algorithms/node";
import { writeFileAtomic, writeImageFile } from "@sheep/io";
import { init } from "@sheep/tensor";

const [data, out, steps, minutes, width = "16", limit = "8000", classes = "0"] =
  process.argv.slice(2);
if (!data || !out || !steps || !minutes) {
  console.error("usage: train-dcgan.ts DATA OUT_DIR STEPS MINUTES [WIDTH] [LIMIT] [CLASSES]");
  process.exit(2);
}
await init();
mkdirSync(out, { recursive: true });
const set = await loadImageSet(data as DatasetName, { limit: Number(limit) });
const gan = new Dcgan(set, { shape: { width: Number(width), classes: Number(classes) } });
const t0 = performance.now();
const log: string[] = [];
const save = async () => {
  const note = `${gan.t} steps of batch ${gan.config.batch} on ${set.n} ${set.name} images, ${((performance.now() - t0) / 60000).toFixed(1)} min on lavapipe`;
  await writeFileAtomic(
    join(out, "G.safetensors"),
    await saveGenerator(gan.g, { data: set.name, classNames: set.classNames, note }),
  );
  await writeFileAtomic(join(out, "checkpoint.safetensors"), await saveCheckpoint(gan));
  writeFileSync(join(out, "losses.jsonl"), log.join("\n") + "\n");
  console.log(note);
};
await runDcgan(gan, {
  steps: Number(steps),
  budgetMs: Number(minutes) * 60000,
  logEvery: 10,
  onRecord: async (r) => {
    log.push(JSON.stringify({ ...r, ms: Math.round(performance.now() - t0) }));
    console.log(log.at(-1));
    if (r.step % 50 === 0) {
      await save();
      await writeImageFile(
        join(out, `grid-step-${String(r.step).padStart(5, "0")}.png`),
        tileGrid(await sampleImages(gan.g, 64, 7), 8, 2),
      );
    }
  },
  onEpoch: async (e, g) => {
    await writeImageFile(
      join(out, `grid-epoch-${e}.png`),
      tileGrid(await sampleImages(g.g, 64, 7), 8, 2),
    );
  },
});
await save();
process.exit(0);
