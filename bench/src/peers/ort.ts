// ONNX Runtime Web as a peer: its native WebGPU execution provider on OUR GPUDevice with inputs
// and outputs left on the GPU (so only kernels are timed), and its WASM execution provider.
// Models are one-node graphs built by ./onnx.ts.

import type * as ortTypes from "onnxruntime-web";
import type { HostTensor, KernelCase } from "../suite/case.ts";
import type { PeerEngine, Prepared } from "../suite/engines.ts";
import type { PeerInfo } from "../suite/types.ts";

type Ort = typeof ortTypes;

export interface OrtOptions {
  kind: "webgpu" | "wasm";
  device: GPUDevice;
  /** URL or path prefix (ending in "/") of onnxruntime-web's dist/ (.wasm and .mjs files). */
  wasmPath: string;
  threads: number;
  /** Importers per runner: the package's entry points resolve differently in Node and browsers. */
  importWebgpu: () => Promise<unknown>;
  importWasm: () => Promise<unknown>;
}

export async function loadOrt(
  o: OrtOptions,
): Promise<{ engine: PeerEngine | null; info: PeerInfo }> {
  const name = o.kind === "webgpu" ? "ort-webgpu" : "ort-wasm";
  let version: string | undefined;
  try {
    const ort = (await (o.kind === "webgpu" ? o.importWebgpu() : o.importWasm())) as Ort;
    version = ort.env.versions?.web;
    ort.env.logLevel = "error";
    ort.env.wasm.wasmPaths = o.wasmPath;
    ort.env.wasm.numThreads = o.threads;
    const note =
      o.kind === "webgpu"
        ? "native WebGPU EP on our GPUDevice, GPU-resident inputs and outputs"
        : `WASM EP, ${o.threads} thread${o.threads > 1 ? "s" : ""}`;
    return {
      engine: ortEngine(ort, o, name, version ?? "?"),
      info: { name, status: "ok", version, note },
    };
  } catch (e) {
    return { engine: null, info: { name, status: "failed", version, note: (e as Error).message } };
  }
}

function ortEngine(
  ort: Ort,
  o: OrtOptions,
  name: "ort-webgpu" | "ort-wasm",
  version: string,
): PeerEngine {
  const gpu = o.kind === "webgpu";
  return {
    name,
    version,
    unsupported: (c) => (c.ort ? null : "no ONNX model for this case"),
    async prepare(c: KernelCase, host: HostTensor[]): Promise<Prepared> {
      const spec = c.ort;
      if (!spec) throw new Error(`${c.name}: no ONNX spec`);
      const session = await ort.InferenceSession.create(spec.model(), {
        executionProviders: gpu ? [{ name: "webgpu", device: o.device } as never] : ["wasm"],
        ...(gpu ? { preferredOutputLocation: "gpu-buffer" as const } : {}),
      });
      const buffers: GPUBuffer[] = [];
      const feeds: Record<string, ortTypes.Tensor> = {};
      host.forEach((h, i) => {
        if (!gpu) {
          feeds[spec.names[i]] = new ort.Tensor("float32", h.data, h.shape);
          return;
        }
        const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
        const buffer = o.device.createBuffer({ size: h.data.byteLength, usage });
        o.device.queue.writeBuffer(buffer, 0, h.data);
        buffers.push(buffer);
        feeds[spec.names[i]] = ort.Tensor.fromGpuBuffer(buffer as never, {
          dataType: "float32",
          dims: h.shape,
        });
      });
      return {
        async run() {
          const t0 = performance.now();
          const r = await session.run(feeds);
          if (gpu) await o.device.queue.onSubmittedWorkDone();
          const wallMs = performance.now() - t0;
          r[spec.output].dispose();
          return { wallMs, gpuMs: null };
        },
        async output() {
          const r = await session.run(feeds);
          const t = r[spec.output];
          const data = (await t.getData(true)) as Float32Array;
          return data;
        },
        dispose() {
          void session.release();
          for (const b of buffers) b.destroy();
        },
      };
    },
  };
}
