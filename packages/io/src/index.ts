// @sheep/io for Node: everything platform-neutral (shared.ts) plus the pure-JavaScript codecs
// (pngjs, jpeg-js), APNG and file helpers. Pages import browser.ts instead.

export { encodeApng } from "./apng.ts";
export * from "./datasets/index.ts";
export { decodeImage } from "./decode.ts";
export { type EncodeOptions, encodeImage } from "./encode.ts";
export {
  formatFromPath,
  readImageFile,
  writeAnimationFile,
  writeFileAtomic,
  writeImageFile,
} from "./files.ts";
export * from "./shared.ts";
