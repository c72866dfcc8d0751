// Parses and validates a safetensors header: the 8-byte length, the JSON, and the layout of
// the data it describes. Everything a later read trusts is checked here, against the file's
// real length, before a single tensor byte is allocated.
//
// The format (huggingface/safetensors README, "Format"):
//   8 bytes   N, unsigned little-endian 64-bit: the header's length
//   N bytes   UTF-8 JSON: {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
//             "__metadata__": {string: string}}, possibly padded with spaces
//   the rest  the data section; offsets are relative to its start, and the tensors must cover
//             it exactly: no holes, no overlaps, nothing after the last one.

import { byteSize, DTYPES, type Dtype, isDtype } from "./dtypes.ts";
import { fail } from "./errors.ts";
import { type JsonValue, parseJson } from "./json.ts";

/** Size of the length prefix. */
export const LENGTH_PREFIX_BYTES = 8;
/** The reference implementation refuses longer headers (a denial-of-service guard). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header describes it. `begin`/`end` are relative to the data section. */
export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Tensors in file order (by offset). */
  tensors: Map<string, TensorEntry>;
  /** The `__metadata__` strings; empty if the file has none. */
  metadata: Record<string, string>;
  /** N: the JSON's length in bytes, padding included. */
  headerLength: number;
  /** Where the data section starts in the file: 8 + N. */
  dataStart: number;
  /** The data section's length: the last tensor's end. */
  dataLength: number;
  /** dataStart + dataLength: the only size a valid file with this header can have. */
  fileSize: number;
}

/**
 * Reads N from the first 8 bytes and checks it against the limit and, when known, the file
 * size; only then may a caller read (and allocate) N bytes.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize?: number): number {
  if (prefix.length < LENGTH_PREFIX_BYTES) {
    fail("FILE_TOO_SMALL", `file has ${prefix.length} bytes; a safetensors file starts with 8`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, LENGTH_PREFIX_BYTES);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    fail("HEADER_TOO_LARGE", `header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const length = Number(n);
  if (fileSize !== undefined && LENGTH_PREFIX_BYTES + length > fileSize) {
    fail(
      "HEADER_EXCEEDS_FILE",
      `header length ${length} exceeds the file: only ${fileSize - 8} bytes follow the prefix`,
    );
  }
  return length;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses the N header bytes. With `fileSize`, also checks that the data section has exactly
 * the length the header implies; without it (a stream of unknown length) the caller checks
 * that later with `checkDataLength`.
 */
export function parseHeaderJson(bytes: Uint8Array, fileSize?: number): SafetensorsHeader {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    fail("INVALID_UTF8", "header is not valid UTF-8");
  }
  const root = parseJson(text);
  if (root.kind !== "object") fail("NOT_AN_OBJECT", `header is a JSON ${root.kind}, not an object`);

  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, value] of root.entries) {
    if (name === "__metadata__") metadata = readMetadata(value);
    else entries.push(readEntry(name, value));
  }
  const dataStart = LENGTH_PREFIX_BYTES + bytes.length;
  const actual = fileSize === undefined ? undefined : fileSize - dataStart;
  const dataLength = checkLayout(entries, actual);
  const header: SafetensorsHeader = {
    tensors: new Map(entries.map((e) => [e.name, e])),
    metadata,
    headerLength: bytes.length,
    dataStart,
    dataLength,
    fileSize: dataStart + dataLength,
  };
  if (actual !== undefined) checkDataLength(header, actual);
  return header;
}

function readMetadata(value: JsonValue): Record<string, string> {
  // serde reads `"__metadata__": null` as "no metadata", so we accept it too.
  if (value.kind === "null") return {};
  if (value.kind !== "object") fail("INVALID_METADATA", "__metadata__ is not an object");
  const pairs: [string, string][] = [];
  for (const [key, v] of value.entries) {
    if (v.kind !== "string") {
      fail("INVALID_METADATA", `__metadata__ "${key}" is a ${v.kind}; values must be strings`);
    }
    pairs.push([key, v.value]);
  }
  // fromEntries defines own properties, so even a key named "__proto__" survives.
  return Object.fromEntries(pairs);
}

function readEntry(name: string, value: JsonValue): TensorEntry {
  if (value.kind !== "object") fail("NOT_AN_OBJECT", `tensor "${name}": entry is not an object`);
  const field = (key: string): JsonValue =>
    value.entries.get(key) ?? fail("MISSING_FIELD", `tensor "${name}": no "${key}" field`);
  const dtype = field("dtype");
  const shape = field("shape");
  const offsets = field("data_offsets");
  // Unknown extra fields are ignored, as the reference implementation (serde) does.

  if (dtype.kind !== "string") fail("INVALID_FIELD", `tensor "${name}": dtype is not a string`);
  if (!isDtype(dtype.value)) {
    fail(
      "UNKNOWN_DTYPE",
      `tensor "${name}": unknown dtype "${dtype.value}" (known: ${DTYPES.join(", ")})`,
    );
  }
  if (shape.kind !== "array") fail("INVALID_FIELD", `tensor "${name}": shape is not an array`);
  const dims = shape.items.map((d) => {
    if (d.kind !== "number" || !d.integer || d.value < 0 || !Number.isSafeInteger(d.value)) {
      const text = d.kind === "number" ? d.text : d.kind;
      fail("INVALID_SHAPE", `tensor "${name}": dimension ${text} is not an integer in [0, 2^53)`);
    }
    return d.value;
  });
  if (offsets.kind !== "array" || offsets.items.length !== 2) {
    fail("INVALID_OFFSETS", `tensor "${name}": data_offsets is not a pair [begin, end]`);
  }
  const [begin, end] = offsets.items.map((o) => {
    if (o.kind !== "number" || !o.integer || o.value < 0) {
      const text = o.kind === "number" ? o.text : o.kind;
      fail("INVALID_OFFSETS", `tensor "${name}": offset ${text} is not a non-negative integer`);
    }
    if (!Number.isSafeInteger(o.value)) {
      fail("OFFSET_OUT_OF_BOUNDS", `tensor "${name}": offset ${o.text} is beyond 2^53 bytes`);
    }
    return o.value;
  });
  if (end < begin) {
    fail("INVALID_OFFSETS", `tensor "${name}": data_offsets [${begin}, ${end}] end before begin`);
  }
  return { name, dtype: dtype.value, shape: dims, begin, end };
}

/**
 * Sorts `entries` by offset (in place) and checks that each has the size its shape and dtype
 * imply and that together they tile [0, dataLength) without holes or overlaps. With the data
 * section's actual length, a tensor placed wholly beyond it is reported as such (rather than
 * as the hole it also leaves). Returns dataLength.
 */
function checkLayout(entries: TensorEntry[], actual?: number): number {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    const size = byteSize(e.dtype, e.shape, e.name);
    if (e.end - e.begin !== size) {
      fail(
        "SIZE_MISMATCH",
        `tensor "${e.name}": ${e.dtype} [${e.shape}] needs ${size} bytes ` +
          `but data_offsets [${e.begin}, ${e.end}] hold ${e.end - e.begin}`,
      );
    }
    if (actual !== undefined && e.begin > actual) {
      fail(
        "OFFSET_OUT_OF_BOUNDS",
        `tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] lie beyond the data section ` +
          `(${actual} bytes)`,
      );
    }
    if (e.begin > expected) {
      fail("OFFSETS_HOLE", `bytes [${expected}, ${e.begin}) before tensor "${e.name}" are unused`);
    }
    if (e.begin < expected) {
      fail("OFFSETS_OVERLAP", `tensor "${e.name}" starts at ${e.begin}, inside the tensor before`);
    }
    expected = e.end;
  }
  return expected;
}

/**
 * Checks the actual length of the data section against the one the header implies. The
 * layout is already known to be contiguous, so a short file cuts exactly one tensor first.
 */
export function checkDataLength(header: SafetensorsHeader, actual: number): void {
  if (actual > header.dataLength) {
    fail(
      "TRAILING_BYTES",
      `${actual - header.dataLength} bytes follow the last tensor's data (data section is ` +
        `${actual} bytes, tensors cover ${header.dataLength})`,
    );
  }
  for (const e of header.tensors.values()) {
    if (e.end > actual) {
      fail(
        "TRUNCATED_FILE",
        `file is truncated: tensor "${e.name}" needs data bytes [${e.begin}, ${e.end}) but the ` +
          `data section has only ${actual}`,
      );
    }
  }
}
