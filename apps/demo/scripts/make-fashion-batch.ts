// Build the Fashion-MNIST test batch the demo's attack page attacks (offline, in the browser):
// the first N images (default 256) of the official 10,000-image test split, as bytes.
//   node scripts/run-ts.mjs apps/demo/scripts/make-fashion-batch.ts [N]    (from the repo root)
// Data: the Debian package dataset-fashion-mnist (Xiao, Rasul & Vollgraf 2017, MIT licence).

import { writeFileSync } from "node:fs";
import { labelledBatchFile } from "@sheep/algorithms";
import { loadFashionMnist } from "@sheep/io";

const n = Number(process.argv[2] ?? 256);
const out = `apps/demo/static/data/fashion-mnist-test-${n}.safetensors`;
const d = await loadFashionMnist({ split: "test", limit: n });
const bytes = labelledBatchFile(
  { images: d.images.data, shape: [d.labels.length, 1, 28, 28], labels: d.labels },
  {
    data: `Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, MIT licence): the first ${d.labels.length} images of the official test split`,
    classes: d.classes.join(","),
  },
);
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes, ${d.labels.length} images)`);
