// The downloader against a local server that misbehaves on purpose: cut connections, ignored
// Range headers, 404s, wrong checksums, short bodies, stalls, and no server at all.

import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DownloadError, type Progress } from "../src/download/index.ts";
import { download } from "../src/download/node.ts";
import {
  closedPort,
  rangeStart,
  serve,
  startServer,
  type TestServer,
} from "./helpers/http-server.ts";

const BODY = new Uint8Array(randomBytes(300_000));
const SHA = createHash("sha256").update(BODY).digest("hex");
/** Fast retries, so failing cases finish in milliseconds. */
const QUICK = { retryDelayMs: 10, stallTimeoutMs: 2000 };

let dir: string;
let server: TestServer | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sheep-download-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
const dest = () => join(dir, `file-${n++}.safetensors`);

async function expectDownloadError(
  promise: Promise<unknown>,
  code: string,
): Promise<DownloadError> {
  const error = await promise.then(
    () => expect.fail("the download should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  expect((error as DownloadError).code).toBe(code);
  return error as DownloadError;
}

describe("download", () => {
  it("downloads, verifies and reports progress", async () => {
    server = await startServer((_req, res) => {
      // Send in pieces with pauses so that progress has something to report.
      res.writeHead(200, { "Content-Length": BODY.length });
      let at = 0;
      const next = () => {
        if (at >= BODY.length) {
          res.end();
          return;
        }
        res.write(BODY.subarray(at, at + 50_000));
        at += 50_000;
        setTimeout(next, 15);
      };
      next();
    });
    const reports: Progress[] = [];
    const path = dest();
    const result = await download(server.url, {
      dest: path,
      sha256: SHA,
      onProgress: (p) => reports.push(p),
      progressIntervalMs: 0,
    });
    expect(result).toMatchObject({ path, bytes: BODY.length, sha256: SHA, attempts: 1 });
    expect((await readFile(path)).equals(BODY)).toBe(true);
    expect(await readdir(dir)).not.toContain(`${path.split("/").at(-1)}.part`);
    const last = reports.at(-1)!;
    expect(last.received).toBe(BODY.length);
    expect(last.total).toBe(BODY.length);
    expect(last.bytesPerSec).toBeGreaterThan(0);
    expect(last.etaSec).toBe(0);
    expect(reports.some((p) => p.received > 0 && p.received < BODY.length)).toBe(true);
  });

  it("resumes with a Range request after the connection is cut", async () => {
    server = await startServer((req, res, i) => {
      if (i > 0) return serve(BODY, req, res);
      // First request: half the body, then the socket dies.
      res.writeHead(200, { "Content-Length": BODY.length });
      res.write(BODY.subarray(0, 150_000), () => setTimeout(() => res.socket?.destroy(), 30));
    });
    const path = dest();
    const result = await download(server.url, { dest: path, sha256: SHA, ...QUICK });
    expect(server.ranges).toHaveLength(2);
    expect(server.ranges[0]).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.ranges[1] ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(150_000);
    expect(result.attempts).toBe(2);
    expect((await readFile(path)).equals(BODY)).toBe(true);
  });

  it("resumes a .part left by an earlier run, hashing the bytes already there", async () => {
    server = await startServer((req, res) => serve(BODY, req, res));
    const path = dest();
    await writeFile(`${path}.part`, BODY.subarray(0, 123_456));
    const result = await download(server.url, { dest: path, sha256: SHA, ...QUICK });
    expect(server.ranges).toEqual(["bytes=123456-"]);
    expect(result).toMatchObject({ resumedFrom: 123_456, sha256: SHA });
    expect((await readFile(path)).equals(BODY)).toBe(true);
  });

  it("finishes without downloading when the .part is already complete (416)", async () => {
    server = await startServer((req, res) => serve(BODY, req, res));
    const path = dest();
    await writeFile(`${path}.part`, BODY);
    const result = await download(server.url, { dest: path, sha256: SHA, ...QUICK });
    expect(server.ranges).toEqual([`bytes=${BODY.length}-`]);
    expect(result.bytes).toBe(BODY.length);
    expect((await readFile(path)).equals(BODY)).toBe(true);
  });

  it("starts over when the server ignores Range and answers 200", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Length": BODY.length });
      res.end(BODY);
    });
    const path = dest();
    // A stale .part whose bytes are wrong: keeping them would corrupt the file.
    await writeFile(`${path}.part`, new Uint8Array(1000).fill(7));
    const result = await download(server.url, { dest: path, sha256: SHA, ...QUICK });
    expect(server.ranges).toEqual(["bytes=1000-"]);
    expect(result.sha256).toBe(SHA);
    expect((await readFile(path)).equals(BODY)).toBe(true);
  });

  it("fails at once on 404, naming the status and the URL", async () => {
    server = await startServer((_req, res) => res.writeHead(404).end("not here"));
    const error = await expectDownloadError(
      download(server.url, { dest: dest(), ...QUICK }),
      "HTTP_STATUS",
    );
    expect(error.message).toBe(`HTTP 404 for ${server.url}`);
    expect(server.ranges).toHaveLength(1); // not retried
  });

  it("retries a 503 and then succeeds", async () => {
    server = await startServer((req, res, i) =>
      i === 0 ? res.writeHead(503).end() : serve(BODY, req, res),
    );
    const result = await download(server.url, { dest: dest(), sha256: SHA, ...QUICK });
    expect(result.attempts).toBe(2);
  });

  it("deletes the download on a checksum mismatch and names both digests", async () => {
    server = await startServer((req, res) => serve(BODY, req, res));
    const path = dest();
    const wrong = "0".repeat(64);
    const error = await expectDownloadError(
      download(server.url, { dest: path, sha256: wrong, ...QUICK }),
      "CHECKSUM_MISMATCH",
    );
    expect(error.message).toContain(`expected sha256 ${wrong}`);
    expect(error.message).toContain(`got ${SHA}`);
    const left = await readdir(dir);
    expect(left.some((f) => path.endsWith(f) || path.endsWith(f.replace(/\.part$/, "")))).toBe(
      false,
    );
  });

  it("checks the expected size", async () => {
    server = await startServer((req, res) => serve(BODY, req, res));
    await expectDownloadError(
      download(server.url, { dest: dest(), expectedSize: BODY.length + 1, ...QUICK }),
      "SIZE_MISMATCH",
    );
  });

  it("resumes a truncated body, and gives up when it keeps ending early", async () => {
    // Content-Length promises the whole file; the first response sends half, later ones none.
    server = await startServer((req, res, i) => {
      const start = rangeStart(req);
      const headers: Record<string, string | number> = { "Content-Length": BODY.length - start };
      if (start > 0) headers["Content-Range"] = `bytes ${start}-${BODY.length - 1}/${BODY.length}`;
      res.writeHead(start > 0 ? 206 : 200, headers);
      const part = i === 0 ? BODY.subarray(0, 100_000) : new Uint8Array(0);
      res.write(part, () => setTimeout(() => res.socket?.end(), 20));
    });
    const path = dest();
    const error = await expectDownloadError(
      download(server.url, { dest: path, retries: 2, ...QUICK }),
      "TRUNCATED",
    );
    // The first attempt made progress and failed; the 2 retries brought nothing new.
    expect(error.message).toMatch(/stopped at 100000 of 300000 bytes after 3 attempts: the body/);
    expect(server.ranges.slice(1)).toEqual(["bytes=100000-", "bytes=100000-"]);
    // The partial file stays, so that running again resumes it.
    expect((await readFile(`${path}.part`)).length).toBe(100_000);
  });

  it("aborts a stalled connection within stallTimeoutMs", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Length": BODY.length });
      res.write(BODY.subarray(0, 1000)); // ...and then nothing, with the socket left open
    });
    const start = performance.now();
    const error = await expectDownloadError(
      download(server.url, { dest: dest(), stallTimeoutMs: 300, retries: 0 }),
      "STALLED",
    );
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(error.message).toContain("no data for 300 ms");
  });

  it("resumes after a stall", async () => {
    server = await startServer((req, res, i) => {
      if (i > 0) return serve(BODY, req, res);
      res.writeHead(200, { "Content-Length": BODY.length });
      res.write(BODY.subarray(0, 5000));
    });
    const result = await download(server.url, {
      dest: dest(),
      sha256: SHA,
      stallTimeoutMs: 300,
      retryDelayMs: 10,
    });
    expect(server.ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(result.sha256).toBe(SHA);
  });

  it("says you are offline when nothing listens", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/model.safetensors`;
    const error = await expectDownloadError(download(url, { dest: dest(), ...QUICK }), "OFFLINE");
    expect(error.message).toMatch(
      /^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): you appear to be offline/,
    );
    expect(error.message).toContain("pass --weights FILE");
  });

  it("says you are offline when the name does not resolve", async () => {
    // Node's fetch reports DNS failure as TypeError("fetch failed") with the code in `cause`.
    const failing: typeof fetch = async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("dns"), { code: "ENOTFOUND" }),
      });
    };
    const error = await expectDownloadError(
      download("https://huggingface.co/x", { dest: dest(), fetch: failing, ...QUICK }),
      "OFFLINE",
    );
    expect(error.message).toContain("cannot reach huggingface.co (ENOTFOUND)");
  });

  it("stops when the caller aborts, keeping the partial file", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Length": BODY.length });
      res.write(BODY.subarray(0, 2000));
    });
    const controller = new AbortController();
    const path = dest();
    const pending = download(server.url, {
      dest: path,
      signal: controller.signal,
      onProgress: (p) => p.received >= 2000 && controller.abort(),
      progressIntervalMs: 0,
      ...QUICK,
    });
    await expectDownloadError(pending, "ABORTED");
    expect((await readFile(`${path}.part`)).length).toBe(2000);
  });
});
