// `sheep weights pull googlenet | squeezenet | vgg16-caffe | vgg19-caffe` against a local
// server on 127.0.0.1 that serves a caffemodel our writer made (the publishers' hosts are never
// contacted): the published checksums refuse it, a SHA-1 is checked, a download cut in one run
// resumes in the next, companions (the deploy prototxt) come along, and the cache is used.

import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readCaffemodelFile } from "../src/caffe/caffemodel-node.ts";
import { writeCaffemodel } from "../src/caffe/caffemodel-write.ts";
import { DownloadError, findWeights, type WeightsEntry } from "../src/download/index.ts";
import { pullEntry, pullWeights, verifyWeights } from "../src/download/node.ts";
import { serve, startServer, type TestServer } from "./helpers/http-server.ts";

const LAYERS = [
  {
    name: "conv1",
    type: "Convolution",
    blobs: [
      { shape: [8, 3, 5, 5], data: Float32Array.from({ length: 600 }, (_, i) => Math.sin(i)) },
      { shape: [8], data: Float32Array.from({ length: 8 }, (_, i) => i / 8) },
    ],
  },
  { name: "relu1", type: "ReLU", blobs: [] },
];
// Legacy V1 form, as the VGG team's files are written.
const MODEL = writeCaffemodel({ name: "Tiny", layers: LAYERS }, { format: "v1", shape: "nchw" });
const PROTOTXT = new TextEncoder().encode(
  'name: "Tiny"\nlayer { name: "conv1" type: "Convolution" }\n',
);
const digest = (algorithm: string, bytes: Uint8Array) =>
  createHash(algorithm).update(bytes).digest("hex");

const QUICK = { retryDelayMs: 10, stallTimeoutMs: 2000 };
let dir: string;
let server: TestServer | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sheep-caffe-pull-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Serves MODEL at /<model file> and PROTOTXT at /<prototxt file>; 404 otherwise. */
async function mirror(cut?: number): Promise<string> {
  let cutDone = false;
  server = await startServer((req, res) => {
    const body = req.url?.endsWith(".caffemodel")
      ? MODEL
      : req.url?.endsWith(".prototxt")
        ? PROTOTXT
        : undefined;
    if (!body) return void res.writeHead(404).end();
    if (cut !== undefined && body === MODEL && !cutDone) {
      // The first request for the model sends `cut` bytes, then the connection dies.
      cutDone = true;
      res.writeHead(200, { "Content-Length": body.length });
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 30));
      return;
    }
    serve(body, req, res);
  });
  return new URL(server.url).origin;
}

const entry = (over: Partial<WeightsEntry> = {}): WeightsEntry => ({
  name: "tiny-caffe",
  description: "a test model",
  url: "http://upstream.invalid/tiny.caffemodel", // never fetched: every test passes a mirror
  file: "tiny.caffemodel",
  approxBytes: MODEL.length,
  license: "test",
  format: "caffemodel",
  sha1: digest("sha1", MODEL),
  sha256: digest("sha256", MODEL),
  companions: [
    {
      url: "http://upstream.invalid/tiny.prototxt",
      file: "tiny.prototxt",
      sha256: digest("sha256", PROTOTXT),
    },
  ],
  ...over,
});

describe("pull Caffe models", () => {
  it("knows the four models, with their publishers' URLs and the BVLC SHA-1", () => {
    for (const name of ["googlenet", "squeezenet", "vgg16-caffe", "vgg19-caffe"]) {
      const e = findWeights(name);
      expect(e?.format).toBe("caffemodel");
      expect(e?.file).toMatch(/\.caffemodel$/);
      expect(e?.companions?.[0].file).toMatch(/\.prototxt$/);
    }
    expect(findWeights("googlenet")).toMatchObject({
      url: "http://dl.caffe.berkeleyvision.org/bvlc_googlenet.caffemodel",
      sha1: "405fc5acd08a3bb12de8ee5e23a96bec22f08204",
    });
  });

  it("refuses a file whose checksum is not the published one, and deletes it", async () => {
    const cacheDir = join(dir, "refuse");
    const origin = await mirror();
    const error = await pullWeights("googlenet", { mirror: origin, cacheDir, ...QUICK }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe("CHECKSUM_MISMATCH");
    expect((error as Error).message).toMatch(
      /^checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/bvlc_googlenet\.caffemodel: expected sha256 6f7101e3/,
    );
    await expect(stat(join(cacheDir, "weights", "bvlc_googlenet.caffemodel"))).rejects.toThrow();
    await expect(
      stat(join(cacheDir, "weights", "bvlc_googlenet.caffemodel.part")),
    ).rejects.toThrow();
  });

  it("checks a SHA-1 on its own", async () => {
    const origin = await mirror();
    const wrong = entry({ sha256: undefined, sha1: "0".repeat(40) });
    const error = await pullEntry(wrong, {
      mirror: origin,
      cacheDir: join(dir, "sha1"),
      ...QUICK,
    }).catch((e) => e);
    expect((error as DownloadError).code).toBe("CHECKSUM_MISMATCH");
    expect((error as Error).message).toContain(
      `expected sha1 ${"0".repeat(40)}, got ${digest("sha1", MODEL)}`,
    );
  });

  it("resumes a download cut in an earlier run, then uses the cache", async () => {
    const cacheDir = join(dir, "resume");
    const cut = Math.floor(MODEL.length / 2);
    const origin = await mirror(cut);
    // Run 1: the connection dies halfway and retries are off, so the run fails.
    const first = await pullEntry(entry(), {
      mirror: origin,
      cacheDir,
      ...QUICK,
      retries: 0,
    }).catch((e) => e);
    expect(first).toBeInstanceOf(DownloadError);
    expect((await stat(join(cacheDir, "weights", "tiny.caffemodel.part"))).size).toBe(cut);
    // Run 2 asks only for the rest, and both digests cover the whole file.
    const second = await pullEntry(entry(), { mirror: origin, cacheDir, ...QUICK });
    expect(server?.ranges).toEqual([undefined, `bytes=${cut}-`, undefined]);
    expect(second.download).toMatchObject({ resumedFrom: cut, sha1: digest("sha1", MODEL) });
    expect(second.companions).toEqual([join(cacheDir, "weights", "tiny.prototxt")]);
    expect(await readFile(second.companions![0], "utf8")).toBe(new TextDecoder().decode(PROTOTXT));
    const model = await readCaffemodelFile(second.path);
    expect(model).toEqual({ name: "Tiny", format: "v1", layers: LAYERS });
    // Run 3: everything is there; no request is made.
    const third = await pullEntry(entry(), { mirror: origin, cacheDir, ...QUICK });
    expect(third).toMatchObject({ path: second.path, downloaded: false });
    expect(server?.ranges).toHaveLength(3);
  });

  it("verify checks BVLC's SHA-1 as well as the recorded SHA-256", async () => {
    const cacheDir = join(dir, "verify");
    await mkdir(join(cacheDir, "weights"), { recursive: true });
    await writeFile(join(cacheDir, "weights", "bvlc_googlenet.caffemodel"), MODEL);
    const v = await verifyWeights("googlenet", { cacheDir });
    expect(v).toMatchObject({
      bytes: MODEL.length,
      sha256: digest("sha256", MODEL),
      expected: "6f7101e3a2183738a7125a0c5021ba82a1feb4228c5ca0924d991b6daf6f6fad",
      sha1: digest("sha1", MODEL),
      expectedSha1: "405fc5acd08a3bb12de8ee5e23a96bec22f08204",
      ok: false,
    });
  });
});
