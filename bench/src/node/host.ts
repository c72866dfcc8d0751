// The Node runner's Host: where the peers' wasm files are (node_modules in the repository, a
// wasm/ folder beside the bundle in the GPU kit), the globals TF.js and ORT need on Dawn, the
// commit, and the face network's weights.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, release, type } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import type { Host } from "../suite/suite.ts";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** A package's dist/ folder, or the kit's wasm/ folder when the bundle runs from the kit. */
function wasmDir(pkg: string): string {
  const kit = join(here, "wasm");
  if (existsSync(kit)) return `${kit}/`;
  return `${dirname(require.resolve(pkg))}/`;
}

export function commit(): string {
  // The kit has no .git (and may be unpacked inside someone else's): pack.mjs writes the commit.
  const f = join(here, "COMMIT");
  if (existsSync(f)) return readFileSync(f, "utf8").trim();
  try {
    const opts = {
      cwd: here,
      encoding: "utf8" as const,
      stdio: ["ignore", "pipe", "ignore"] as ("ignore" | "pipe")[],
    };
    return execFileSync("git", ["rev-parse", "HEAD"], opts).trim();
  } catch {
    return "unknown";
  }
}

/** Tracked files changed since the commit (the bench bundles the work tree as it is). */
export function dirtyFiles(): number | undefined {
  if (existsSync(join(here, "COMMIT"))) return undefined;
  try {
    const opts = {
      cwd: here,
      encoding: "utf8" as const,
      stdio: ["ignore", "pipe", "ignore"] as ("ignore" | "pipe")[],
    };
    const out = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], opts);
    return out.split("\n").filter(Boolean).length;
  } catch {
    return undefined;
  }
}

function dawnVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve("webgpu/package.json"), "utf8"));
    return `webgpu ${pkg.version} (dawn.node)`;
  } catch {
    return "webgpu (version unknown)";
  }
}

/**
 * dawn.node's GPUQueue.writeBuffer rejects SharedArrayBuffer data, and ORT's wasm heap is one
 * (PEERS.md §3): copy such data into a plain buffer first. Offsets are in bytes for a raw
 * buffer and in elements for a typed array, as in the WebGPU spec.
 */
function patchWriteBuffer(): void {
  const queue = (globalThis as unknown as { GPUQueue: { prototype: GPUQueue } }).GPUQueue.prototype;
  const original = queue.writeBuffer;
  type Args = [GPUBuffer, number, BufferSource | SharedArrayBuffer, number?, number?];
  queue.writeBuffer = function (this: GPUQueue, ...[buffer, offset, data, at = 0, size]: Args) {
    if (data instanceof SharedArrayBuffer) {
      const copy = new Uint8Array(data, at, size ?? data.byteLength - at).slice();
      return original.call(this, buffer, offset, copy);
    }
    if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
      const bpe = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const n = size ?? data.byteLength / bpe - at;
      const copy = new Uint8Array(data.buffer, data.byteOffset + at * bpe, n * bpe).slice();
      return original.call(this, buffer, offset, copy);
    }
    return original.call(this, buffer, offset, data as BufferSource, at, size);
  } as GPUQueue["writeBuffer"];
}

export function nodeHost(log: (line: string) => void): Host {
  return {
    runner: "node",
    commit: commit(),
    env: () => ({
      platform: `${type()} ${release()} ${process.arch}`,
      node: process.version,
      dawn: dawnVersion(),
      cpus: cpus().length,
      dirtyFiles: dirtyFiles(),
      ...(process.env.SHEEP_BENCH_LAUNCHER ? { launcher: process.env.SHEEP_BENCH_LAUNCHER } : {}),
    }),
    loadavg: () => +loadavg()[0].toFixed(2),
    async beforePeers() {
      // TF.js's WebGPU backend checks navigator.gpu when it loads and when it is constructed;
      // we hand it our device, so any GPU object will do.
      const { create } = (await import(/* @vite-ignore */ "webgpu" as string)) as {
        create: (o: string[]) => GPU;
      };
      const nav = (globalThis as { navigator?: object }).navigator ?? {};
      Object.defineProperty(globalThis, "navigator", {
        value: { ...nav, gpu: create([]) },
        configurable: true,
      });
      patchWriteBuffer();
    },
    tfjsWasmPath: wasmDir("@tensorflow/tfjs-backend-wasm"),
    ortWasmPath: wasmDir("onnxruntime-web"),
    ortThreads: Math.max(1, Math.min(4, cpus().length)),
    importOrtWasm: () => import("onnxruntime-web"),
    importOrtWebgpu: () => {
      // Without this, Node blocks 30 s to minutes on V8's optimising compile of ORT's 27 MB
      // wasm at the first run (PEERS.md §3). It slows later wasm, so ORT's WebGPU EP loads last.
      setFlagsFromString("--liftoff-only");
      return import("onnxruntime-web/webgpu");
    },
    latePeers: ["ort-webgpu"],
    async faceWeights() {
      // Loosely typed: the models package is still growing (see pipelines/modules.ts).
      const m = (await import("@sheep/models/node")) as unknown as {
        faceWeightsPath?: () => Promise<string>;
      };
      if (typeof m.faceWeightsPath !== "function")
        throw new Error("not available yet: no faceWeightsPath");
      return new Uint8Array(readFileSync(await m.faceWeightsPath()));
    },
    async shippedWeights(file: string) {
      const m = (await import("@sheep/models/node")) as unknown as {
        shippedWeightsPath?: (file: string) => string;
      };
      if (typeof m.shippedWeightsPath !== "function")
        throw new Error("not available yet: no shippedWeightsPath");
      return new Uint8Array(readFileSync(m.shippedWeightsPath(file)));
    },
    log,
  };
}
