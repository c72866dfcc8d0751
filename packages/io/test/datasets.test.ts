// IDX and Fashion-MNIST: the real files installed by dataset-fashion-mnist, every IDX element
// type through encode/parse, and corrupted copies (cut-off gzip, cut-off data, bad magic,
// unknown type, trailing bytes, mismatched counts), each with its own clear error.

import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeIdx,
  FASHION_MNIST_DIR,
  type IdxArray,
  IdxError,
  loadFashionMnist,
  parseIdx,
  readIdxFile,
} from "../src/index.ts";

const real = (f: string) => join(FASHION_MNIST_DIR, f);

describe("Fashion-MNIST (the installed files)", () => {
  it("loads a train subset as [N, 1, 28, 28] floats in [0, 1] with int32 labels", async () => {
    const ds = await loadFashionMnist({ split: "train", limit: 1000 });
    expect(ds.images.shape).toEqual([1000, 1, 28, 28]);
    expect(ds.images.data.length).toBe(1000 * 784);
    expect(ds.labels).toBeInstanceOf(Int32Array);
    // The first labels of the official training set: ankle boot, T-shirt, T-shirt, dress, …
    expect(Array.from(ds.labels.subarray(0, 12))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9]);
    expect(ds.classes[9]).toBe("Ankle boot");
    let lo = 1;
    let hi = 0;
    let sum = 0;
    for (const v of ds.images.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
    }
    expect([lo, hi]).toEqual([0, 1]);
    // mean intensity of the first 1,000 images (numpy on the same bytes: 0.282903)
    expect(sum / ds.images.data.length).toBeCloseTo(0.282903, 5);
    // the first image's pixel sum, 76247 / 255
    const first = ds.images.data.subarray(0, 784).reduce((a, b) => a + b, 0);
    expect(first).toBeCloseTo(76247 / 255, 2);
  });

  it("loads the whole test split: 10,000 images, 1,000 of each class", async () => {
    const ds = await loadFashionMnist({ split: "test" });
    expect(ds.images.shape).toEqual([10000, 1, 28, 28]);
    const counts = new Array(10).fill(0);
    for (const l of ds.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });

  it("reads the raw IDX headers", async () => {
    const labels = await readIdxFile(real("t10k-labels-idx1-ubyte.gz"));
    expect(labels.type).toBe("uint8");
    expect(labels.shape).toEqual([10000]);
    const images = await readIdxFile(real("t10k-images-idx3-ubyte.gz"));
    expect(images.shape).toEqual([10000, 28, 28]);
  });

  it("names the Debian package when the files are missing", async () => {
    const err = await loadFashionMnist({ dir: "/nonexistent/fashion" }).catch((e) => e);
    expect(err).toBeInstanceOf(IdxError);
    expect(err.code).toBe("missing");
    expect(err.message).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(err.message).toMatch(/\/nonexistent\/fashion\/train-images-idx3-ubyte\.gz/);
    await expect(loadFashionMnist({ split: "valid" as "test" })).rejects.toThrow(/split/);
  });
});

describe("IDX", () => {
  const arrays: IdxArray[] = [
    { type: "uint8", shape: [2, 3], data: Uint8Array.of(0, 1, 2, 253, 254, 255) },
    { type: "int8", shape: [3], data: Int8Array.of(-128, 0, 127) },
    { type: "int16", shape: [2], data: Int16Array.of(-32768, 1234) },
    { type: "int32", shape: [1, 2], data: Int32Array.of(-2147483648, 305419896) },
    { type: "float32", shape: [2], data: Float32Array.of(-1.5, 3.25) },
    { type: "float64", shape: [2, 1, 1], data: Float64Array.of(Math.PI, -0) },
    { type: "uint8", shape: [0, 28], data: new Uint8Array(0) },
  ];

  it.each(arrays)("round-trips $type [$shape]", (a) => {
    const back = parseIdx(encodeIdx(a));
    expect(back.type).toBe(a.type);
    expect(back.shape).toEqual(a.shape);
    expect(Array.from(back.data)).toEqual(Array.from(a.data));
    expect(back.data.constructor).toBe(a.data.constructor);
  });

  it("is big-endian, as the format says", () => {
    const bytes = encodeIdx({ type: "int32", shape: [1], data: Int32Array.of(0x01020304) });
    expect(Array.from(bytes)).toEqual([0, 0, 0x0c, 1, 0, 0, 0, 1, 1, 2, 3, 4]);
  });

  const bad = (bytes: number[]) => () => parseIdx(Uint8Array.from(bytes), "x.idx");
  it.each([
    ["too short for a header", [0, 0, 8], "truncated", /too short/],
    [
      "bad magic",
      [0x50, 0x4b, 3, 4, 0, 0, 0, 0],
      "corrupt",
      /not an IDX file \(magic bytes 50 4b 03 04/,
    ],
    ["unknown type code", [0, 0, 0x0a, 1, 0, 0, 0, 1, 7], "unsupported", /type code 0xa/],
    ["dims cut off", [0, 0, 8, 3, 0, 0, 0, 2], "truncated", /declares 3 dims/],
    [
      "data cut off",
      [0, 0, 8, 1, 0, 0, 0, 4, 1, 2],
      "truncated",
      /needs 12 bytes, the file has 10/,
    ],
    ["trailing bytes", [0, 0, 8, 1, 0, 0, 0, 1, 1, 2], "corrupt", /1 bytes after the data/],
    ["negative dim", [0, 0, 8, 1, 255, 255, 255, 255], "corrupt", /negative dimension/],
  ] as const)("refuses %s", (_, bytes, code, message) => {
    expect(bad([...bytes])).toThrow(message);
    try {
      bad([...bytes])();
    } catch (e) {
      expect((e as IdxError).code).toBe(code);
      expect((e as Error).message).toMatch(/^x\.idx: /);
    }
  });
});

describe("corrupted copies of the real files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sheep-idx-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A copy of the test split in its own directory, with the labels file replaced. */
  async function withLabels(name: string, labels: Uint8Array): Promise<string> {
    const d = join(dir, name);
    await rm(d, { recursive: true, force: true });
    await mkdir(d);
    await copyFile(real("t10k-images-idx3-ubyte.gz"), join(d, "t10k-images-idx3-ubyte.gz"));
    await writeFile(join(d, "t10k-labels-idx1-ubyte.gz"), labels);
    return d;
  }

  const realLabels = () => readFile(real("t10k-labels-idx1-ubyte.gz"));

  it("a cut-off gzip download is 'truncated'", async () => {
    const gz = await realLabels();
    const d = await withLabels("cut-gz", gz.subarray(0, gz.length >> 1));
    const err = await loadFashionMnist({ dir: d, split: "test" }).catch((e) => e);
    expect(err).toBeInstanceOf(IdxError);
    expect(err.code).toBe("truncated");
    expect(err.message).toMatch(/t10k-labels-idx1-ubyte\.gz: the gzip stream is cut off/);
  });

  it("garbage inside a gzip header is 'corrupt'", async () => {
    const gz = Buffer.from(await realLabels());
    gz.fill(0x55, 10, 40);
    const d = await withLabels("bad-gz", gz);
    const err = await loadFashionMnist({ dir: d, split: "test" }).catch((e) => e);
    expect(err.code).toBe("corrupt");
  });

  it("IDX data cut off inside a valid gzip is 'truncated'", async () => {
    const raw = gunzipSync(await realLabels());
    const d = await withLabels("cut-idx", gzipSync(raw.subarray(0, 5000)));
    await expect(loadFashionMnist({ dir: d, split: "test" })).rejects.toThrow(
      /needs 10008 bytes, the file has 5000/,
    );
  });

  it("labels that do not match the images are refused", async () => {
    const few = encodeIdx({ type: "uint8", shape: [10], data: new Uint8Array(10) });
    const d1 = await withLabels("few", gzipSync(few));
    await expect(loadFashionMnist({ dir: d1, split: "test" })).rejects.toThrow(
      /want 10000 uint8 labels/,
    );
    const big = encodeIdx({ type: "uint8", shape: [10000], data: new Uint8Array(10000).fill(11) });
    const d2 = await withLabels("big", gzipSync(big));
    await expect(loadFashionMnist({ dir: d2, split: "test" })).rejects.toThrow(
      /label 11 at 0 is not 0–9/,
    );
  });

  it("an uncompressed IDX file reads too (gzip is detected by its magic)", async () => {
    const raw = gunzipSync(await realLabels());
    const d = await withLabels("plain", raw);
    const ds = await loadFashionMnist({ dir: d, split: "test", limit: 3 });
    expect(Array.from(ds.labels)).toEqual([9, 2, 1]);
  });
});
