// Where safetensors bytes come from. A TensorSource is random access to a file of known size:
// the reader asks for the 8-byte prefix, then the header, then only the byte ranges of the
// tensors it wants, so a 550 MB checkpoint never has to sit in memory whole. This file holds
// the browser-safe sources (bytes in memory, File/Blob); the Node file source lives in node.ts
// so that bundles for the browser never see `node:fs`.

import { fail } from "./errors.ts";

export interface TensorSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`; callers stay within [0, size). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What the reader accepts: a source, or bytes and blobs it wraps into one. */
export type SourceInput = TensorSource | Uint8Array | ArrayBuffer | Blob;

/** Bytes already in memory. Reads are views (no copy); decoding copies when it must. */
export function bytesSource(bytes: Uint8Array | ArrayBuffer): TensorSource {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    size: all.length,
    read: async (offset, length) => all.subarray(offset, offset + length),
  };
}

/** A File from an <input> or drag-and-drop, or any Blob: each read is one slice. */
export function blobSource(blob: Blob): TensorSource {
  return {
    size: blob.size,
    read: async (offset, length) => {
      const bytes = new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
      // A Blob whose backing file shrank underneath us returns fewer bytes than asked.
      if (bytes.length !== length) {
        fail("TRUNCATED_FILE", `file shrank while reading: got ${bytes.length} of ${length}`);
      }
      return bytes;
    },
  };
}

export function toSource(input: SourceInput): TensorSource {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return bytesSource(input);
  if (typeof Blob !== "undefined" && input instanceof Blob) return blobSource(input);
  return input as TensorSource;
}
