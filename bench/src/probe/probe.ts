// The device probe: the FMA rate and copy bandwidth this device actually sustains, measured with
// two plain WGSL kernels on the engine's own GPUDevice. Every kernel result is reported as a
// percentage of these two numbers, which says more than GFLOP/s alone on an unknown device.
//
// The probe talks to WebGPU directly (the engine's kernels are what is being measured, so they
// cannot measure the device); this is the only place in the bench that does.

import type { ProbeResult } from "../suite/types.ts";
import copyWgsl from "./copy.wgsl";
import fmaWgsl from "./fma.wgsl";

const WG = 256;
const FLOPS_PER_ITERATION = 128;

interface Timed {
  gpuMs: number | null;
  wallMs: number;
}

/** Run one dispatch in its own pass and time it (timestamps when the device has them). */
async function timeDispatch(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  bind: GPUBindGroup,
  groups: [number, number],
  timestamps: boolean,
): Promise<Timed> {
  const enc = device.createCommandEncoder({ label: "probe" });
  const qs = timestamps ? device.createQuerySet({ type: "timestamp", count: 2 }) : null;
  const pass = enc.beginComputePass(
    qs
      ? { timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } }
      : {},
  );
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(groups[0], groups[1]);
  pass.end();
  let read: GPUBuffer | null = null;
  let resolve: GPUBuffer | null = null;
  if (qs) {
    const usage = GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC;
    resolve = device.createBuffer({ size: 16, usage });
    read = device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    enc.resolveQuerySet(qs, 0, 2, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 16);
  }
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const wallMs = performance.now() - t0;
  let gpuMs: number | null = null;
  if (read && resolve && qs) {
    await read.mapAsync(GPUMapMode.READ);
    const t = new BigInt64Array(read.getMappedRange());
    gpuMs = Number(t[1] - t[0]) / 1e6;
    read.unmap();
    read.destroy();
    resolve.destroy();
    qs.destroy();
  }
  return { gpuMs, wallMs };
}

/** Workgroups as [x, y] for `count` invocations, x at most `maxDim`. */
function grid(count: number, maxDim: number): [number, number] {
  const groups = Math.ceil(count / WG);
  const y = Math.ceil(groups / maxDim);
  return [Math.ceil(groups / y), y];
}

function pipelineOf(device: GPUDevice, code: string, label: string): GPUComputePipeline {
  const module = device.createShaderModule({ label, code });
  return device.createComputePipeline({
    label,
    layout: "auto",
    compute: { module, entryPoint: "main" },
  });
}

const best = (ts: Timed[], gpu: boolean) =>
  Math.min(...ts.map((t) => (gpu ? (t.gpuMs as number) : t.wallMs)));

/**
 * Measure the device. `cpu` (a CPU adapter) uses fewer threads and a smaller buffer. The rate
 * is the best of several runs: a peak, so on a loaded machine percentages err low, not high.
 */
export async function probeDevice(
  device: GPUDevice,
  cpu: boolean,
  timestamps: boolean,
): Promise<ProbeResult> {
  const maxDim = device.limits.maxComputeWorkgroupsPerDimension;
  const uniform = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });

  // FMA: calibrate the iteration count so one dispatch takes ~100 ms (GPU) or ~300 ms (CPU).
  const threads = cpu ? 64 * WG : 4096 * WG;
  const out = device.createBuffer({ size: threads * 16, usage: GPUBufferUsage.STORAGE });
  const fma = pipelineOf(device, fmaWgsl, "probe fma");
  const fmaBind = device.createBindGroup({
    layout: fma.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: out } },
    ],
  });
  const setIterations = (n: number) =>
    device.queue.writeBuffer(uniform, 0, new Uint32Array([n, f32bits(0.999), f32bits(0.001), 0]));
  const fmaGrid = grid(threads, maxDim);
  let iterations = 64;
  const target = cpu ? 300 : 100;
  for (;;) {
    setIterations(iterations);
    const t = await timeDispatch(device, fma, fmaBind, fmaGrid, timestamps);
    const ms = timestamps ? (t.gpuMs as number) : t.wallMs;
    if (ms > target / 4 || iterations >= 1 << 24) {
      iterations = Math.max(64, Math.round((iterations * target) / Math.max(ms, 1e-3)));
      break;
    }
    iterations *= 8;
  }
  setIterations(iterations);
  const fmaRuns: Timed[] = [];
  for (let i = 0; i < 5; i++)
    fmaRuns.push(await timeDispatch(device, fma, fmaBind, fmaGrid, timestamps));
  const fmaMs = best(fmaRuns, timestamps);
  const flops = threads * iterations * FLOPS_PER_ITERATION;

  // Copy: a buffer well past any cache, within one binding.
  const cap = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const bytes = Math.min(cpu ? 64 << 20 : 512 << 20, 2 ** Math.floor(Math.log2(cap)));
  const count = bytes / 16;
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const copy = pipelineOf(device, copyWgsl, "probe copy");
  const copyBind = device.createBindGroup({
    layout: copy.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: src } },
      { binding: 2, resource: { buffer: dst } },
    ],
  });
  device.queue.writeBuffer(uniform, 0, new Uint32Array([count, 0, 0, 0]));
  // copy.wgsl moves 8 vec4s per invocation.
  const copyGrid = grid(Math.ceil(count / 8), maxDim);
  const copyRuns: Timed[] = [];
  for (let i = 0; i < 7; i++)
    copyRuns.push(await timeDispatch(device, copy, copyBind, copyGrid, timestamps));
  const copyMs = best(copyRuns.slice(2), timestamps);

  for (const b of [uniform, out, src, dst]) b.destroy();
  return {
    fmaGflops: flops / fmaMs / 1e6,
    bandwidthGBs: (2 * bytes) / copyMs / 1e6,
    basis: timestamps ? "timestamp" : "wall",
    fma: { threads, iterations, flops, ms: fmaMs },
    copy: { bytes: 2 * bytes, ms: copyMs },
  };
}

function f32bits(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0];
}
