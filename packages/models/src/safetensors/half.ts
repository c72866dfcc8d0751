// 16-bit floats by hand: IEEE half (F16) and bfloat16 (BF16), to and from float32 bits.
//
//   F16:  1 sign | 5 exponent (bias 15)  | 10 mantissa    smallest normal 2^-14
//   BF16: 1 sign | 8 exponent (bias 127) | 7 mantissa     = the top half of a float32
//
// Encoding rounds to nearest, ties to even, like a GPU or numpy's astype would.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0];
}

function floatOf(bits: number): number {
  u32[0] = bits;
  return f32[0];
}

/** The float32 value of a half-precision bit pattern (exact: every F16 is a float32). */
export function f16BitsToF32(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return floatOf(sign | 0x7f800000 | (mant << 13)); // inf or NaN
  if (exp !== 0) return floatOf(sign | ((exp + 127 - 15) << 23) | (mant << 13));
  // Zero or subnormal: mant x 2^-24, exact in float32.
  const magnitude = mant * 2 ** -24;
  return sign ? -magnitude : magnitude;
}

/** The bfloat16 bits widened to float32: they are its top 16 bits. */
export function bf16BitsToF32(b: number): number {
  return floatOf((b & 0xffff) << 16);
}

/** Rounds `x` to the nearest half-precision value, ties to even; returns its bits. */
export function f32ToF16Bits(x: number): number {
  const b = bitsOf(x);
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  // NaN stays a (quiet) NaN, keeping the top payload bits; infinity stays infinity.
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15; // the exponent re-biased for F16
  if (e >= 0x1f) return sign | 0x7c00; // too large: overflow to infinity
  if (e <= 0) {
    // Below the smallest normal: the result is subnormal, m x 2^-24 with the hidden 1 now
    // explicit. Anything under 2^-25 rounds to zero.
    if (e < -10) return sign;
    return sign | roundShift(mant | 0x800000, 14 - e);
  }
  // Normal: drop 13 mantissa bits. A carry out of the mantissa bumps the exponent, and from
  // the largest finite value reaches 0x7c00 = infinity, which is the right rounding.
  return sign | roundShift((e << 23) | mant, 13);
}

/** Rounds `x` to the nearest bfloat16, ties to even; returns its bits. */
export function f32ToBF16Bits(x: number): number {
  const b = bitsOf(x);
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40; // NaN
  return roundShift(b, 16);
}

/** `v >> shift`, rounded to nearest with ties to even. */
function roundShift(v: number, shift: number): number {
  const half = 2 ** (shift - 1);
  const rest = v % (2 * half);
  let r = Math.floor(v / (2 * half));
  if (rest > half || (rest === half && (r & 1) === 1)) r++;
  return r;
}

/** Float32 values to F16 bits, for writing F16 tensors (and for tests). */
export function encodeF16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32ToF16Bits(values[i]);
  return out;
}

/** Float32 values to BF16 bits. */
export function encodeBF16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32ToBF16Bits(values[i]);
  return out;
}

let f16Table: Float32Array | undefined;

/** All 65,536 half values as float32, built once: decoding becomes one lookup per element. */
export function f16ToF32Table(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32(h);
  }
  return f16Table;
}
