// The places bytes come from: a Node file (read in ranges, never whole), the browser's Blob and
// ArrayBuffer, and a streaming Response that delivers odd-sized chunks; plus the atomic file
// writer and `inspect`.

import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeTensor,
  formatInspect,
  inspect,
  loadSafetensors,
  type SafetensorsHeader,
  SafetensorsReader,
  type StreamedTensor,
  streamTensors,
  writeSafetensors,
} from "../src/safetensors/index.ts";
import {
  inspectFile,
  openFileSource,
  readSafetensorsFile,
  writeSafetensorsFile,
} from "../src/safetensors/node.ts";
import { chunkedStream } from "./helpers/safetensors-fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sheep-safetensors-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const BIG = 2_000_000; // 8 MB of F32
const small = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
const tensors = {
  "features.0.weight": { dtype: "F32", shape: [BIG], data: new Float32Array(BIG).fill(0.5) },
  "features.0.bias": { dtype: "F32", shape: [4, 4], data: small },
  labels: { dtype: "U8", shape: [3], data: new Uint8Array([7, 8, 9]) },
};

describe("Node file source", () => {
  it("loads one small tensor by reading only the header and that tensor", async () => {
    const path = join(dir, "partial.safetensors");
    await writeFile(path, writeSafetensors(tensors));
    const source = await openFileSource(path);
    try {
      const reader = await SafetensorsReader.open(source);
      const bias = await reader.tensor("features.0.bias");
      expect([...bias.data]).toEqual([...small]);
      // 8-byte prefix + header + 64 bytes of bias; the 8 MB weight was never touched.
      expect(source.bytesRead).toBe(reader.header.dataStart + 64);
      expect(source.bytesRead).toBeLessThan(source.size / 1000);
    } finally {
      await source.close();
    }
  });

  it("writes files atomically with the same bytes as the in-memory writer", async () => {
    const path = join(dir, "lazy.safetensors");
    const seen: string[] = [];
    const lazy = Object.fromEntries(
      Object.entries(tensors).map(([name, t]) => [
        name,
        // Data produced only when the writer reaches the tensor (one in memory at a time).
        {
          ...t,
          data: async () => {
            seen.push(name);
            return t.data;
          },
        },
      ]),
    );
    await writeSafetensorsFile(path, lazy, { format: "pt" });
    expect(seen).toEqual(["features.0.bias", "features.0.weight", "labels"]); // file order
    // Buffer.equals: vitest's deep equality walks an 8 MB array element by element (slowly).
    const expected = writeSafetensors(tensors, { format: "pt" });
    expect((await readFile(path)).equals(expected)).toBe(true);
    const loaded = await readSafetensorsFile(path, ["labels"]);
    expect([...loaded.keys()]).toEqual(["labels"]);
    expect((await inspectFile(path)).metadata).toEqual({ format: "pt" });
  });

  it("leaves an existing file untouched, and no temp file, when writing fails", async () => {
    const path = join(dir, "keep.safetensors");
    await writeFile(path, "old contents");
    const failing = {
      a: { dtype: "F32", shape: [1], data: new Float32Array([1]) },
      b: { dtype: "F32", shape: [1], data: () => Promise.reject(new Error("disk on fire")) },
    };
    await expect(writeSafetensorsFile(path, failing)).rejects.toThrow("disk on fire");
    const wrongSize = { a: { dtype: "F32", shape: [2], data: new Float32Array([1]) } };
    await expect(writeSafetensorsFile(path, wrongSize)).rejects.toMatchObject({
      code: "INVALID_TENSOR",
    });
    expect(await readFile(path, "utf8")).toBe("old contents");
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("browser sources", () => {
  const file = writeSafetensors(tensors, { source: "test" });
  // A smaller file for the chunk-by-chunk tests: one-byte chunks of 8 MB would take a while.
  const MEDIUM = 20_000;
  const medium = writeSafetensors(
    {
      ...tensors,
      "features.0.weight": { dtype: "F32", shape: [MEDIUM], data: new Float32Array(MEDIUM) },
    },
    { source: "test" },
  );

  it("reads from a Blob, an ArrayBuffer and a Uint8Array", async () => {
    const arrayBuffer = file.slice().buffer;
    for (const input of [new Blob([file]), arrayBuffer, file]) {
      const loaded = await loadSafetensors(input, ["labels", "features.0.bias"]);
      expect([...loaded.get("labels")!.data]).toEqual([7, 8, 9]);
      expect([...loaded.get("features.0.bias")!.data]).toEqual([...small]);
    }
  });

  it("streams a Response in odd-sized chunks, tensor by tensor", async () => {
    for (const sizes of [[1], [3, 7, 1, 13], [4097], [65536, 5]]) {
      let header: SafetensorsHeader | undefined;
      const got: StreamedTensor[] = [];
      const response = new Response(chunkedStream(medium, sizes));
      for await (const t of streamTensors(response, { onHeader: (h) => (header = h) })) {
        expect(header).toBeDefined(); // the header arrives before any tensor
        got.push(t);
      }
      expect(header!.metadata).toEqual({ source: "test" });
      expect(got.map((t) => t.name)).toEqual(["features.0.bias", "features.0.weight", "labels"]);
      expect([...decodeTensor(got[0], got[0].bytes).data]).toEqual([...small]);
      expect(got[1].bytes.length).toBe(4 * MEDIUM);
      expect([...got[2].bytes]).toEqual([7, 8, 9]);
    }
  });

  it("stops reading the stream after the last wanted tensor", async () => {
    const stream = chunkedStream(file, [1000]);
    const got: string[] = [];
    for await (const t of streamTensors(stream, { wanted: ["features.0.bias"] })) got.push(t.name);
    expect(got).toEqual(["features.0.bias"]);
    // The 8 MB weight follows the bias: we must not have pulled it (8,000 chunks of 1000).
    expect(stream.pulls()).toBeLessThan(10);
  });

  it("skips unwanted tensors without keeping them", async () => {
    const got: string[] = [];
    const response = new Response(chunkedStream(file, [777]), {
      headers: { "content-length": String(file.length) },
    });
    for await (const t of streamTensors(response, { wanted: ["labels"] })) got.push(t.name);
    expect(got).toEqual(["labels"]);
  });

  it("reports a stream cut short, or running long", async () => {
    const cut = chunkedStream(file.subarray(0, file.length - 100), [5000]);
    await expect(collect(streamTensors(cut))).rejects.toMatchObject({
      code: "TRUNCATED_FILE",
      message: expect.stringContaining('"features.0.weight"'),
    });
    const long = new Uint8Array(file.length + 3);
    long.set(file);
    await expect(collect(streamTensors(chunkedStream(long, [5000])))).rejects.toMatchObject({
      code: "TRAILING_BYTES",
    });
    await expect(
      collect(streamTensors(chunkedStream(file, [9]), { wanted: ["nope"] })),
    ).rejects.toMatchObject({
      code: "TENSOR_NOT_FOUND",
    });
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("inspect", () => {
  it("gives the --json shape and a readable table", async () => {
    const file = writeSafetensors(tensors, { format: "pt" });
    const result = await inspect(new Blob([file]));
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      tensors: {
        "features.0.bias": { dtype: "F32", shape: [4, 4] },
        "features.0.weight": { dtype: "F32", shape: [BIG] },
        labels: { dtype: "U8", shape: [3] },
      },
      metadata: { format: "pt" },
    });
    const text = formatInspect(result);
    expect(text.split("\n").slice(0, 4)).toEqual([
      "name               dtype  shape",
      "features.0.bias    F32    [4, 4]",
      "features.0.weight  F32    [2000000]",
      "labels             U8     [3]",
    ]);
    expect(text).toContain("3 tensors, 2,000,019 parameters, 8,000,067 bytes");
    expect(text).toContain("format: pt");
  });
});
