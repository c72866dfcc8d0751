// The face network's weights in Node: converted on first use from the TF.js files inside the
// @vladmandic/face-api npm package (by our converter) into a safetensors file in the cache.
// Nothing large is committed; the conversion takes well under a second.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cacheDir } from "../download/cache-dir.ts";
import { writeSafetensorsFile } from "../safetensors/node.ts";
import { convertFaceWeights, faceSafetensorsInput } from "./convert.ts";
import { concatShards, type TfjsManifest } from "./tfjs-weights.ts";

export const FACE_FILE = "face-recognition.safetensors";

/** Where face-api keeps the TF.js model, or an error naming the missing package. */
export function faceApiModelDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
  } catch {
    throw new Error(
      "the face network's weights come from the npm package @vladmandic/face-api: run `npm install`",
    );
  }
}

/** Convert face-api's weights to a safetensors file at `dest`. */
export async function convertFaceApiWeights(dest: string): Promise<string> {
  const dir = faceApiModelDir();
  const manifest = JSON.parse(
    readFileSync(join(dir, "face_recognition_model-weights_manifest.json"), "utf8"),
  ) as TfjsManifest;
  const bytes = concatShards(manifest, (p) => new Uint8Array(readFileSync(join(dir, p))));
  const { tensors, metadata } = faceSafetensorsInput(convertFaceWeights(manifest, bytes));
  mkdirSync(dirname(dest), { recursive: true });
  await writeSafetensorsFile(dest, tensors, metadata);
  return dest;
}

/** The face network's safetensors file, converting it into the cache on first use. */
export async function faceWeightsPath(cache = cacheDir()): Promise<string> {
  const path = join(cache, "weights", FACE_FILE);
  if (!existsSync(path)) await convertFaceApiWeights(path);
  return path;
}
