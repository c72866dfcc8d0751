// Converts face-api's face-recognition weights (TF.js, uint8) to data/face-recognition.safetensors.
//
// Run from the repository root: `node packages/models/scripts/convert-face.mjs`. Node 20 cannot
// run TypeScript and tsx is not installed, so the converter is loaded through esbuild.

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importTs } from "./import-ts.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const require = createRequire(import.meta.url);
const modelDir = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
const manifestPath = join(modelDir, "face_recognition_model-weights_manifest.json");

const { convertFaceWeights, faceSafetensorsInput } = await importTs(
  join(pkg, "src/face/convert.ts"),
);
const { concatShards } = await importTs(join(pkg, "src/face/tfjs-weights.ts"));

const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const bytes = concatShards(manifest, (path) => new Uint8Array(readFileSync(join(modelDir, path))));
const weights = convertFaceWeights(manifest, bytes);

let count = 0;
const storage = {};
for (const t of weights.values()) {
  count += t.data.length;
  storage[t.storage] = (storage[t.storage] ?? 0) + 1;
}
console.log(`${weights.size} tensors, ${count} parameters, stored as`, storage);

// The project's safetensors writer (src/safetensors/, written alongside this script).
const writerPath = ["index.ts", "writer.ts"]
  .map((file) => join(pkg, "src/safetensors", file))
  .find((path) => existsSync(path));
if (!writerPath) {
  console.log("no safetensors writer in src/safetensors/ yet: nothing written");
  process.exit(0);
}
const { writeSafetensors } = await importTs(writerPath);
const { tensors, metadata } = faceSafetensorsInput(weights);
const out = join(pkg, "data/face-recognition.safetensors");
writeFileSync(out, writeSafetensors(tensors, metadata));
console.log(`wrote ${out} (${statSync(out).size} bytes)`);
