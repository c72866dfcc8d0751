// Turns a tensor's raw little-endian bytes into numbers the engine can hold: Float32Array for
// floating-point dtypes (F16/BF16 widened exactly, F64 rounded), Int32Array for integers and
// booleans (64-bit values checked to fit). The result never aliases the input: bytes read
// from a file may start at any offset, and a Float32Array cannot view an unaligned address,
// so data is always copied into a fresh buffer.

import { byteSize, type Dtype } from "./dtypes.ts";
import { fail } from "./errors.ts";
import { bf16BitsToF32, f16ToF32Table } from "./half.ts";

export interface DecodedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** What the decoders need to know about a tensor. */
export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
}

/** Dtypes that decode to Float32Array. */
export const FLOAT_DTYPES: readonly Dtype[] = ["F32", "F16", "BF16", "F64"];
/** Dtypes that decode to Int32Array. */
export const INT_DTYPES: readonly Dtype[] = [
  "I32",
  "I64",
  "U8",
  "I8",
  "BOOL",
  "U16",
  "I16",
  "U32",
  "U64",
];

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function decodeTensor(info: TensorInfo, bytes: Uint8Array): DecodedTensor {
  return {
    name: info.name,
    dtype: info.dtype,
    shape: [...info.shape],
    data: decodeToF32OrI32(info, bytes),
  };
}

export function decodeToF32OrI32(info: TensorInfo, bytes: Uint8Array): Float32Array | Int32Array {
  const size = byteSize(info.dtype, info.shape, info.name);
  if (bytes.length !== size) {
    fail("SIZE_MISMATCH", `tensor "${info.name}": expected ${size} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (info.dtype) {
    case "F32":
      // Fast path: one copy into a fresh (so aligned) buffer, then a view. Not bytes.slice():
      // on a Node Buffer that is a view of the shared pool, not a copy. Big-endian hosts swap.
      if (LITTLE_ENDIAN_HOST) return new Float32Array(new Uint8Array(bytes).buffer);
      return each(Float32Array, bytes.length / 4, (i) => view.getFloat32(4 * i, true));
    case "I32":
      if (LITTLE_ENDIAN_HOST) return new Int32Array(new Uint8Array(bytes).buffer);
      return each(Int32Array, bytes.length / 4, (i) => view.getInt32(4 * i, true));
    case "F64":
      return each(Float32Array, bytes.length / 8, (i) => view.getFloat64(8 * i, true));
    case "F16": {
      const table = f16ToF32Table();
      return each(Float32Array, bytes.length / 2, (i) => table[view.getUint16(2 * i, true)]);
    }
    case "BF16":
      return each(Float32Array, bytes.length / 2, (i) =>
        bf16BitsToF32(view.getUint16(2 * i, true)),
      );
    case "U8":
      return Int32Array.from(bytes);
    case "I8":
      return each(Int32Array, bytes.length, (i) => view.getInt8(i));
    case "BOOL":
      // One byte per value; anything but 0 is true.
      return each(Int32Array, bytes.length, (i) => (bytes[i] === 0 ? 0 : 1));
    case "U16":
      return each(Int32Array, bytes.length / 2, (i) => view.getUint16(2 * i, true));
    case "I16":
      return each(Int32Array, bytes.length / 2, (i) => view.getInt16(2 * i, true));
    case "U32":
      return each(Int32Array, bytes.length / 4, (i) => {
        const v = view.getUint32(4 * i, true);
        return v <= 0x7fffffff ? v : outOfRange(info, i, BigInt(v));
      });
    case "I64":
    case "U64":
      return each(Int32Array, bytes.length / 8, (i) => int64ToInt32(view, i, info));
    default:
      fail(
        "UNSUPPORTED_DTYPE",
        `tensor "${info.name}": cannot decode ${info.dtype} into numbers ` +
          `(decodable: ${[...FLOAT_DTYPES, ...INT_DTYPES].join(", ")})`,
      );
  }
}

function each<T extends Float32Array | Int32Array>(
  Kind: new (n: number) => T,
  n: number,
  value: (i: number) => number,
): T {
  const out = new Kind(n);
  for (let i = 0; i < n; i++) out[i] = value(i);
  return out;
}

/**
 * Reads element i as two 32-bit halves. It fits in int32 exactly when the high half is the
 * sign extension of the low half: 0 for small non-negative values, -1 for small negatives.
 */
function int64ToInt32(view: DataView, i: number, info: TensorInfo): number {
  const lo = view.getInt32(8 * i, true);
  const hi =
    info.dtype === "I64" ? view.getInt32(8 * i + 4, true) : view.getUint32(8 * i + 4, true);
  if (hi === (lo < 0 ? -1 : 0)) return lo;
  const value = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  return outOfRange(info, i, value);
}

function outOfRange(info: TensorInfo, index: number, value: bigint): never {
  fail(
    "VALUE_OUT_OF_RANGE",
    `tensor "${info.name}": ${info.dtype} value ${value} at index ${index} does not fit in int32`,
  );
}
