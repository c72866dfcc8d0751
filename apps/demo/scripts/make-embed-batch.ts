// Build the Fashion-MNIST images the demo's Embeddings page trains on and projects (offline, in
// the browser): the first 2,000 images of the official training split and the first 1,000 of
// the test split, as bytes, in the labelled-batch layout the attack page uses ("images" U8
// [N, 1, 28, 28], "labels" U8 [N]), one file per split.
//   node scripts/run-ts.mjs apps/demo/scripts/make-embed-batch.ts    (from the repo root)
// Data: the Debian package dataset-fashion-mnist (Xiao, Rasul & Vollgraf 2017, MIT licence).

import { writeFileSync } from "node:fs";
import { FASHION_MNIST_CLASSES, loadFashionMnist } from "@sheep/io";
import { writeSafetensors } from "@sheep/models";

for (const [split, n] of [
  ["train", 2000],
  ["test", 1000],
] as const) {
  const d = await loadFashionMnist({ split, limit: n });
  const images = Uint8Array.from(d.images.data, (v) =>
    Math.round(255 * Math.min(1, Math.max(0, v))),
  );
  const bytes = writeSafetensors(
    {
      images: { dtype: "U8", shape: [d.labels.length, 1, 28, 28], data: images },
      labels: { dtype: "U8", shape: [d.labels.length], data: Uint8Array.from(d.labels) },
    },
    {
      data: `Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, MIT licence): the first ${d.labels.length} images of the official ${split} split`,
      classes: FASHION_MNIST_CLASSES.join(","),
    },
  );
  const out = `apps/demo/static/embed/fashion-mnist-${split}-${n}.safetensors`;
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
