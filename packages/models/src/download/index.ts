// Downloads, browser-safe part: the resumable download loop (bring your own storage and hash),
// progress, errors and the weights registry. The Node file downloader, the cache directory
// and pull/verify of named weights are in ./node.ts.

export { AttemptError, type AttemptOptions, attempt } from "./attempt.ts";
export { DownloadError, type DownloadErrorCode, offlineMessage } from "./errors.ts";
export { type Progress, type ProgressCallback, ProgressMeter } from "./progress.ts";
export { findWeights, listWeights, WEIGHTS, type WeightsEntry } from "./registry.ts";
export {
  type DownloadResult,
  type Hasher,
  type PartFile,
  type ResumableOptions,
  resumableDownload,
} from "./resumable.ts";
