// The downloader's error: a `code` for programs and a message a person can act on (which URL,
// which status, which digests, what to do when offline).

export type DownloadErrorCode =
  /** The server answered with an error status (404, 500, ...). */
  | "HTTP_STATUS"
  /** The host cannot be reached at all: no network, DNS failure, connection refused. */
  | "OFFLINE"
  /** No bytes arrived for `stallTimeoutMs`, on every attempt. */
  | "STALLED"
  /** The body kept ending before its length, on every attempt. */
  | "TRUNCATED"
  /** The connection broke in another way, on every attempt. */
  | "NETWORK"
  /** The finished file's SHA-256 is not the expected one. */
  | "CHECKSUM_MISMATCH"
  /** The finished file's size is not the expected one. */
  | "SIZE_MISMATCH"
  /** The caller's AbortSignal fired. The partial file is kept for a later resume. */
  | "ABORTED"
  /** A registry name that does not exist. */
  | "UNKNOWN_WEIGHTS"
  /** Weights that have no download URL (they ship with the repository). */
  | "NO_URL"
  /** A weights file that is not where it should be. */
  | "MISSING_FILE";

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly url?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DownloadError";
  }
}

/** The message for OFFLINE: what happened and the way around it. */
export function offlineMessage(url: string, detail: string): string {
  const host = hostOf(url);
  return (
    `cannot reach ${host} (${detail}): you appear to be offline; ` +
    `download ${url} elsewhere and pass --weights FILE`
  );
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
