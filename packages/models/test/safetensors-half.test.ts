// F16 and BF16 conversions: exact widening, and round-to-nearest-even narrowing checked on the
// cases where rounding is decided (ties, overflow, subnormals) and on every 16-bit pattern.

import { describe, expect, it } from "vitest";
import {
  bf16BitsToF32,
  f16BitsToF32,
  f32ToBF16Bits,
  f32ToF16Bits,
} from "../src/safetensors/index.ts";

describe("F16", () => {
  it("rounds to nearest, ties to even", () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway to 0x3c01: tie → even (0x3c00)
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway to 0x3c02: tie → even
    expect(f32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just past halfway
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(-0)).toBe(0x8000);
  });

  it("overflows to infinity and keeps NaN", () => {
    expect(f32ToF16Bits(65504)).toBe(0x7bff); // largest finite half
    expect(f32ToF16Bits(65519)).toBe(0x7bff); // below the midpoint to 65536
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // the midpoint ties to even: infinity
    expect(f32ToF16Bits(1e10)).toBe(0x7c00);
    expect(f32ToF16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(Number.NaN)))).toBe(true);
  });

  it("handles subnormals", () => {
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 1 ulp → even (0)
    expect(f32ToF16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 → even (2)
    expect(f32ToF16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the normals
    expect(f16BitsToF32(0x03ff)).toBe(1023 * 2 ** -24);
  });

  it("every finite half survives f16 → f32 → f16", () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const x = f16BitsToF32(h);
      if (!Number.isNaN(x) && f32ToF16Bits(x) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });
});

describe("BF16", () => {
  it("rounds to nearest, ties to even", () => {
    expect(f32ToBF16Bits(1)).toBe(0x3f80);
    expect(f32ToBF16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(f32ToBF16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie → even
    expect(f32ToBF16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(f32ToBF16Bits(3.4028234663852886e38)).toBe(0x7f80); // f32 max rounds to infinity
    expect(Number.isNaN(bf16BitsToF32(f32ToBF16Bits(Number.NaN)))).toBe(true);
  });

  it("every finite bfloat16 survives bf16 → f32 → bf16", () => {
    const wrong: number[] = [];
    for (let b = 0; b < 0x10000; b++) {
      const x = bf16BitsToF32(b);
      if (!Number.isNaN(x) && f32ToBF16Bits(x) !== b) wrong.push(b);
    }
    expect(wrong).toEqual([]);
  });
});
