// Reading safetensors from a stream (a fetch Response as it downloads): the header is parsed
// as soon as its bytes have arrived, then each tensor is handed over the moment its last byte
// does. Tensors nobody asked for are skipped without being kept, so memory holds one tensor
// plus one network chunk, never the whole file.

import { fail } from "./errors.ts";
import {
  checkDataLength,
  LENGTH_PREFIX_BYTES,
  parseHeaderJson,
  readHeaderLength,
  type SafetensorsHeader,
  type TensorEntry,
} from "./header.ts";

/** A tensor's header entry and its raw bytes: pass it to `decodeTensor(t, t.bytes)`. */
export interface StreamedTensor extends TensorEntry {
  bytes: Uint8Array;
}

export interface StreamOptions {
  /** Names to deliver (default: all). Unknown names fail as soon as the header is in. */
  wanted?: Iterable<string>;
  /** Called once with the validated header, before any tensor. */
  onHeader?: (header: SafetensorsHeader) => void;
  /** Total length if known (for a bare ReadableStream; a Response's Content-Length is used). */
  size?: number;
}

/**
 * Yields tensors in file order as their bytes arrive. When some names are filtered out, the
 * stream is cancelled once the last wanted tensor is out; when all are wanted, the stream is
 * read to its end and checked for trailing bytes. The caller checks `response.ok`.
 */
export async function* streamTensors(
  input: Response | ReadableStream<Uint8Array>,
  options: StreamOptions = {},
): AsyncGenerator<StreamedTensor> {
  const body = input instanceof ReadableStream ? input : input.body;
  if (!body) fail("TRUNCATED_FILE", "response has no body");
  const size = options.size ?? (input instanceof ReadableStream ? undefined : lengthOf(input));
  const queue = new ByteQueue(body.getReader());
  try {
    const prefix = await queue.take(LENGTH_PREFIX_BYTES);
    const headerLength = readHeaderLength(prefix, size);
    const json = await queue.take(headerLength);
    if (json.length < headerLength) {
      fail("HEADER_EXCEEDS_FILE", `header length ${headerLength} exceeds the stream's length`);
    }
    const header = parseHeaderJson(json, size);
    // The names still to deliver; undefined means all of them.
    const remaining = options.wanted ? new Set(options.wanted) : undefined;
    for (const name of remaining ?? []) {
      if (!header.tensors.has(name)) fail("TENSOR_NOT_FOUND", `no tensor "${name}" in this file`);
    }
    options.onHeader?.(header);

    for (const entry of header.tensors.values()) {
      if (remaining?.size === 0) return; // all delivered: stop downloading (see finally)
      const length = entry.end - entry.begin;
      if (remaining && !remaining.has(entry.name)) {
        const skipped = await queue.skip(length);
        if (skipped < length) checkDataLength(header, entry.begin + skipped);
        continue;
      }
      const bytes = await queue.take(length);
      if (bytes.length < length) checkDataLength(header, entry.begin + bytes.length);
      remaining?.delete(entry.name);
      yield { ...entry, bytes };
    }
    if (remaining) return;
    const extra = await queue.skip(Number.POSITIVE_INFINITY);
    if (extra > 0) checkDataLength(header, header.dataLength + extra);
  } finally {
    await queue.close();
  }
}

/** The Content-Length of a full (200) response whose body is not re-encoded, if any. */
function lengthOf(response: Response): number | undefined {
  const length = response.headers.get("content-length");
  if (response.status !== 200 || length === null || response.headers.has("content-encoding")) {
    return undefined;
  }
  const n = Number(length);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A stream reader that hands out exact byte counts across chunk boundaries. Chunks wait in an
 * array read from `head` onwards (shift() would make a tensor of a million tiny chunks cost
 * a million squared steps); consumed slots are dropped in one go once they are the majority.
 */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private buffered = 0;
  private ended = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Reads one more chunk into the queue; false at the end of the stream. */
  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    if (value.length > 0) {
      this.chunks.push(value);
      this.buffered += value.length;
    }
    return true;
  }

  /**
   * The next `n` bytes, or fewer if the stream ends first. Nothing of size `n` is allocated
   * until `n` bytes have actually arrived, so a lying length costs nothing.
   */
  async take(n: number): Promise<Uint8Array> {
    while (this.buffered < n && (await this.pull()));
    n = Math.min(n, this.buffered);
    const first = this.chunks[this.head];
    if (first && first.length >= n) return this.consume(n); // one chunk holds it: no copy
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n; ) {
      const part = this.consume(Math.min(n - filled, this.chunks[this.head].length));
      out.set(part, filled);
      filled += part.length;
    }
    return out;
  }

  /** Drops the next `n` bytes as they arrive; returns how many there were. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      if (this.buffered === 0 && !(await this.pull())) break;
      skipped += this.consume(Math.min(n - skipped, this.chunks[this.head].length)).length;
    }
    return skipped;
  }

  /** Takes `n` bytes (at most the first chunk's length) off the front. */
  private consume(n: number): Uint8Array {
    const first = this.chunks[this.head];
    const part = first.subarray(0, n);
    if (n < first.length) this.chunks[this.head] = first.subarray(n);
    else if (++this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    this.buffered -= n;
    return part;
  }

  /** Stops the download if we leave early (an error, or all wanted tensors delivered). */
  async close(): Promise<void> {
    if (!this.ended) await this.reader.cancel().catch(() => {});
    this.reader.releaseLock();
  }
}
