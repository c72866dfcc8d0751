// The element types of the safetensors format, their widths in bits, and byte-size arithmetic
// that can neither overflow nor be fooled by a lying header.
//
// Source: huggingface/safetensors, safetensors/src/tensor.rs (`enum Dtype` and
// `Dtype::bitsize`, 2026-05). The enum is declared "in increasing alignment order" and the
// writer sorts tensors by that order, largest first, so the order of this list matters.

import { fail } from "./errors.ts";

/** Every dtype of the current format, in the reference implementation's alignment order. */
export const DTYPES = [
  "BOOL",
  "F4", // MXFP4 (OCP microscaling): 1 sign, 2 exponent, 1 mantissa bit
  "F6_E2M3", // MXFP6
  "F6_E3M2", // MXFP6
  "U8",
  "I8",
  "F8_E5M2", // FP8 (arXiv 2209.05433)
  "F8_E4M3",
  "F8_E8M0", // MX scale: a bare power of two
  "F8_E4M3FNUZ", // FP8 without infinities or negative zero (arXiv 2206.02915)
  "F8_E5M2FNUZ",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "C64", // complex: two F32 parts
  "F64",
  "I64",
  "U64",
] as const;

export type Dtype = (typeof DTYPES)[number];

/** Bits per element. Sub-byte types pack several elements into one byte. */
export const DTYPE_BITS: Record<Dtype, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

const RANK = new Map<string, number>(DTYPES.map((d, i) => [d, i]));

export function isDtype(name: string): name is Dtype {
  return RANK.has(name);
}

/** Position in the alignment order: the writer puts higher ranks first. */
export function dtypeRank(dtype: Dtype): number {
  return RANK.get(dtype)!;
}

/** Product of the dimensions; fails if it cannot be represented exactly in a JS number. */
export function elementCount(shape: readonly number[], tensor: string): number {
  // A zero anywhere makes the tensor empty, however large the other dimensions are.
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) n *= d;
  if (!Number.isSafeInteger(n)) {
    fail("INVALID_SHAPE", `tensor "${tensor}": shape [${shape}] has more than 2^53 elements`);
  }
  return n;
}

/**
 * Bytes that `shape` elements of `dtype` occupy. The count is done in bits, as the reference
 * does, because F4 and F6 elements are narrower than a byte; a count that does not end on a
 * byte boundary cannot be stored.
 */
export function byteSize(dtype: Dtype, shape: readonly number[], tensor: string): number {
  const bits = elementCount(shape, tensor) * DTYPE_BITS[dtype];
  if (!Number.isSafeInteger(bits)) {
    fail("INVALID_SHAPE", `tensor "${tensor}": shape [${shape}] of ${dtype} is too large`);
  }
  if (bits % 8 !== 0) {
    fail(
      "MISALIGNED_SUBBYTE",
      `tensor "${tensor}": ${elementCount(shape, tensor)} elements of ${dtype} ` +
        `(${DTYPE_BITS[dtype]} bits each) do not fill a whole number of bytes`,
    );
  }
  return bits / 8;
}
