// Golden bytes: files built by hand, byte by byte as the format describes them, must parse to
// what they say, and our writer must produce exactly those bytes (same ordering, same compact
// JSON, same space padding as the reference implementation).

import { describe, expect, it } from "vitest";
import { loadSafetensors, parseHeaderBytes, writeSafetensors } from "../src/safetensors/index.ts";

/** Little-endian u64 length prefix. */
function prefix(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff, 0, 0, 0, 0];
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

describe("golden files", () => {
  it("a file with metadata, two dtypes and padding", () => {
    // The header the spec describes: compact JSON, __metadata__ first, F32 before U8 (larger
    // alignment first), then padded with spaces to a multiple of 8.
    const json =
      '{"__metadata__":{"format":"pt"},' +
      '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}';
    expect(json.length).toBe(138); // 138 = 17 x 8 + 2, so 6 spaces of padding make 144
    const header = [...ascii(json), 0x20, 0x20, 0x20, 0x20, 0x20, 0x20];
    const data = [
      0x00,
      0x00,
      0x80,
      0x3f, // 1.0f, little-endian
      0x00,
      0x00,
      0x00,
      0x40, // 2.0f
      0x01,
      0x02,
      0x03, // three bytes of U8
    ];
    const golden = new Uint8Array([...prefix(144), ...header, ...data]);

    const parsed = parseHeaderBytes(golden);
    expect(parsed.metadata).toEqual({ format: "pt" });
    expect(parsed.dataStart).toBe(152);
    expect(parsed.fileSize).toBe(golden.length);
    expect([...parsed.tensors.values()]).toEqual([
      { name: "a", dtype: "F32", shape: [2], begin: 0, end: 8 },
      { name: "b", dtype: "U8", shape: [3], begin: 8, end: 11 },
    ]);

    const written = writeSafetensors(
      {
        b: { dtype: "U8", shape: [3], data: new Uint8Array([1, 2, 3]) },
        a: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) },
      },
      { format: "pt" },
    );
    expect([...written]).toEqual([...golden]);
  });

  it("decodes the golden file's values", async () => {
    const file = writeSafetensors({
      a: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) },
      b: { dtype: "U8", shape: [3], data: new Uint8Array([1, 2, 3]) },
    });
    const tensors = await loadSafetensors(file);
    expect([...tensors.get("a")!.data]).toEqual([1, 2]);
    expect(tensors.get("b")!.data).toBeInstanceOf(Int32Array);
    expect([...tensors.get("b")!.data]).toEqual([1, 2, 3]);
  });

  // The next three are the byte vectors of the reference implementation's own tests
  // (safetensors/src/tensor.rs: test_serialization, test_empty).
  it("matches the reference: one F32 tensor whose header needs no padding", () => {
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    const golden = [...prefix(64), ...ascii(json), ...new Uint8Array(data.buffer)];
    const written = writeSafetensors({ "attn.0": { dtype: "F32", shape: [1, 2, 3], data } });
    expect([...written]).toEqual(golden);
  });

  it("matches the reference: no tensors, with and without metadata", () => {
    expect([...writeSafetensors({})]).toEqual([...prefix(8), ...ascii("{}      ")]);
    const withMeta = writeSafetensors({}, { framework: "pt" });
    const json = '{"__metadata__":{"framework":"pt"}}';
    expect([...withMeta]).toEqual([...prefix(40), ...ascii(json), ...ascii("     ")]);
    expect(parseHeaderBytes(withMeta).metadata).toEqual({ framework: "pt" });
  });

  it("orders tensors by dtype alignment, largest first, then by name in UTF-8 order", () => {
    const t = (dtype: string, bytes: number) => ({
      dtype,
      shape: [1],
      data: new Uint8Array(bytes),
    });
    const file = writeSafetensors({
      "z.bool": t("BOOL", 1),
      "a.u8": t("U8", 1),
      "b.f16": t("F16", 2),
      "c.f32": t("F32", 4),
      "a.f32": t("F32", 4),
      "d.f64": t("F64", 8),
      "e.i64": t("I64", 8),
      "f.u64": t("U64", 8),
      // U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16 code units.
      "\u{1F600}": t("I32", 4),
      "\uFFFD": t("I32", 4),
    });
    const names = [...parseHeaderBytes(file).tensors.keys()];
    expect(names).toEqual([
      "f.u64",
      "e.i64",
      "d.f64",
      "a.f32",
      "c.f32",
      "\uFFFD",
      "\u{1F600}",
      "b.f16",
      "a.u8",
      "z.bool",
    ]);
  });

  it("escapes names and metadata as JSON strings", () => {
    const name = 'quote" back\\ tab\t nul\u0000 é';
    const file = writeSafetensors(
      { [name]: { dtype: "U8", shape: [], data: new Uint8Array([7]) } },
      { "key\n": "value\u0001" },
    );
    const header = parseHeaderBytes(file);
    expect([...header.tensors.keys()]).toEqual([name]);
    expect(header.metadata).toEqual({ "key\n": "value\u0001" });
    const text = new TextDecoder().decode(file.subarray(8, header.dataStart));
    expect(text).toContain('"quote\\" back\\\\ tab\\t nul\\u0000 é"');
  });
});
