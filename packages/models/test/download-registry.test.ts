// The weights registry and cache: where files go, pulling into the cache (from a local server
// standing in for the Hub), and verifying files against recorded digests.

import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cacheDir,
  DownloadError,
  listWeights,
  pullWeights,
  verifyWeights,
  weightsPath,
} from "../src/download/node.ts";
import { serve, startServer } from "./helpers/http-server.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sheep-registry-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cache directory", () => {
  const home = () => "/home/sheep";

  it("prefers $SHEEP_CACHE_DIR, then $XDG_CACHE_HOME, then ~/.cache", () => {
    expect(cacheDir({ SHEEP_CACHE_DIR: "/a", XDG_CACHE_HOME: "/b" }, home)).toBe("/a");
    expect(cacheDir({ XDG_CACHE_HOME: "/b" }, home)).toBe("/b/electric-sheep");
    expect(cacheDir({}, home)).toBe("/home/sheep/.cache/electric-sheep");
    expect(cacheDir({ SHEEP_CACHE_DIR: "" }, home)).toBe("/home/sheep/.cache/electric-sheep");
  });
});

describe("registry", () => {
  it("lists vgg16, vgg19 and face with their sources", () => {
    const byName = Object.fromEntries(listWeights().map((e) => [e.name, e]));
    // The first three; more (the Caffe models) follow.
    expect(Object.keys(byName).slice(0, 3)).toEqual(["vgg16", "vgg19", "face"]);
    expect(byName.vgg16.url).toBe(
      "https://huggingface.co/timm/vgg16.tv_in1k/resolve/main/model.safetensors",
    );
    expect(byName.vgg19.url).toBe(
      "https://huggingface.co/timm/vgg19.tv_in1k/resolve/main/model.safetensors",
    );
    expect(byName.face.url).toBeNull();
    for (const e of listWeights()) {
      expect(e.approxBytes).toBeGreaterThan(1_000_000);
      expect(e.license.length).toBeGreaterThan(0);
      if (e.sha256 !== undefined) expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("places downloaded and converted weights in the cache, and names unknown ones", () => {
    expect(weightsPath("vgg16", { cacheDir: "/c" })).toBe("/c/weights/vgg16.tv_in1k.safetensors");
    expect(weightsPath("face", { cacheDir: "/c" })).toBe("/c/weights/face-recognition.safetensors");
    expect(() => weightsPath("alexnet")).toThrow(
      /unknown weights "alexnet" \(known: vgg16, vgg19, face, /,
    );
  });
});

describe("pull and verify", () => {
  const body = new Uint8Array(randomBytes(50_000));
  const sha = createHash("sha256").update(body).digest("hex");

  it("pulls into the cache once, then finds it there", async () => {
    const server = await startServer((req, res) => serve(body, req, res));
    try {
      const cache = join(dir, "cache");
      // `url` stands in for the Hub; `sha256` for the registry's digest of the real file.
      const options = { cacheDir: cache, url: server.url, sha256: sha, retryDelayMs: 10 };
      const first = await pullWeights("vgg19", options);
      expect(first).toMatchObject({
        path: join(cache, "weights", "vgg19.tv_in1k.safetensors"),
        downloaded: true,
      });
      expect(first.download?.sha256).toBe(sha);
      const again = await pullWeights("vgg19", options);
      expect(again.downloaded).toBe(false);
      expect(server.ranges).toHaveLength(1);
      await pullWeights("vgg19", { ...options, force: true });
      expect(server.ranges).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("verifies a file by path or by name, reporting size and digest", async () => {
    const path = join(dir, "some.safetensors");
    await writeFile(path, body);
    expect(await verifyWeights(path)).toEqual({ path, bytes: body.length, sha256: sha });
    expect(await verifyWeights(path, { expected: sha.toUpperCase() })).toMatchObject({ ok: true });
    expect(await verifyWeights(path, { expected: "0".repeat(64) })).toMatchObject({ ok: false });

    // A file in vgg16's place that is not the real one: its digest differs from the record.
    const cache = join(dir, "fake-cache");
    await mkdir(join(cache, "weights"), { recursive: true });
    await writeFile(weightsPath("vgg16", { cacheDir: cache }), body);
    const result = await verifyWeights("vgg16", { cacheDir: cache });
    expect(result).toMatchObject({ bytes: body.length, sha256: sha, ok: false });
    expect(result.expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it("says how to get a missing file", async () => {
    const error = await verifyWeights("vgg19", { cacheDir: join(dir, "empty") }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.code).toBe("MISSING_FILE");
    expect(error.message).toContain("run `sheep weights pull vgg19`");
  });
});

describe("the face network's weights", () => {
  it("are converted into the cache by `pull`, with the recorded digest", async () => {
    const cache = await mkdtemp(join(tmpdir(), "sheep-face-"));
    const pulled = await pullWeights("face", { cacheDir: cache });
    expect(pulled.path).toBe(join(cache, "weights", "face-recognition.safetensors"));
    const v = await verifyWeights("face", { cacheDir: cache });
    expect(v.ok).toBe(true);
    expect(v.bytes).toBe(22_478_936);
  });
});
