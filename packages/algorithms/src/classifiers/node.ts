// The shipped small classifiers in Node: find their weights in the repo (from the sources or
// from the CLI's bundle) and load them.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadedClassifier, loadSmallClassifier, type SmallClassifierName } from "./load.ts";

/** packages/algorithms/weights/FILE, looked for above this module (the sources or a bundle). */
export function shippedWeightsPath(file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 8; up++) {
    for (const p of [join(dir, "weights", file), join(dir, "packages/algorithms/weights", file)]) {
      if (existsSync(p)) return p;
    }
    dir = dirname(dir);
  }
  throw new Error(`the shipped weights ${file} are missing (packages/algorithms/weights/)`);
}

/** A shipped classifier: "fashion-cnn" (Fashion-MNIST) or "lenet-mnist" (MNIST digits). */
export async function loadSmallClassifierFile(
  name: SmallClassifierName,
  path?: string,
): Promise<LoadedClassifier> {
  const file = path ?? shippedWeightsPath(`${name}.safetensors`);
  return loadSmallClassifier(name, new Uint8Array(readFileSync(file)));
}
