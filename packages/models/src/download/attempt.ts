// One HTTP request of a download: ask for the bytes from `offset` on (a Range request when
// resuming), interpret the status, and pass each chunk on as it arrives, aborting if nothing
// arrives for `stallTimeoutMs`. Browser-safe: only fetch, AbortController and streams.
//
// Range in one paragraph (RFC 9110 §14): `Range: bytes=N-` asks for byte N to the end. A
// server that can do it answers 206 with `Content-Range: bytes N-LAST/TOTAL`; one that cannot
// (or will not) answers 200 with the whole file, and we must start over; if N is at or past
// the end it answers 416 with `Content-Range: bytes */TOTAL`.

import { DownloadError, offlineMessage } from "./errors.ts";

export interface AttemptOptions {
  fetch: typeof fetch;
  /** Bytes already on disk: ask for the rest. */
  offset: number;
  stallTimeoutMs: number;
  signal?: AbortSignal;
  /** Called when the server starts over from byte 0 (a 200 to a Range request, or a 416). */
  restart(): Promise<void>;
  /** Called with each chunk of the body, in order, to store and hash it. */
  chunk(bytes: Uint8Array): Promise<void>;
  /** Called once the status is known, with the full size if the server said it. */
  total(total: number | undefined): void;
}

/** How a failed attempt should be treated by the retry loop. */
export class AttemptError extends DownloadError {
  /** Worth another try (a broken connection), unlike a 404 or a checksum. */
  retryable = true;
}

/**
 * Runs one request. Resolves when the body has ended cleanly and, if the total is known, all
 * of it is on disk; throws DownloadError (often an AttemptError) otherwise.
 */
export async function attempt(url: string, options: AttemptOptions): Promise<void> {
  const controller = new AbortController();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The watchdog: re-armed on every chunk, it also covers waiting for the headers.
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, options.stallTimeoutMs);
  };
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort);
  let offset = options.offset;
  let total: number | undefined;
  let responded = false;
  try {
    arm();
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const response = await options.fetch(url, { headers, signal: controller.signal });
    responded = true;
    if (response.status === 416 && offset > 0) {
      await response.body?.cancel();
      total = rangeTotal(response.headers.get("content-range"));
      // The part on disk is already the whole file; anything else is stale: start over.
      if (total === offset) {
        options.total(total);
        return;
      }
      await options.restart();
      throw new AttemptError("TRUNCATED", "the server refused to resume; starting over", url);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const error = new AttemptError("HTTP_STATUS", `HTTP ${response.status} for ${url}`, url);
      // Server trouble may pass; "not found" or "forbidden" will not.
      error.retryable =
        response.status >= 500 || response.status === 408 || response.status === 429;
      throw error;
    }
    if (response.status === 206) {
      total = rangeTotal(response.headers.get("content-range"));
      const start = rangeStart(response.headers.get("content-range"));
      if (start !== offset) {
        await response.body?.cancel();
        await options.restart();
        throw new AttemptError(
          "TRUNCATED",
          `resumed at ${start}, not ${offset}; starting over`,
          url,
        );
      }
    } else {
      if (offset > 0) await options.restart(); // a 200: the server ignored Range
      offset = 0;
      total = contentLength(response);
    }
    options.total(total);
    if (!response.body) throw new AttemptError("TRUNCATED", "the response has no body", url);
    const reader = response.body.getReader();
    for (;;) {
      arm();
      const { done, value } = await reader.read();
      if (done) break;
      offset += value.length;
      await options.chunk(value);
    }
    if (total !== undefined && offset < total) {
      throw new AttemptError("TRUNCATED", `the body ended at ${offset} of ${total} bytes`, url);
    }
  } catch (error) {
    if (error instanceof DownloadError || options.signal?.aborted || stalled || !responded) {
      throw classify(error, url, stalled, options);
    }
    // The connection broke mid-body: say how far it got.
    const where = `${offset} of ${total ?? "?"} bytes`;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AttemptError("TRUNCATED", `the body ended at ${where} (${reason})`, url, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Node error codes that mean "no route to the server at all". */
const OFFLINE_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENETDOWN",
]);

function classify(error: unknown, url: string, stalled: boolean, options: AttemptOptions) {
  if (error instanceof DownloadError) return error;
  if (options.signal?.aborted) {
    return new DownloadError("ABORTED", `download of ${url} was cancelled`, url, { cause: error });
  }
  if (stalled) {
    const message = `no data for ${options.stallTimeoutMs} ms`;
    return new AttemptError("STALLED", message, url, { cause: error });
  }
  const code = errorCode(error);
  if (code && OFFLINE_CODES.has(code)) {
    return new AttemptError("OFFLINE", offlineMessage(url, code), url, { cause: error });
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new AttemptError("NETWORK", `the connection failed: ${detail}`, url, {
    cause: error,
  });
}

/** Node's fetch wraps the socket error: TypeError("fetch failed", { cause: { code } }). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === "string" && e.code.startsWith("E")) return e.code;
  // Happy-eyeballs connects report an AggregateError with one error per address.
  for (const inner of e.errors ?? []) {
    const code = errorCode(inner, depth + 1);
    if (code) return code;
  }
  return errorCode(e.cause, depth + 1);
}

function contentLength(response: Response): number | undefined {
  // A compressed body's length is not the file's length.
  if (response.headers.has("content-encoding")) return undefined;
  const n = Number(response.headers.get("content-length") ?? Number.NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** TOTAL from `bytes N-LAST/TOTAL` or `bytes *\/TOTAL`; undefined for `/*` or garbage. */
function rangeTotal(header: string | null): number | undefined {
  const m = /\/(\d+)\s*$/.exec(header ?? "");
  return m ? Number(m[1]) : undefined;
}

function rangeStart(header: string | null): number | undefined {
  const m = /^\s*bytes\s+(\d+)-/.exec(header ?? "");
  return m ? Number(m[1]) : undefined;
}
