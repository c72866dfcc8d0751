// Test fixtures for safetensors: a seeded random generator, random valid files, files built
// from a raw header string (no validation, so tests can build broken ones), and sources that
// check and count every read.

import {
  DTYPE_BITS,
  type Dtype,
  type TensorSource,
  type TensorToWrite,
  writeSafetensors,
} from "../../src/safetensors/index.ts";

/** mulberry32: a tiny seeded PRNG, so every failing case can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

/** `n` random bytes. */
export function randomBytes(r: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

const ASCII = new TextEncoder();

/** Prefix (8-byte LE length) + header text exactly as given + data: nothing is checked. */
export function fileFromHeader(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = ASCII.encode(header);
  return fileFromParts(BigInt(json.length), json, data);
}

/** Like fileFromHeader, but with any length in the prefix (a lying one, for instance). */
export function fileFromParts(length: bigint, json: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Splits a file into its header text and data section (the file must have a sane prefix). */
export function splitFile(file: Uint8Array): { header: string; data: Uint8Array } {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return {
    header: new TextDecoder().decode(file.subarray(8, 8 + n)),
    data: file.subarray(8 + n),
  };
}

/** The dtypes a test can fill with arbitrary bytes and still get a valid file. */
const WRITABLE: Dtype[] = ["F32", "F16", "BF16", "F64", "I32", "I64", "U8", "I8", "BOOL", "U16"];

/** A random valid file: 1-5 tensors of random dtypes and small shapes (some empty). */
export function randomFile(r: () => number): Uint8Array {
  const tensors: Record<string, TensorToWrite> = {};
  const count = randInt(r, 1, 5);
  for (let i = 0; i < count; i++) {
    const dtype = pick(r, [...WRITABLE, "F8_E4M3", "F4"] as Dtype[]);
    const rank = randInt(r, 0, 3);
    const shape = Array.from({ length: rank }, () => randInt(r, r() < 0.1 ? 0 : 1, 4));
    // F4 packs two values per byte: keep the element count even.
    if (dtype === "F4") shape.push(2);
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = randomBytes(r, (n * DTYPE_BITS[dtype]) / 8);
    // Small integers only, so I64 decodes; BOOL as 0/1.
    for (let j = 0; j < bytes.length; j++) {
      if (dtype === "I64") bytes[j] = j % 8 === 0 ? bytes[j] >> 1 : 0;
      if (dtype === "BOOL") bytes[j] &= 1;
    }
    tensors[`t${i}.${pick(r, ["weight", "bias", "é", "😀"])}`] = { dtype, shape, data: bytes };
  }
  const metadata = r() < 0.5 ? { format: "pt", note: "random" } : undefined;
  return writeSafetensors(tensors, metadata);
}

/** A source that fails the test on any read outside the file, and counts what it reads. */
export function guardedSource(bytes: Uint8Array): TensorSource & { bytesRead: number } {
  const source = {
    size: bytes.length,
    bytesRead: 0,
    async read(offset: number, length: number) {
      const ok =
        Number.isSafeInteger(offset) &&
        Number.isSafeInteger(length) &&
        offset >= 0 &&
        length >= 0 &&
        offset + length <= bytes.length;
      if (!ok) throw new Error(`read out of bounds: ${offset}+${length} of ${bytes.length}`);
      source.bytesRead += length;
      return bytes.slice(offset, offset + length);
    },
  };
  return source;
}

/** A stream that delivers `bytes` in chunks of the given sizes (cycled), counting pulls. */
export function chunkedStream(
  bytes: Uint8Array,
  sizes: readonly number[],
): ReadableStream<Uint8Array> & { pulls: () => number } {
  let pos = 0;
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= bytes.length) {
        controller.close();
        return;
      }
      const size = sizes[pulls++ % sizes.length];
      controller.enqueue(bytes.slice(pos, pos + size));
      pos += size;
    },
  });
  return Object.assign(stream, { pulls: () => pulls });
}
