// TensorFlow.js as a peer: its WebGPU backend on OUR GPUDevice (same adapter, same queue, so the
// comparison is kernel against kernel), and its WASM backend (what a CPU-only user would pick).
//
// TF.js registers its kernels under the backend name "webgpu", so the shared-device backend
// must keep that name: we replace the factory rather than add a backend (PEERS.md §1).

import type { HostTensor, KernelCase, Tf, TfTensor } from "../suite/case.ts";
import type { PeerEngine, Prepared } from "../suite/engines.ts";
import type { PeerInfo } from "../suite/types.ts";

export interface TfWebGpuBackend {
  device: GPUDevice;
  supportTimestampQuery: boolean;
  commandEncoder: GPUCommandEncoder | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

export interface TfjsOptions {
  webgpu: boolean;
  wasm: boolean;
  device: GPUDevice;
  adapterInfo: GPUAdapterInfo | Record<string, string>;
  /** Directory URL or path (ending in "/") holding tfjs-backend-wasm's .wasm files. */
  wasmPath: string;
}

export async function loadTfjs(
  o: TfjsOptions,
): Promise<{ engines: PeerEngine[]; infos: PeerInfo[] }> {
  const engines: PeerEngine[] = [];
  const infos: PeerInfo[] = [];
  const tf = (await import("@tensorflow/tfjs")) as Tf;
  const version = tf.version.tfjs;
  tf.env().set("PROD", true);
  if (o.webgpu) {
    try {
      const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
      // Small ops on fresh tensors would otherwise run on TF.js's CPU backend, not the GPU
      // (the flag exists once the backend's module has loaded).
      tf.env().set("WEBGPU_CPU_FORWARD", false);
      if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
      tf.registerBackend("webgpu", () => new WebGPUBackend(o.device, o.adapterInfo as never), 3);
      if (!(await tf.setBackend("webgpu"))) throw new Error("setBackend('webgpu') returned false");
      const be = tf.backend() as unknown as TfWebGpuBackend;
      if (be.device !== o.device) throw new Error("TF.js did not take the shared device");
      engines.push(tfEngine(tf, "webgpu", version, be));
      const ts = be.supportTimestampQuery ? "timestamps (tf.time)" : "no timestamps";
      infos.push({ name: "tfjs-webgpu", status: "ok", version, note: `our GPUDevice; ${ts}` });
    } catch (e) {
      infos.push({ name: "tfjs-webgpu", status: "failed", version, note: (e as Error).message });
    }
  }
  if (o.wasm) {
    try {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(o.wasmPath);
      if (!(await tf.setBackend("wasm"))) throw new Error("setBackend('wasm') returned false");
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
      engines.push(tfEngine(tf, "wasm", version, null));
      const note = `SIMD ${simd ? "on" : "off"}, threads ${threads ? "on" : "off (1 thread)"}`;
      infos.push({ name: "tfjs-wasm", status: "ok", version, note });
    } catch (e) {
      infos.push({ name: "tfjs-wasm", status: "failed", version, note: (e as Error).message });
    }
  }
  return { engines, infos };
}

function tfEngine(
  tf: Tf,
  backend: "webgpu" | "wasm",
  version: string,
  be: TfWebGpuBackend | null,
): PeerEngine {
  return {
    name: backend === "webgpu" ? "tfjs-webgpu" : "tfjs-wasm",
    version,
    unsupported: (c) => (!c.tfjs ? "no TF.js equivalent" : (c.tfjs.unsupported?.[backend] ?? null)),
    async prepare(c: KernelCase, host: HostTensor[]): Promise<Prepared> {
      const spec = c.tfjs;
      if (!spec) throw new Error(`${c.name}: no TF.js spec`);
      await tf.setBackend(backend);
      const xs = spec.inputs(host).map((h) => tf.tensor(h.data, h.shape, "float32"));
      return tfPrepared(tf, backend, be, () => spec.run(tf, xs), xs, spec.toOurs);
    },
  };
}

/**
 * One TF.js computation as a timed engine. `compute` makes the output from tensors that live on
 * `backend`; `owned` are freed by dispose(). With timestamps, tf.time() gives the summed
 * kernel time of every program the computation ran.
 */
export function tfPrepared(
  tf: Tf,
  backend: "webgpu" | "wasm",
  be: TfWebGpuBackend | null,
  compute: () => TfTensor,
  owned: TfTensor[],
  toOurs?: (data: Float32Array, shape: number[]) => Float32Array,
): Prepared {
  // TF.js batches dispatches and submits every 15 or on a read: end the pass, submit, wait.
  const sync = async () => {
    if (!be) return;
    be.endComputePassEncoder();
    if (be.commandEncoder) be.submitQueue();
    await be.device.queue.onSubmittedWorkDone();
  };
  const timestamps = !!be?.supportTimestampQuery;
  return {
    async run() {
      await tf.setBackend(backend);
      let y: TfTensor | null = null;
      const t0 = performance.now();
      let gpuMs: number | null = null;
      if (timestamps) {
        const info = await tf.time(() => {
          y = compute();
        });
        gpuMs = typeof info.kernelMs === "number" ? info.kernelMs : null;
      } else {
        y = compute();
      }
      await sync();
      const wallMs = performance.now() - t0;
      (y as TfTensor | null)?.dispose();
      return { wallMs, gpuMs };
    },
    async output() {
      await tf.setBackend(backend);
      const y = compute();
      const data = (await y.data()) as Float32Array;
      const shape = y.shape.slice();
      y.dispose();
      return toOurs ? toOurs(data, shape) : data;
    },
    dispose() {
      for (const x of owned) x.dispose();
    },
  };
}

/** The shared-device WebGPU backend of a loaded TF.js, for tfPrepared. */
export function tfWebGpuBackend(tf: Tf): TfWebGpuBackend | null {
  return (tf.findBackend("webgpu") as unknown as TfWebGpuBackend | null) ?? null;
}

/**
 * One TF.js training step as a timed peer (the GAN, DCGAN and embedding rows). Its check output
 * is the loss of step `check.steps` from the shared initial weights, handed to `check.log` to
 * print beside ours; dispose() also frees the optimisers.
 */
export function tfTrainingPeer(
  tf: Tf,
  backend: "webgpu" | "wasm",
  step: () => TfTensor,
  owned: TfTensor[],
  optimizers: { dispose(): void }[],
  check: { steps: number; log: (backend: string, loss: number) => void },
): Prepared & { name: "tfjs-webgpu" | "tfjs-wasm" } {
  const be = backend === "webgpu" ? tfWebGpuBackend(tf) : null;
  const prep = tfPrepared(tf, backend, be, step, owned);
  const last = prep.output;
  const dispose = prep.dispose;
  return {
    ...prep,
    name: backend === "webgpu" ? "tfjs-webgpu" : "tfjs-wasm",
    async output() {
      await tf.setBackend(backend);
      for (let i = 0; i < check.steps - 1; i++) tf.dispose(step());
      const out = await last();
      check.log(backend, out[0]);
      return out;
    },
    dispose() {
      dispose();
      for (const o of optimizers) o.dispose();
    },
  };
}
