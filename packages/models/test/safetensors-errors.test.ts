// Every way a file can be malformed gives a SafetensorsError with the right code and a message
// that names the tensor, through every reading path (bytes in memory, a source, a stream).

import { describe, expect, it } from "vitest";
import {
  bytesSource,
  parseHeader,
  parseHeaderBytes,
  SafetensorsError,
  type SafetensorsErrorCode,
  SafetensorsReader,
  streamTensors,
  writeSafetensors,
} from "../src/safetensors/index.ts";
import {
  chunkedStream,
  fileFromHeader,
  fileFromParts,
  guardedSource,
} from "./helpers/safetensors-fixtures.ts";

/** One tensor entry as JSON text. */
function entry(dtype: string, shape: string, offsets: string): string {
  return `{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;
}

const W = entry("F32", "[2]", "[0,8]");
const EIGHT = new Uint8Array(8);

/** Parses `file` three ways; each must fail with `code` (and `pattern` in the message). */
async function expectError(file: Uint8Array, code: SafetensorsErrorCode, pattern?: RegExp) {
  const check = (error: unknown) => {
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).code).toBe(code);
    if (pattern) expect((error as Error).message).toMatch(pattern);
  };
  try {
    parseHeaderBytes(file);
    throw new Error("parseHeaderBytes accepted a malformed file");
  } catch (error) {
    check(error);
  }
  await parseHeader(guardedSource(file)).then(
    () => expect.fail("parseHeader accepted a malformed file"),
    check,
  );
  const response = new Response(chunkedStream(file, [3, 5, 1]), {
    headers: { "content-length": String(file.length) },
  });
  await drain(streamTensors(response)).then(() => expect.fail("stream accepted it"), check);
}

async function drain(tensors: AsyncIterable<unknown>) {
  for await (const _ of tensors);
}

describe("malformed files", () => {
  const cases: [string, Uint8Array, SafetensorsErrorCode, RegExp?][] = [
    ["fewer than 8 bytes", new Uint8Array(5), "FILE_TOO_SMALL"],
    ["header over 100 MB", fileFromParts(100_000_001n, EIGHT, EIGHT), "HEADER_TOO_LARGE"],
    ["header length 2^64-1", fileFromParts(2n ** 64n - 1n, EIGHT, EIGHT), "HEADER_TOO_LARGE"],
    [
      "header past the end",
      fileFromParts(1000n, new Uint8Array([123, 125]), EIGHT),
      "HEADER_EXCEEDS_FILE",
    ],
    [
      "not UTF-8",
      fileFromParts(2n, new Uint8Array([0x7b, 0xff]), new Uint8Array(0)),
      "INVALID_UTF8",
    ],
    [
      "a byte-order mark",
      fileFromParts(5n, new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), new Uint8Array(0)),
      "INVALID_JSON",
    ],
    ["unfinished JSON", fileFromHeader('{"w":'), "INVALID_JSON"],
    ["a trailing comma", fileFromHeader(`{"w":${W},}`, EIGHT), "INVALID_JSON"],
    ["a single-quoted key", fileFromHeader(`{'w':${W}}`, EIGHT), "INVALID_JSON"],
    [
      "10,000 nested arrays",
      fileFromHeader(`{"w":${"[".repeat(10000)}}`),
      "INVALID_JSON",
      /nesting/,
    ],
    ["an array header", fileFromHeader("[]"), "NOT_AN_OBJECT"],
    ["an entry that is a number", fileFromHeader('{"w":5}'), "NOT_AN_OBJECT", /tensor "w"/],
    ["a duplicate tensor", fileFromHeader(`{"w":${W},"w":${W}}`, EIGHT), "DUPLICATE_KEY", /"w"/],
    [
      "a duplicate field",
      fileFromHeader(`{"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, EIGHT),
      "DUPLICATE_KEY",
      /"dtype"/,
    ],
    [
      "a duplicate metadata key",
      fileFromHeader('{"__metadata__":{"a":"1","a":"2"}}'),
      "DUPLICATE_KEY",
    ],
    [
      "metadata with a number",
      fileFromHeader('{"__metadata__":{"a":1}}'),
      "INVALID_METADATA",
      /"a"/,
    ],
    ["metadata that is a list", fileFromHeader('{"__metadata__":["a"]}'), "INVALID_METADATA"],
    [
      "no dtype",
      fileFromHeader('{"w":{"shape":[2],"data_offsets":[0,8]}}', EIGHT),
      "MISSING_FIELD",
      /tensor "w": no "dtype"/,
    ],
    [
      "no shape",
      fileFromHeader('{"w":{"dtype":"F32","data_offsets":[0,8]}}', EIGHT),
      "MISSING_FIELD",
      /"shape"/,
    ],
    [
      "no offsets",
      fileFromHeader('{"w":{"dtype":"F32","shape":[2]}}', EIGHT),
      "MISSING_FIELD",
      /"data_offsets"/,
    ],
    [
      "a numeric dtype",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[0,8]").replace('"F32"', "32")}}`, EIGHT),
      "INVALID_FIELD",
    ],
    [
      "a string shape",
      fileFromHeader(`{"w":${entry("F32", '"2"', "[0,8]")}}`, EIGHT),
      "INVALID_FIELD",
    ],
    [
      "an unknown dtype",
      fileFromHeader(`{"w":${entry("F128", "[2]", "[0,8]")}}`, EIGHT),
      "UNKNOWN_DTYPE",
      /tensor "w": unknown dtype "F128"/,
    ],
    [
      "a lower-case dtype",
      fileFromHeader(`{"w":${entry("f32", "[2]", "[0,8]")}}`, EIGHT),
      "UNKNOWN_DTYPE",
    ],
    [
      "a negative dimension",
      fileFromHeader(`{"w":${entry("F32", "[-2]", "[0,8]")}}`, EIGHT),
      "INVALID_SHAPE",
      /tensor "w"/,
    ],
    [
      "a fractional dimension",
      fileFromHeader(`{"w":${entry("F32", "[2.0]", "[0,8]")}}`, EIGHT),
      "INVALID_SHAPE",
    ],
    [
      "an exponent dimension",
      fileFromHeader(`{"w":${entry("F32", "[2e0]", "[0,8]")}}`, EIGHT),
      "INVALID_SHAPE",
    ],
    [
      "a huge dimension",
      fileFromHeader(`{"w":${entry("F32", "[99999999999999999999]", "[0,8]")}}`, EIGHT),
      "INVALID_SHAPE",
    ],
    [
      "too many elements",
      fileFromHeader(`{"w":${entry("F32", "[4294967296,4294967296]", "[0,8]")}}`, EIGHT),
      "INVALID_SHAPE",
    ],
    ["one offset", fileFromHeader(`{"w":${entry("F32", "[2]", "[8]")}}`, EIGHT), "INVALID_OFFSETS"],
    [
      "three offsets",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[0,8,8]")}}`, EIGHT),
      "INVALID_OFFSETS",
    ],
    [
      "a negative offset",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[-8,0]")}}`, EIGHT),
      "INVALID_OFFSETS",
    ],
    [
      "end before begin",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[8,0]")}}`, EIGHT),
      "INVALID_OFFSETS",
      /end before begin/,
    ],
    [
      "a fractional offset",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[0,8.0]")}}`, EIGHT),
      "INVALID_OFFSETS",
    ],
    [
      "an offset past 2^53",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[0,100000000000000000000]")}}`, EIGHT),
      "OFFSET_OUT_OF_BOUNDS",
    ],
    [
      "a tensor beyond the data",
      fileFromHeader(`{"w":${W},"v":${entry("F32", "[2]", "[800,808]")}}`, EIGHT),
      "OFFSET_OUT_OF_BOUNDS",
      /tensor "v"/,
    ],
    [
      "overlapping tensors",
      fileFromHeader(`{"w":${W},"v":${entry("F32", "[2]", "[4,12]")}}`, new Uint8Array(12)),
      "OFFSETS_OVERLAP",
      /tensor "v"/,
    ],
    [
      "a hole at the start",
      fileFromHeader(`{"w":${entry("F32", "[2]", "[4,12]")}}`, new Uint8Array(12)),
      "OFFSETS_HOLE",
      /\[0, 4\)/,
    ],
    [
      "a hole between tensors",
      fileFromHeader(`{"w":${W},"v":${entry("F32", "[1]", "[12,16]")}}`, new Uint8Array(16)),
      "OFFSETS_HOLE",
      /tensor "v"/,
    ],
    [
      "a size that does not match",
      fileFromHeader(`{"w":${entry("F32", "[3]", "[0,8]")}}`, EIGHT),
      "SIZE_MISMATCH",
      /tensor "w": F32 \[3\] needs 12 bytes/,
    ],
    [
      "F4 with an odd count",
      fileFromHeader(`{"w":${entry("F4", "[3]", "[0,2]")}}`, new Uint8Array(2)),
      "MISALIGNED_SUBBYTE",
    ],
    [
      "a truncated file",
      fileFromHeader(`{"w":${W}}`, new Uint8Array(7)),
      "TRUNCATED_FILE",
      /tensor "w"/,
    ],
    ["trailing bytes", fileFromHeader(`{"w":${W}}`, new Uint8Array(9)), "TRAILING_BYTES"],
  ];
  for (const [what, file, code, pattern] of cases) {
    it(`${what} → ${code}`, () => expectError(file, code, pattern));
  }
});

describe("accepted edge cases", () => {
  it("whitespace around the JSON, as the reference accepts", () => {
    for (const header of ["{}\r \t\n", "\t\n{} ", "  {}  "]) {
      expect(parseHeaderBytes(fileFromHeader(header)).tensors.size).toBe(0);
    }
  });

  it("scalars, empty tensors, null metadata and unknown extra fields", () => {
    const header =
      `{"__metadata__":null,"s":${entry("I32", "[]", "[0,4]")},` +
      `"e":{"dtype":"F32","shape":[2,0],"data_offsets":[4,4],"extra":[1]}}`;
    const parsed = parseHeaderBytes(fileFromHeader(header, new Uint8Array(4)));
    expect(parsed.metadata).toEqual({});
    expect(parsed.tensors.get("s")).toMatchObject({ shape: [], begin: 0, end: 4 });
    expect(parsed.tensors.get("e")).toMatchObject({ shape: [2, 0], begin: 4, end: 4 });
  });
});

describe("errors when reading data", () => {
  const file = writeSafetensors({
    big: { dtype: "I64", shape: [2], data: new BigInt64Array([1n, 2n ** 40n]) },
    neg: { dtype: "I64", shape: [1], data: new BigInt64Array([-(2n ** 31n) - 1n]) },
    u32: { dtype: "U32", shape: [1], data: new Uint32Array([2 ** 31]) },
    ok: { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n]) },
  });

  it("names the tensor that is not there", async () => {
    const reader = await SafetensorsReader.open(bytesSource(file));
    expect(() => reader.entry("nope")).toThrow(
      expect.objectContaining({ code: "TENSOR_NOT_FOUND" }),
    );
    await expect(reader.tensors(["ok", "nope"])).rejects.toMatchObject({
      code: "TENSOR_NOT_FOUND",
    });
  });

  it("refuses 64-bit values that do not fit in int32, and keeps those that do", async () => {
    const reader = await SafetensorsReader.open(file);
    await expect(reader.tensor("big")).rejects.toMatchObject({
      code: "VALUE_OUT_OF_RANGE",
      message: 'tensor "big": I64 value 1099511627776 at index 1 does not fit in int32',
    });
    await expect(reader.tensor("neg")).rejects.toMatchObject({ message: /-2147483649/ });
    await expect(reader.tensor("u32")).rejects.toMatchObject({ code: "VALUE_OUT_OF_RANGE" });
    expect([...(await reader.tensor("ok")).data]).toEqual([-(2 ** 31), 2 ** 31 - 1]);
  });

  it("never reads past the header when the header lies about its length", async () => {
    const source = guardedSource(fileFromParts(99_999_999n, new Uint8Array([123, 125]), EIGHT));
    await expect(parseHeader(source)).rejects.toMatchObject({ code: "HEADER_EXCEEDS_FILE" });
    expect(source.bytesRead).toBe(8);
  });
});
