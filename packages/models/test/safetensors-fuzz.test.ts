// Fuzzing the reader: thousands of mutated files (byte flips, truncations, lying lengths, JSON
// and offset edits). Whatever the input, the reader may only succeed or throw SafetensorsError:
// never a RangeError, TypeError or crash, never a read outside the file, never an allocation
// out of proportion to the bytes read, and never a slow case.

import { describe, expect, it } from "vitest";
import {
  decodeTensor,
  parseHeaderBytes,
  SafetensorsError,
  SafetensorsReader,
  streamTensors,
} from "../src/safetensors/index.ts";
import {
  chunkedStream,
  fileFromParts,
  guardedSource,
  pick,
  randInt,
  randomBytes,
  randomFile,
  rng,
  splitFile,
} from "./helpers/safetensors-fixtures.ts";

const ITERATIONS = 4000;
const ENCODER = new TextEncoder();

type Mutation = (r: () => number, file: Uint8Array) => Uint8Array;

const flipBytes: Mutation = (r, file) => {
  const out = file.slice();
  const headerEnd = parseHeaderBytes(file).dataStart;
  for (let k = randInt(r, 1, 4); k > 0; k--) {
    // Mostly in the header, where a flip changes meaning; sometimes in the length or data.
    const at = r() < 0.7 ? randInt(r, 8, headerEnd - 1) : randInt(r, 0, out.length - 1);
    out[at] ^= 1 << randInt(r, 0, 7);
  }
  return out;
};

const truncate: Mutation = (r, file) => file.slice(0, randInt(r, 0, file.length - 1));

const append: Mutation = (r, file) => {
  const extra = randomBytes(r, randInt(r, 1, 16));
  const out = new Uint8Array(file.length + extra.length);
  out.set(file);
  out.set(extra, file.length);
  return out;
};

const lieAboutLength: Mutation = (r, file) => {
  const { header, data } = splitFile(file);
  const n = header.length;
  const lies = [
    0n,
    1n,
    7n,
    BigInt(n - 1),
    BigInt(n + 1),
    BigInt(file.length - 8),
    BigInt(file.length - 7),
  ];
  const huge = [99_999_999n, 100_000_000n, 100_000_001n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 64n - 1n];
  const length = r() < 0.5 ? pick(r, lies) : pick(r, huge);
  return fileFromParts(length < 0n ? 0n : length, ENCODER.encode(header), data);
};

const NUMBERS = [
  "-1",
  "0",
  "1",
  "1.5",
  "1e3",
  "-0",
  "99999999999999999999",
  "9007199254740993",
  "4294967296",
  "1e400",
];
const JUNK = ["{", "}", "[", "]", ":", ",", '"', "\\", " ", "0", "a", "-", "e", "\u00e9", "\ud800"];

const editJson: Mutation = (r, file) => {
  const { header, data } = splitFile(file);
  let text = header;
  const at = randInt(r, 0, text.length - 1);
  switch (randInt(r, 0, 4)) {
    case 0: {
      // Replace one number with a strange one.
      const numbers = [...text.matchAll(/\d+/g)];
      const m = numbers.length > 0 ? pick(r, numbers) : undefined;
      if (m?.index !== undefined) {
        text = text.slice(0, m.index) + pick(r, NUMBERS) + text.slice(m.index + m[0].length);
      }
      break;
    }
    case 1:
      text = text.slice(0, at) + text.slice(at + randInt(r, 1, 3)); // delete
      break;
    case 2:
      text = text.slice(0, at) + pick(r, JUNK) + text.slice(at); // insert
      break;
    case 3:
      // Swap in another dtype, sub-byte ones included.
      text = text.replace(
        /"dtype":"[A-Z0-9_]+"/,
        `"dtype":"${pick(r, ["F4", "F6_E2M3", "BOOL", "U64", "F64", "X"])}"`,
      );
      break;
    default: {
      // Repeat one tensor entry (a duplicate key) or metadata.
      const m = pick(r, [...text.matchAll(/"[^"]*":\{"dtype[^}]*\}/g)]);
      if (m) text = text.replace("{", `{${m[0]},`);
    }
  }
  // Usually keep the prefix honest about the new length; sometimes keep the old one.
  const json = ENCODER.encode(text);
  const length = r() < 0.8 ? BigInt(json.length) : BigInt(header.length);
  return fileFromParts(length, json, data);
};

const editOffsets: Mutation = (r, file) => {
  const { header, data } = splitFile(file);
  const parsed = JSON.parse(header) as Record<
    string,
    { data_offsets?: number[]; shape?: number[] }
  >;
  const names = Object.keys(parsed).filter((k) => k !== "__metadata__");
  const t = parsed[pick(r, names)];
  const other = parsed[pick(r, names)];
  switch (randInt(r, 0, 5)) {
    case 0:
      t.data_offsets![randInt(r, 0, 1)] += pick(r, [-1, 1, -8, 8]);
      break;
    case 1:
      [t.data_offsets, other.data_offsets] = [other.data_offsets, t.data_offsets];
      break;
    case 2:
      t.data_offsets![1] = pick(r, [2 ** 31, 2 ** 40, 2 ** 53, data.length + 1]);
      break;
    case 3:
      t.data_offsets = [t.data_offsets![1], t.data_offsets![1]];
      break;
    case 4: {
      // Move a whole tensor: its size stays right, but it now overlaps or leaves a hole.
      const delta = pick(r, [-4, -1, 1, 4, 64]);
      t.data_offsets = t.data_offsets!.map((o) => Math.max(0, o + delta));
      break;
    }
    default:
      t.shape = [...(t.shape ?? []), pick(r, [0, 2, 2 ** 30])];
  }
  const json = ENCODER.encode(JSON.stringify(parsed));
  return fileFromParts(BigInt(json.length), json, data);
};

const MUTATIONS: [string, Mutation][] = [
  ["flip", flipBytes],
  ["truncate", truncate],
  ["append", append],
  ["length", lieAboutLength],
  ["json", editJson],
  ["offsets", editOffsets],
];

/** Runs every reading path over `file`; returns what happened, or throws on a foreign error. */
async function readEverything(file: Uint8Array, r: () => number): Promise<string> {
  try {
    // In memory, synchronously.
    parseHeaderBytes(file);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
  }
  try {
    // Through a source that rejects any read outside the file.
    const source = guardedSource(file);
    const reader = await SafetensorsReader.open(source);
    for (const name of reader.names) {
      const before = source.bytesRead;
      try {
        const t = await reader.tensor(name);
        // Decoding widens at most 4x (U8/BOOL → Int32Array), never beyond.
        expect(t.data.byteLength).toBeLessThanOrEqual(4 * (source.bytesRead - before));
      } catch (error) {
        if (!(error instanceof SafetensorsError)) throw error;
      }
    }
    expect(source.bytesRead).toBeLessThanOrEqual(file.length);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
  }
  try {
    // As a stream of odd-sized chunks, with no length known.
    const stream = chunkedStream(file, [randInt(r, 1, 9), randInt(r, 1, 300)]);
    for await (const t of streamTensors(stream)) {
      try {
        decodeTensor(t, t.bytes);
      } catch (error) {
        if (!(error instanceof SafetensorsError)) throw error;
      }
    }
    return "ok";
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    return error.code;
  }
}

describe("fuzz", () => {
  it(`${ITERATIONS} mutated files: only SafetensorsError, in bounded time`, async () => {
    const r = rng(20260522);
    const outcomes = new Map<string, number>();
    let slowest = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const base = randomFile(r);
      const [kind, mutate] = pick(r, MUTATIONS);
      const file = mutate(r, base);
      const start = performance.now();
      let outcome: string;
      try {
        outcome = await readEverything(file, r);
      } catch (error) {
        const hex = Buffer.from(file).toString("hex");
        throw new Error(`iteration ${i} (${kind}) threw ${String(error)}\nfile: ${hex}`);
      }
      slowest = Math.max(slowest, performance.now() - start);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Bounded time: no input may make the parser crawl (each file is under 1 KB).
    expect(slowest).toBeLessThan(250);
    // The mutations reach many different checks, not just one.
    expect(outcomes.size).toBeGreaterThan(15);
  });
});
