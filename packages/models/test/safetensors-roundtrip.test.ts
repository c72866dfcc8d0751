// Round trips: write → read gives back the same dtypes, shapes, bytes and metadata, for every
// decodable dtype and awkward shapes (scalars, empty dimensions, odd sizes), including data
// that starts at an unaligned address.

import { describe, expect, it } from "vitest";
import {
  byteSize,
  type Dtype,
  encodeBF16,
  encodeF16,
  inspect,
  parseHeaderBytes,
  SafetensorsReader,
  type TensorToWrite,
  writeSafetensors,
} from "../src/safetensors/index.ts";
import { fileFromHeader, randomBytes, rng, splitFile } from "./helpers/safetensors-fixtures.ts";

const SHAPES = [[], [0], [1], [7], [3, 0, 2], [2, 3, 5], [1, 1, 1, 3]];

/** Values of each dtype, as numbers the decoder must return, and their encoded bytes. */
function sample(
  dtype: Dtype,
  n: number,
  r: () => number,
): { values: number[]; data: ArrayBufferView } {
  const ints = (lo: number, hi: number) =>
    Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo)));
  const floats = () => Array.from({ length: n }, () => Math.fround((r() - 0.5) * 1000));
  switch (dtype) {
    case "F32": {
      const v = floats();
      return { values: v, data: new Float32Array(v) };
    }
    case "F64": {
      const v = Array.from({ length: n }, () => (r() - 0.5) * 1e6);
      return { values: v.map(Math.fround), data: new Float64Array(v) };
    }
    case "F16": {
      const bits = encodeF16(floats());
      return { values: [...bits].map((b) => halfValue(b)), data: bits };
    }
    case "BF16": {
      const bits = encodeBF16(floats());
      return { values: [...bits].map((b) => bfValue(b)), data: bits };
    }
    case "I32": {
      const v = ints(-(2 ** 31), 2 ** 31);
      return { values: v, data: new Int32Array(v) };
    }
    case "I64": {
      const v = ints(-(2 ** 31), 2 ** 31);
      return { values: v, data: new BigInt64Array(v.map(BigInt)) };
    }
    case "U64": {
      const v = ints(0, 2 ** 31);
      return { values: v, data: new BigUint64Array(v.map(BigInt)) };
    }
    case "U32": {
      const v = ints(0, 2 ** 31);
      return { values: v, data: new Uint32Array(v) };
    }
    case "U16": {
      const v = ints(0, 65536);
      return { values: v, data: new Uint16Array(v) };
    }
    case "I16": {
      const v = ints(-32768, 32768);
      return { values: v, data: new Int16Array(v) };
    }
    case "U8": {
      const v = ints(0, 256);
      return { values: v, data: new Uint8Array(v) };
    }
    case "I8": {
      const v = ints(-128, 128);
      return { values: v, data: new Int8Array(v) };
    }
    case "BOOL": {
      const v = ints(0, 2);
      return { values: v, data: new Uint8Array(v) };
    }
    default:
      throw new Error(`no sample for ${dtype}`);
  }
}

// Independent oracles for the 16-bit floats: plain arithmetic on the fields.
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function bfValue(bits: number): number {
  return new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
}

const DECODABLE: Dtype[] = [
  "F32",
  "F64",
  "F16",
  "BF16",
  "I32",
  "I64",
  "U64",
  "U32",
  "U16",
  "I16",
  "U8",
  "I8",
  "BOOL",
];

describe("round trip", () => {
  for (const dtype of DECODABLE) {
    it(`${dtype}: every shape gives back its bytes and values`, async () => {
      const r = rng(dtype.length * 7919 + dtype.charCodeAt(0));
      const samples = SHAPES.map((shape) =>
        sample(
          dtype,
          shape.reduce((a, b) => a * b, 1),
          r,
        ),
      );
      const tensors = Object.fromEntries(
        SHAPES.map((shape, i) => [`x${i}`, { dtype, shape, data: samples[i].data }]),
      );
      // A key named "__proto__" must survive as data (fromEntries defines it as a property).
      const metadata = Object.fromEntries([
        ["dtype", dtype],
        ["", "empty key"],
        ["__proto__", "kept"],
      ]);
      const file = writeSafetensors(tensors, metadata);
      const reader = await SafetensorsReader.open(file);
      expect(Object.entries(reader.metadata)).toEqual(Object.entries(metadata));
      for (const [i, shape] of SHAPES.entries()) {
        const e = reader.entry(`x${i}`);
        expect(e.dtype).toBe(dtype);
        expect(e.shape).toEqual(shape);
        const d = samples[i].data;
        expect(await reader.bytes(`x${i}`)).toEqual(
          new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
        );
        const t = await reader.tensor(`x${i}`);
        expect(t.data).toBeInstanceOf(
          ["F32", "F64", "F16", "BF16"].includes(dtype) ? Float32Array : Int32Array,
        );
        expect([...t.data]).toEqual(samples[i].values);
      }
    });
  }

  it("reads data that starts at an unaligned address", async () => {
    const values = [1.5, -2.25, 3e-5, 1e30, -0];
    const file = writeSafetensors({
      f: { dtype: "F32", shape: [5], data: new Float32Array(values) },
      d: { dtype: "F64", shape: [5], data: new Float64Array(values) },
      i: { dtype: "I32", shape: [2], data: new Int32Array([-7, 2 ** 30]) },
    });
    // Rebuild with one extra byte of header padding: the data section now starts at an odd
    // offset in the file, so no tensor is aligned to its element size.
    const { header, data } = splitFile(file);
    const odd = fileFromHeader(`${header} `, data);
    expect(parseHeaderBytes(odd).dataStart % 2).toBe(1);
    // ...and view it at an odd address inside a larger buffer, too, and as a Node Buffer
    // (small ones live at some offset inside a shared 8 KB pool).
    const shifted = new Uint8Array(odd.length + 3);
    shifted.set(odd, 3);
    const pooled = Buffer.from(odd);
    for (const bytes of [odd, shifted.subarray(3), pooled]) {
      const reader = await SafetensorsReader.open(bytes);
      expect([...(await reader.tensor("f")).data]).toEqual(values.map(Math.fround));
      expect([...(await reader.tensor("d")).data]).toEqual(values.map(Math.fround));
      expect([...(await reader.tensor("i")).data]).toEqual([-7, 2 ** 30]);
    }
  });

  it("keeps the bytes of dtypes it cannot decode, and refuses to decode them", async () => {
    const r = rng(5);
    const specs: [Dtype, number[]][] = [
      ["F8_E4M3", [3]],
      ["F8_E5M2", [2, 2]],
      ["F8_E8M0", [1]],
      ["F8_E4M3FNUZ", [2]],
      ["F8_E5M2FNUZ", [2]],
      ["C64", [2]],
      ["F4", [2, 3]],
      ["F6_E2M3", [4]],
      ["F6_E3M2", [8]],
    ];
    const tensors = Object.fromEntries(
      specs.map(([dtype, shape]) => [
        dtype,
        { dtype, shape, data: randomBytes(r, byteSize(dtype, shape, dtype)) },
      ]),
    );
    const file = writeSafetensors(tensors);
    const reader = await SafetensorsReader.open(file);
    for (const [dtype, shape] of specs) {
      expect(await reader.bytes(dtype)).toEqual(tensors[dtype].data);
      await expect(reader.tensor(dtype)).rejects.toMatchObject({
        code: "UNSUPPORTED_DTYPE",
        message: expect.stringContaining(`tensor "${dtype}": cannot decode ${dtype}`),
      });
      expect((await inspect(file)).tensors[dtype]).toEqual({ dtype, shape });
    }
    // Sub-byte sizes are counted in bits: F4 [2,3] is 6 x 4 bits = 3 bytes, F6 [4] is 3 bytes.
    expect(reader.entry("F4").end - reader.entry("F4").begin).toBe(3);
    expect(reader.entry("F6_E2M3").end - reader.entry("F6_E2M3").begin).toBe(3);
  });

  it("round-trips random files through write → read → write unchanged", async () => {
    const r = rng(99);
    for (let i = 0; i < 50; i++) {
      const n = 1 + Math.floor(r() * 4);
      const tensors = Object.fromEntries(
        Array.from({ length: n }, (_, j) => {
          const dtype = (["F32", "U8", "I64", "F16", "BOOL"] as const)[Math.floor(r() * 5)];
          const shape = [Math.floor(r() * 4), 1 + Math.floor(r() * 3)];
          return [`t${j}`, { dtype, shape, data: randomBytes(r, byteSize(dtype, shape, "t")) }];
        }),
      );
      const file = writeSafetensors(tensors, { i: String(i) });
      const reader = await SafetensorsReader.open(file);
      const again: Record<string, TensorToWrite> = {};
      for (const name of reader.names) {
        const e = reader.entry(name);
        again[name] = { dtype: e.dtype, shape: e.shape, data: await reader.bytes(name) };
      }
      expect(writeSafetensors(again, reader.metadata)).toEqual(file);
    }
  });
});
