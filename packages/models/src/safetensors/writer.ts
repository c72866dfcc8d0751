// Writing safetensors files, byte for byte as the reference implementation writes them
// (huggingface/safetensors, safetensors/src/tensor.rs, `prepare` and `serialize`):
//   - tensors sorted by dtype alignment, largest first (U64, I64, F64, C64, F32, ...), then by
//     name, so 8-byte types never follow a 1-byte type and stay aligned;
//   - the header is compact JSON, "__metadata__" first, each tensor as
//     {"dtype":..,"shape":[..],"data_offsets":[begin,end]}, padded with spaces to a multiple
//     of 8 bytes, so the data section starts 8-aligned too;
//   - then the tensors' bytes, back to back.

import { byteSize, type Dtype, dtypeRank, isDtype } from "./dtypes.ts";
import { fail } from "./errors.ts";
import { LENGTH_PREFIX_BYTES, MAX_HEADER_BYTES } from "./header.ts";

/** A tensor to write. `data` holds its little-endian bytes (a typed array of any kind). */
export interface TensorToWrite {
  dtype: string;
  shape: readonly number[];
  data: ArrayBufferView;
}

/** Only what the header needs: the data itself can come later (see node.ts). */
export interface TensorSpec {
  dtype: string;
  shape: readonly number[];
}

export type NamedTensors<T> = Record<string, T> | Map<string, T>;

/** Where each tensor goes, in the order its bytes follow the header. */
export interface PlannedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsPlan {
  /** The 8-byte length prefix and the padded header: the file's first bytes. */
  head: Uint8Array;
  tensors: PlannedTensor[];
  fileSize: number;
}

/** Lays out a file: checks every spec, orders the tensors and builds the header bytes. */
export function planSafetensors(
  specs: NamedTensors<TensorSpec>,
  metadata?: Record<string, string>,
): SafetensorsPlan {
  const entries = specs instanceof Map ? [...specs] : Object.entries(specs);
  const tensors = entries.map(([name, spec]) => checkSpec(name, spec));
  tensors.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  let offset = 0;
  for (const t of tensors) {
    t.begin = offset;
    t.end = offset + byteSize(t.dtype, t.shape, t.name);
    offset = t.end;
  }

  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${metadataJson(metadata)}`);
  for (const t of tensors) {
    parts.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],` +
        `"data_offsets":[${t.begin},${t.end}]}`,
    );
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) {
    fail("HEADER_TOO_LARGE", `header would be ${padded} bytes, over ${MAX_HEADER_BYTES}`);
  }
  const head = new Uint8Array(LENGTH_PREFIX_BYTES + padded).fill(0x20, LENGTH_PREFIX_BYTES);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, LENGTH_PREFIX_BYTES);
  return { head, tensors, fileSize: head.length + offset };
}

/** Serialises tensors (and optional metadata) into one safetensors file in memory. */
export function writeSafetensors(
  tensors: NamedTensors<TensorToWrite>,
  metadata?: Record<string, string>,
): Uint8Array<ArrayBuffer> {
  const plan = planSafetensors(tensors, metadata);
  const get = (name: string) => (tensors instanceof Map ? tensors.get(name) : tensors[name])!;
  const out = new Uint8Array(plan.fileSize);
  out.set(plan.head);
  for (const t of plan.tensors) {
    out.set(tensorBytes(t, get(t.name).data), plan.head.length + t.begin);
  }
  return out;
}

/** The bytes of `data`, checked against the size the plan gave the tensor. */
export function tensorBytes(t: PlannedTensor, data: ArrayBufferView): Uint8Array {
  if (data.byteLength !== t.end - t.begin) {
    fail(
      "INVALID_TENSOR",
      `tensor "${t.name}": ${t.dtype} [${t.shape}] needs ${t.end - t.begin} bytes, ` +
        `its data has ${data.byteLength}`,
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function checkSpec(name: string, spec: TensorSpec): PlannedTensor {
  if (name === "__metadata__") {
    fail("INVALID_TENSOR", `"__metadata__" is reserved and cannot name a tensor`);
  }
  if (!isDtype(spec.dtype))
    fail("UNKNOWN_DTYPE", `tensor "${name}": unknown dtype "${spec.dtype}"`);
  for (const d of spec.shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      fail("INVALID_SHAPE", `tensor "${name}": dimension ${d} is not a non-negative integer`);
    }
  }
  return { name, dtype: spec.dtype, shape: [...spec.shape], begin: 0, end: 0 };
}

function metadataJson(metadata: Record<string, string>): string {
  const pairs = Object.entries(metadata).map(([key, value]) => {
    if (typeof value !== "string") {
      fail("INVALID_METADATA", `metadata "${key}" is a ${typeof value}; values must be strings`);
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${pairs.join(",")}}`;
}

/**
 * Compares strings by code point, which is the byte order of their UTF-8 encodings and so the
 * order of Rust's `String` comparison. JavaScript's `<` compares UTF-16 code units instead,
 * which puts characters above U+FFFF (surrogate pairs, 0xD800-0xDFFF) before U+E000-U+FFFF.
 * Shifting those two ranges past each other restores code point order.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
