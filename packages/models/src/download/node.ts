// Downloads in Node: everything in index.ts plus the file-based downloader, the cache
// directory, and pull/verify of named weights. Browser bundles import index.ts instead.

export { cacheDir } from "./cache-dir.ts";
export * from "./index.ts";
export {
  type DownloadOptions,
  download,
  filePart,
  type NodeDownloadResult,
  sha1File,
  sha1Hasher,
  sha256File,
  sha256Hasher,
} from "./node-download.ts";
export {
  type PullOptions,
  type PullResult,
  pullEntry,
  pullWeights,
  type VerifyResult,
  verifyWeights,
  type WeightsLocation,
  weightsEntry,
  weightsPath,
} from "./weights.ts";
