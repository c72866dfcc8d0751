// @sheep/models: safetensors in and out, model definitions, weights registry and downloads.
// Browser-safe: Node-only parts (files, the cache, the downloader) are in ./node.ts.

export * from "./download/index.ts";
export * from "./face/architecture.ts";
export { convertFaceWeights, type FaceTensor, faceSafetensorsInput } from "./face/convert.ts";
export { concatShards, decodeTfjsWeights, type TfjsManifest } from "./face/tfjs-weights.ts";
export * from "./safetensors/index.ts";
export { type LoadOptions, loadTensors, saveTensors } from "./tensors.ts";
