// A download that survives bad networks: it streams into a partial file, resumes it with a
// Range request after a broken or stalled connection (or in a later run), retries with
// backoff, verifies size and SHA-256, and only then moves the file into place. Where the bytes
// are kept and how they are hashed are passed in (PartFile, Hasher): Node uses a `.part` file
// and node:crypto (node-download.ts); a browser could use OPFS or the Cache API.

import { AttemptError, attempt } from "./attempt.ts";
import { DownloadError } from "./errors.ts";
import { type ProgressCallback, ProgressMeter } from "./progress.ts";

/** Storage for a download in progress. */
export interface PartFile {
  /** Bytes already stored (0 if none). */
  size(): Promise<number>;
  /** The stored bytes from the start, to hash them before resuming. */
  read(): AsyncIterable<Uint8Array>;
  append(bytes: Uint8Array): Promise<void>;
  /** Empties it: the next byte appended is byte 0. */
  truncate(): Promise<void>;
  /** Moves the finished file into place (atomically, where the platform can). */
  commit(): Promise<void>;
  /** Deletes it. */
  discard(): Promise<void>;
  /** Releases open handles and keeps the bytes (after a failure, for a later resume). */
  close(): Promise<void>;
}

/** An incremental hash: fed chunk by chunk, hex digest at the end. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  digest(): string;
}

export interface ResumableOptions {
  /** The exact size of the finished file, if known. */
  expectedSize?: number;
  /** Expected SHA-256, hex. */
  sha256?: string;
  /** Expected SHA-1, hex (what Caffe's model zoo publishes); needs `sha1Hasher`. */
  sha1?: string;
  /** Makes the SHA-1 hasher, used only when `sha1` is given (Node's download passes one). */
  sha1Hasher?: () => Hasher;
  onProgress?: ProgressCallback;
  /** At most one progress report per this many ms (default 100); the last is always sent. */
  progressIntervalMs?: number;
  signal?: AbortSignal;
  /** Abort an attempt when no byte arrives for this long (default 30 s). */
  stallTimeoutMs?: number;
  /**
   * Retries after a failure (default 3). The count restarts whenever an attempt brings new
   * bytes, so a slow but moving download is never abandoned; 0 means never retry.
   */
  retries?: number;
  /** Wait before the first retry, doubled for each further one (default 1 s). */
  retryDelayMs?: number;
  /** The fetch to use (default: the global one); tests and proxies inject their own. */
  fetch?: typeof fetch;
}

export interface DownloadResult {
  /** Size of the finished file. */
  bytes: number;
  /** Its SHA-256, hex (computed whether or not one was expected). */
  sha256: string;
  /** Its SHA-1, hex, when one was expected. */
  sha1?: string;
  /** Requests made. */
  attempts: number;
  /** Bytes that were already on disk when this call started. */
  resumedFrom: number;
}

export async function resumableDownload(
  url: string,
  part: PartFile,
  newHasher: () => Hasher,
  options: ResumableOptions = {},
): Promise<DownloadResult> {
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const meter = new ProgressMeter(options.onProgress, options.progressIntervalMs ?? 100);
  meter.total = options.expectedSize;

  // Resume what an earlier run left, unless it is already too long to be right.
  let received = await part.size();
  if (options.expectedSize !== undefined && received > options.expectedSize) {
    await part.truncate();
    received = 0;
  }
  // SHA-256 always; SHA-1 too when a digest to check is given.
  if (options.sha1 !== undefined && !options.sha1Hasher) {
    throw new Error("resumableDownload: options.sha1 needs options.sha1Hasher");
  }
  const newHashers = () => ({
    sha256: newHasher(),
    sha1: options.sha1 !== undefined ? options.sha1Hasher?.() : undefined,
  });
  let hasher = newHashers();
  const hash = (bytes: Uint8Array) => {
    hasher.sha256.update(bytes);
    hasher.sha1?.update(bytes);
  };
  if (received > 0) for await (const bytes of part.read()) hash(bytes);
  const resumedFrom = received;
  meter.update(received, true);

  try {
    let attempts = 0;
    let failures = 0; // failed attempts since the last one that made progress (it included)
    let reachedServer = false;
    for (;;) {
      if (options.signal?.aborted) {
        throw new DownloadError("ABORTED", `download of ${url} was cancelled`, url);
      }
      attempts++;
      const before = received;
      try {
        await attempt(url, {
          // Called as a plain function: browsers refuse `fetch` invoked as a method of another
          // object ("Illegal invocation").
          fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
          offset: received,
          stallTimeoutMs: options.stallTimeoutMs ?? 30_000,
          signal: options.signal,
          restart: async () => {
            await part.truncate();
            hasher = newHashers();
            received = 0;
            meter.update(0, true);
          },
          chunk: async (bytes) => {
            await part.append(bytes);
            hash(bytes);
            received += bytes.length;
            meter.update(received);
          },
          total: (total) => {
            reachedServer = true;
            meter.total = options.expectedSize ?? total;
          },
        });
        break;
      } catch (error) {
        if (!(error instanceof AttemptError) || !error.retryable) throw error;
        // Never reached the host: waiting will not bring the network back.
        if (error.code === "OFFLINE" && !reachedServer) throw error;
        // Count failures since the last attempt that got some bytes: a download that keeps
        // making progress keeps going, one that is stuck gives up after `retries` retries.
        failures = received > before ? 1 : failures + 1;
        if (failures > retries) throw gaveUp(error, url, received, meter.total, attempts);
        await sleep(retryDelayMs * 2 ** (failures - 1), options.signal);
      }
    }
    meter.update(received, true);

    if (options.expectedSize !== undefined && received !== options.expectedSize) {
      await part.discard();
      const message = `${url} is ${received} bytes, expected ${options.expectedSize}; deleted it`;
      throw new DownloadError("SIZE_MISMATCH", message, url);
    }
    const sha256 = hasher.sha256.digest();
    const sha1 = hasher.sha1?.digest();
    for (const [algorithm, expected, got] of [
      ["sha256", options.sha256, sha256],
      ["sha1", options.sha1, sha1],
    ] as const) {
      if (expected !== undefined && got !== expected.toLowerCase()) {
        await part.discard();
        const message =
          `checksum mismatch for ${url}: expected ${algorithm} ${expected.toLowerCase()}, ` +
          `got ${got}; deleted the download`;
        throw new DownloadError("CHECKSUM_MISMATCH", message, url);
      }
    }
    await part.commit();
    const result: DownloadResult = { bytes: received, sha256, attempts, resumedFrom };
    if (sha1 !== undefined) result.sha1 = sha1;
    return result;
  } finally {
    await part.close();
  }
}

/** The final error after the retries ran out: what kept failing, and where we got to. */
function gaveUp(
  error: AttemptError,
  url: string,
  received: number,
  total: number | undefined,
  attempts: number,
): DownloadError {
  const where = `${received} of ${total ?? "?"} bytes`;
  const message =
    `download of ${url} stopped at ${where} after ${attempts} attempts: ${error.message}; ` +
    "run it again to resume";
  return new DownloadError(error.code, message, url, { cause: error });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      if (signal?.aborted) reject(new DownloadError("ABORTED", "download was cancelled"));
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
