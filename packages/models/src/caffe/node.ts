// The shipped Caffe networks in Node: their files live in packages/models/weights/ of the repo
// (committed, so a fresh clone needs no download and no ../shared).

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendKind } from "@sheep/tensor";
import { openFileSource } from "../safetensors/node.ts";
import {
  CAFFE_NETS,
  type ImageNetCaffeModel,
  loadShippedCaffeNet,
  type ShippedCaffeNet,
} from "./nets.ts";

/**
 * The path of a shipped weights file. Looked for beside this source file's package (running
 * from source), then upwards from the working directory and from this module (a bundled CLI or
 * test lives elsewhere in the repo); SHEEP_WEIGHTS_DIR overrides all of them.
 */
export function shippedWeightsPath(file: string): string {
  const candidates: string[] = [];
  if (process.env.SHEEP_WEIGHTS_DIR) candidates.push(join(process.env.SHEEP_WEIGHTS_DIR, file));
  const starts = [process.cwd()];
  try {
    starts.push(dirname(fileURLToPath(import.meta.url)));
  } catch {
    // not a file: URL (a data: bundle): the working directory alone
  }
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      candidates.push(join(dir, "weights", file), join(dir, "packages", "models", "weights", file));
      if (dirname(dir) === dir) break;
    }
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `cannot find ${file}: it ships in packages/models/weights/ of the repo (run from inside the repo or set SHEEP_WEIGHTS_DIR)`,
    );
  }
  return found;
}

async function loadFile(id: ShippedCaffeNet, path: string | undefined, backend?: BackendKind) {
  const source = await openFileSource(path ?? shippedWeightsPath(CAFFE_NETS[id].file));
  try {
    return await loadShippedCaffeNet(id, source, { backend });
  } finally {
    await source.close();
  }
}

/** GoogLeNet from `path` or the shipped file. */
export function loadGoogLeNetFile(
  path?: string,
  opts: { backend?: BackendKind } = {},
): Promise<ImageNetCaffeModel> {
  return loadFile("googlenet", path, opts.backend);
}

/** SqueezeNet v1.1 from `path` or the shipped file. */
export function loadSqueezeNetFile(
  path?: string,
  opts: { backend?: BackendKind } = {},
): Promise<ImageNetCaffeModel> {
  return loadFile("squeezenet", path, opts.backend);
}
