// `sheep weights inspect FILE.caffemodel` and `sheep weights convert`, end to end: a real
// process on a caffemodel our writer made (legacy V1 form, as the VGG files are).

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeCaffemodel } from "@sheep/models";
import { readSafetensorsFile } from "@sheep/models/node";
import { describe, expect, test } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "sheep.mjs");
const run = (...args: string[]) => runIn({}, ...args);
const runIn = async (env: Record<string, string>, ...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], {
      env: { ...process.env, SHEEP_DEBUG: "", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("Warning: max"));

describe("sheep weights, Caffe models", () => {
  const dir = mkdtempSync(join(tmpdir(), "sheep-cli-caffe-"));
  const file = join(dir, "tiny.caffemodel");
  const weight = Float32Array.from({ length: 2 * 3 * 3 * 3 }, (_, i) => (i - 20) / 7);
  writeFileSync(
    file,
    writeCaffemodel(
      {
        name: "Tiny",
        layers: [
          {
            name: "conv1/3x3",
            type: "Convolution",
            blobs: [
              { shape: [2, 3, 3, 3], data: weight },
              { shape: [2], data: Float32Array.of(0.5, -1) },
            ],
          },
          { name: "relu1", type: "ReLU", blobs: [] },
          {
            name: "fc",
            type: "InnerProduct",
            blobs: [{ shape: [4, 2], data: new Float32Array(8).fill(0.25) }],
          },
        ],
      },
      { format: "v1", shape: "nchw" },
    ),
  );

  test("inspect lists layers, types and blob shapes, or JSON", async () => {
    const text = await run("weights", "inspect", file);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")).toEqual([
      'net "Tiny": 3 layers (legacy V1 `layers` format), 64 parameters',
      "  conv1/3x3  Convolution   [2, 3, 3, 3] [2]",
      "  relu1      ReLU",
      "  fc         InnerProduct  [4, 2]",
      "",
    ]);
    const json = JSON.parse((await run("weights", "inspect", file, "--json")).stdout);
    expect(json).toEqual({
      name: "Tiny",
      format: "v1",
      parameters: 64,
      layers: [
        { name: "conv1/3x3", type: "Convolution", blobs: [[2, 3, 3, 3], [2]] },
        { name: "relu1", type: "ReLU", blobs: [] },
        { name: "fc", type: "InnerProduct", blobs: [[4, 2]] },
      ],
    });
  });

  test("convert writes safetensors named layer.role, F16 on request", async () => {
    const out = join(dir, "tiny.safetensors");
    const r = await run("weights", "convert", file, "--out", out, "--f16");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: 3 tensors, 64 parameters, F16 (from 3 Caffe layers)\n`);
    const tensors = await readSafetensorsFile(out);
    expect([...tensors.keys()].sort()).toEqual(["conv1/3x3.bias", "conv1/3x3.weight", "fc.weight"]);
    expect(tensors.get("conv1/3x3.weight")).toMatchObject({ dtype: "F16", shape: [2, 3, 3, 3] });
    expect(tensors.get("conv1/3x3.bias")?.data).toEqual(Float32Array.of(0.5, -1));
  });

  test("a broken caffemodel or a missing --out: one line, exit 1 or 2", async () => {
    const bad = join(dir, "bad.caffemodel");
    writeFileSync(bad, new Uint8Array([0xa2, 0x06, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    const r = await run("weights", "inspect", bad);
    expect(r.code).toBe(1);
    expect(errLines(r.stderr)).toEqual([
      `sheep: ${bad}: caffemodel NetParameter: layer 0 needs 4294967295 bytes, only 0 left (truncated or corrupt)`,
    ]);
    const u = await run("weights", "convert", file);
    expect(u.code).toBe(2);
    expect(errLines(u.stderr)).toEqual([
      "sheep: sheep weights convert needs --out FILE.safetensors",
    ]);
  });

  test("pull from a mirror on 127.0.0.1: a file that is not the published one is refused", async () => {
    const body = readFileSync(file);
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? "");
      res.writeHead(200, { "Content-Length": body.length }).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cache = join(dir, "cache");
      const r = await runIn(
        { SHEEP_CACHE_DIR: cache },
        "weights",
        "pull",
        "squeezenet",
        "--mirror",
        `${origin}/`,
      );
      expect(r.code).toBe(1);
      expect(errLines(r.stderr).filter((l) => l.startsWith("sheep:"))).toEqual([
        `sheep: checksum mismatch for ${origin}/squeezenet_v1.1.caffemodel: expected sha256 ` +
          "72b912ace512e8621f8ff168a7d72af55910d3c7c9445af8dfbff4c2ee960142, got " +
          `${createHash("sha256").update(body).digest("hex")}; deleted the download`,
      ]);
      expect(requests).toEqual(["/squeezenet_v1.1.caffemodel"]);
      expect(existsSync(join(cache, "weights", "squeezenet_v1.1.caffemodel"))).toBe(false);
    } finally {
      server.close();
    }
  });
});
