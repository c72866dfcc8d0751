// The WebGPU backend: storages are GPU buffers from a pool, routines become dispatches recorded
// into one command encoder per step, and readback is the only thing that waits. Its parts, one
// concern each: create.ts (finding an adapter and device), pool.ts (buffers by size class),
// derived.ts (packed weights kept across steps), pipelines.ts (compiled shaders), recorder.ts
// (the encoder, the uniform arena, one submit per step), launch.ts and kernels.ts (the planners
// that turn a routine into Launches); this file binds them: storages, upload, readback, launch.

import type { DType, HostArray } from "../../dtype.ts";
import { DeviceError, fmtBytes } from "../../errors.ts";
import type { DispatchRecord } from "../../trace.ts";
import type { Backend, BackendInfo, BackendMemory, Routines, Storage } from "../backend.ts";
import { BYTES_PER_ELEMENT, COPY_ALIGN } from "./constants.ts";
import { DerivedCache } from "./derived.ts";
import { planners } from "./kernels.ts";
import type { Launch, PlanContext } from "./launch.ts";
import { packParams } from "./params.ts";
import { Pipelines } from "./pipelines.ts";
import { BufferPool } from "./pool.ts";
import { Recorder } from "./recorder.ts";

interface GpuStorage extends Storage {
  buffer: GPUBuffer;
  /** Launches and uploads that have written this storage: a version for derived caches. */
  writes: number;
}

export { derivedCacheTuning } from "./derived.ts";

let nextId = 1;

export class WebGPUBackend implements Backend {
  readonly kind = "webgpu";
  currentOp = "";
  lostReason: string | null = null;
  /** Resolves with the reason when the device is lost (or destroyed). */
  readonly lost: Promise<string>;
  private readonly pool: BufferPool;
  readonly recorder: Recorder;
  private readonly pipelines: Pipelines;
  private liveBytes = 0;
  /** The high-water mark of live plus derived bytes (engine.memory().peakBytes). */
  private peakBytes = 0;
  private live = 0;
  /** Packed conv weights and the like, kept across steps (derived.ts). */
  private readonly derived: DerivedCache<GpuStorage>;
  private validationError: string | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly info: BackendInfo,
  ) {
    this.recorder = new Recorder(device, info.features.includes("timestamp-query"));
    this.pipelines = new Pipelines(device);
    // Buffers over the pool's cap are destroyed after the submit that last uses them, never
    // while recorded work still names them.
    this.pool = new BufferPool(device, Math.min(1 << 30, info.limits.maxBufferSize), (b) =>
      this.recorder.idle ? b.destroy() : this.recorder.onSubmit(() => b.destroy()),
    );
    this.derived = new DerivedCache(
      (length, label) => {
        const buffer = this.pool.acquire(length * BYTES_PER_ELEMENT, label);
        return { storage: this.wrap(buffer, "float32", length), bytes: buffer.size };
      },
      // Launches already recorded may still read it: back to the pool, reused in stream order
      // (a lost device's buffers went with it).
      (s) => {
        if (!this.lostReason) this.pool.release(s.buffer);
      },
    );
    this.lost = device.lost.then((l) => {
      if (this.lostReason === null) this.lostReason = `${l.reason}: ${l.message || "no message"}`;
      return this.lostReason;
    });
    device.onuncapturederror = (e) => {
      this.validationError ??= `${(e as GPUUncapturedErrorEvent).error.message} (during ${this.currentOp})`;
    };
  }

  private check(): void {
    if (this.lostReason) {
      throw new DeviceError(
        `the GPU device was lost (${this.lostReason}); call init() to get a new one`,
      );
    }
    if (this.validationError) {
      const msg = this.validationError;
      this.validationError = null;
      throw new DeviceError(`WebGPU reported an error: ${msg}`);
    }
  }

  alloc(dtype: DType, length: number): Storage {
    this.check();
    const bytes = length * BYTES_PER_ELEMENT;
    const { maxBufferSize } = this.info.limits;
    if (bytes > maxBufferSize) {
      throw new DeviceError(
        `${this.currentOp || "tensor"}: a tensor of ${length} elements needs ${fmtBytes(bytes)}, over this ` +
          `device's maxBufferSize (${fmtBytes(maxBufferSize)}); use smaller inputs or tiles`,
      );
    }
    const buffer = this.pool.acquire(bytes, `${this.currentOp || "tensor"} (${dtype}[${length}])`);
    this.liveBytes += buffer.size;
    this.notePeak();
    this.live++;
    return this.wrap(buffer, dtype, length);
  }

  private wrap(buffer: GPUBuffer, dtype: DType, length: number): GpuStorage {
    return { id: nextId++, backend: this, dtype, length, refs: 0, freed: false, buffer, writes: 0 };
  }

  write(storage: Storage, data: HostArray | Float64Array): void {
    this.check();
    // No copy when the data already has the storage's type and lives in a plain ArrayBuffer
    // (Dawn refuses SharedArrayBuffer views in writeBuffer).
    const Want = storage.dtype === "float32" ? Float32Array : Int32Array;
    const host = (
      data instanceof Want && data.buffer instanceof ArrayBuffer ? data : Want.from(data)
    ) as Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;
    const { buffer } = storage as GpuStorage;
    (storage as GpuStorage).writes++;
    if (host.byteLength === 0) return;
    if (this.recorder.idle) {
      this.device.queue.writeBuffer(buffer, 0, host);
      return;
    }
    // Work is recorded but not submitted: a queue write would land before it, so go through a
    // staging buffer copied in stream order instead.
    const staging = this.device.createBuffer({
      label: "upload",
      // Mapped buffers are sized in multiples of 4 bytes (WebGPU's COPY_BUFFER_ALIGNMENT).
      size: Math.ceil(host.byteLength / COPY_ALIGN) * COPY_ALIGN,
      usage: GPUBufferUsage.COPY_SRC,
      mappedAtCreation: true,
    });
    new Uint8Array(staging.getMappedRange()).set(
      new Uint8Array(host.buffer, host.byteOffset, host.byteLength),
    );
    staging.unmap();
    this.recorder.copy(staging, 0, buffer, 0, host.byteLength);
    this.recorder.onSubmit(() => staging.destroy());
  }

  async read(storage: Storage, offset: number, length: number): Promise<HostArray | Float64Array> {
    this.check();
    const make = (b?: ArrayBuffer) =>
      storage.dtype === "float32"
        ? new Float32Array(b ?? new ArrayBuffer(0))
        : new Int32Array(b ?? new ArrayBuffer(0));
    if (length === 0) return make();
    const bytes = length * BYTES_PER_ELEMENT;
    const staging = this.device.createBuffer({
      label: "readback",
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.recorder.copy(
      (storage as GpuStorage).buffer,
      offset * BYTES_PER_ELEMENT,
      staging,
      0,
      bytes,
    );
    this.recorder.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      staging.destroy();
      // A mapping that fails because the device went away is reported as the lost device it
      // is; the lost promise settles a moment after the failed map, so give it that moment.
      await Promise.race([this.lost, new Promise((r) => setTimeout(r, 250))]);
      this.check();
      throw new DeviceError(`reading a tensor back failed: ${(e as Error).message}`);
    }
    const out = make(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    this.check();
    return out;
  }

  free(storage: Storage): void {
    if (storage.freed) return;
    storage.freed = true;
    this.derived.forget(storage.id);
    const { buffer } = storage as GpuStorage;
    this.liveBytes -= buffer.size;
    this.live--;
    if (!this.lostReason) this.pool.release(buffer);
  }

  run<K extends keyof Routines>(routine: K, args: Routines[K]): void {
    this.check();
    const plan = planners[routine] as (a: Routines[K], max: number, ctx: PlanContext) => Launch[];
    const temps: Storage[] = [];
    const ctx: PlanContext = {
      limits: this.info.limits,
      info: this.info,
      scratch: (dtype, length) => {
        const s = this.alloc(dtype, length);
        temps.push(s);
        return s;
      },
      derived: (key, source, length) => {
        const hit = this.derived.get(key, source as GpuStorage, length);
        this.notePeak();
        return hit;
      },
    };
    try {
      for (const l of plan(args, this.info.limits.maxComputeWorkgroupsPerDimension, ctx))
        this.launch(l);
    } finally {
      // Later users of these buffers are recorded after the launches that read them.
      for (const s of temps) this.free(s);
    }
  }

  private launch(l: Launch): void {
    const { pipeline, layout } = this.pipelines.get(l);
    (l.storages[0] as GpuStorage).writes++; // binding 1 is every kernel's output
    const uniform = this.recorder.uniform(packParams(layout, l.params, l.kernel));
    const maxBinding = this.info.limits.maxStorageBufferBindingSize;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: uniform }];
    l.storages.forEach((s, i) => {
      const range = l.ranges?.[i];
      const offset = range ? range.offset * BYTES_PER_ELEMENT : 0;
      // At least one element: a zero-sized binding is invalid.
      const size = BYTES_PER_ELEMENT * Math.max(1, range ? range.length : s.length);
      if (size > maxBinding) {
        throw new DeviceError(
          `${this.currentOp}: ${l.kernel} would bind ${fmtBytes(size)}, over this device's ` +
            `maxStorageBufferBindingSize (${fmtBytes(maxBinding)})`,
        );
      }
      if (s.freed) throw new Error(`${this.currentOp}: ${l.kernel} reads freed storage #${s.id}`);
      entries.push({
        binding: i + 1,
        resource: { buffer: (s as GpuStorage).buffer, offset, size },
      });
    });
    this.recorder.dispatch(pipeline, entries, l.workgroups, {
      op: this.currentOp,
      kernel: l.kernel,
      wgsl: l.source,
      entry: l.entry,
      params: l.params,
      bytes: l.bytes,
      flops: l.flops,
    });
  }

  flush(): void {
    if (!this.lostReason) this.recorder.flush();
  }

  private notePeak(): void {
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes + this.derived.bytes);
  }

  memory(): BackendMemory {
    return {
      bytes: this.liveBytes,
      pooledBytes: this.pool.pooledBytes,
      cachedBytes: this.derived.bytes,
      peakBytes: this.peakBytes,
      storages: this.live,
    };
  }

  beginTrace(): void {
    this.recorder.beginTrace();
  }

  endTrace(): Promise<DispatchRecord[]> {
    return this.recorder.endTrace();
  }

  /** Command buffers submitted so far. */
  get submits(): number {
    return this.recorder.submits;
  }

  /** Pipelines compiled so far (the tour and the engine panel list them). */
  get pipelineCount(): number {
    return this.pipelines.count;
  }

  /** Destroy the device without marking the loss as ours: `lost` fires as on a driver reset. */
  simulateLoss(): void {
    this.device.destroy();
  }

  destroy(): void {
    if (this.lostReason === null) this.lostReason = "destroyed: released by the program";
    for (const s of this.derived.clear()) s.buffer.destroy();
    this.pool.clear();
    this.recorder.destroy();
    this.device.destroy();
  }
}
