// The face network in Node: its weights converted from face-api's npm package into the cache on
// first use (weights-node.ts), then loaded.

import type { BackendKind } from "@sheep/tensor";
import { openFileSource } from "../safetensors/node.ts";
import { loadFaceNet } from "./load.ts";
import type { FaceNet } from "./model.ts";
import { faceWeightsPath } from "./weights-node.ts";

/** The face network from `path`, or from the cache (converting face-api's weights if needed). */
export async function loadFaceNetFile(
  path?: string,
  opts: { backend?: BackendKind } = {},
): Promise<FaceNet> {
  const file = path ?? (await faceWeightsPath());
  const source = await openFileSource(file);
  try {
    return await loadFaceNet(source, opts);
  } finally {
    await source.close();
  }
}
