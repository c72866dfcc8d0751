// `sheep weights inspect FILE.caffemodel` and `sheep weights convert`, end to end: a real
// process on a caffemodel our writer made (legacy V1 form, as the VGG files are).

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

  test("convert --prototxt --labels: the net travels in the metadata, other layers stay out", async () => {
    const proto = join(dir, "deploy.prototxt");
    writeFileSync(
      proto,
      'name: "Tiny"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n' +
        'layer { name: "conv1/3x3" type: "Convolution" bottom: "data" top: "c"\n' +
        "  convolution_param { num_output: 2 kernel_size: 3 } }\n",
    );
    const labels = join(dir, "labels.txt");
    writeFileSync(labels, "n0 zero\nn1 one\n");
    const out = join(dir, "tiny-net.safetensors");
    const r = await run(
      "weights",
      "convert",
      file,
      "--out",
      out,
      "--prototxt",
      proto,
      "--labels",
      labels,
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      `wrote ${out}: 2 tensors, 56 parameters, F32 (from 3 Caffe layers)`,
      "  left out (not in the prototxt): fc",
      "",
    ]);
    const inspect = JSON.parse((await run("weights", "inspect", out, "--json")).stdout);
    expect(inspect.metadata).toMatchObject({ net: "Tiny", labels: "n0 zero\nn1 one" });
    expect(inspect.metadata.prototxt).toContain('name: "conv1/3x3"');
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

  test("pull finds a cached model and prototxt with no request and says how to convert; verify checks both digests", async () => {
    const cache = join(dir, "cached");
    const weights = join(cache, "weights");
    mkdirSync(weights, { recursive: true });
    writeFileSync(join(weights, "bvlc_googlenet.caffemodel"), readFileSync(file));
    writeFileSync(join(weights, "bvlc_googlenet.deploy.prototxt"), 'name: "GoogleNet"\n');
    // An unreachable mirror: any request would fail the run.
    const r = await runIn(
      { SHEEP_CACHE_DIR: cache },
      "weights",
      "pull",
      "googlenet",
      "--mirror",
      "http://127.0.0.1:9",
    );
    expect(r.code).toBe(0);
    const model = join(weights, "bvlc_googlenet.caffemodel");
    const proto = join(weights, "bvlc_googlenet.deploy.prototxt");
    expect(r.stdout.split("\n")).toEqual([
      `googlenet is at ${model}`,
      `  with ${proto}`,
      `to use it: sheep weights convert ${model} --out ${join(weights, "bvlc_googlenet.safetensors")} --prototxt ${proto}`,
      "",
    ]);
    const v = await runIn({ SHEEP_CACHE_DIR: cache }, "weights", "verify", "googlenet");
    expect(v.code).toBe(1);
    const body = readFileSync(file);
    const hex = (a: string) => createHash(a).update(body).digest("hex");
    expect(v.stdout.split("\n").slice(1, 4)).toEqual([
      expect.stringMatching(new RegExp(`sha256 ${hex("sha256")}$`)),
      `  sha1 ${hex("sha1")}`,
      "  MISMATCH (expected sha256 6f7101e3a2183738a7125a0c5021ba82a1feb4228c5ca0924d991b6daf6f6fad, " +
        "sha1 405fc5acd08a3bb12de8ee5e23a96bec22f08204)",
    ]);
  });
});
