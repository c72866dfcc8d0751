// The WebGPU backend: storages are GPU buffers from a pool, routines become dispatches recorded
// into one command encoder per step, and readback is the only thing that waits.

import { DEBUG_WGSL, debugLog, debugState } from "../../debug.ts";
import type { DType, HostArray } from "../../dtype.ts";
import { DeviceError, fmtBytes } from "../../errors.ts";
import type { DispatchRecord } from "../../trace.ts";
import type { Backend, BackendInfo, BackendMemory, Routines, Storage } from "../backend.ts";
import { planners } from "./kernels.ts";
import type { Launch, PlanContext } from "./launch.ts";
import { type ParamsLayout, packParams, parseParams } from "./params.ts";
import { BufferPool } from "./pool.ts";
import { Recorder } from "./recorder.ts";

interface GpuStorage extends Storage {
  buffer: GPUBuffer;
  /** Launches and uploads that have written this storage: a version for derived caches. */
  writes: number;
}

/**
 * Derived buffers kept across steps (conv weights in their packed layout): at most this many
 * bytes, least recently used evicted first. An entry is refilled when its source storage has
 * been written since, and dropped when the source is freed.
 */
export const derivedCacheTuning = { maxBytes: 512 * 1024 * 1024 };

interface Derived {
  storage: GpuStorage;
  sourceId: number;
  version: number;
}

let nextId = 1;

export class WebGPUBackend implements Backend {
  readonly kind = "webgpu";
  currentOp = "";
  lostReason: string | null = null;
  /** Resolves with the reason when the device is lost (or destroyed). */
  readonly lost: Promise<string>;
  private readonly pool: BufferPool;
  readonly recorder: Recorder;
  private readonly pipelines = new Map<
    string,
    { pipeline: GPUComputePipeline; layout: ParamsLayout }
  >();
  private liveBytes = 0;
  private peakBytes = 0;
  private live = 0;
  /** Derived buffers by key, in least-recently-used order, and their keys by source storage. */
  private readonly derived = new Map<string, Derived>();
  private readonly derivedBySource = new Map<number, Set<string>>();
  private derivedBytes = 0;
  private validationError: string | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly info: BackendInfo,
  ) {
    this.recorder = new Recorder(device, info.features.includes("timestamp-query"));
    // Buffers over the pool's cap are destroyed after the submit that last uses them, never
    // while recorded work still names them.
    this.pool = new BufferPool(device, Math.min(1 << 30, info.limits.maxBufferSize), (b) =>
      this.recorder.idle ? b.destroy() : this.recorder.onSubmit(() => b.destroy()),
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
    const bytes = length * 4;
    const { maxBufferSize } = this.info.limits;
    if (bytes > maxBufferSize) {
      throw new DeviceError(
        `${this.currentOp || "tensor"}: a tensor of ${length} elements needs ${fmtBytes(bytes)}, over this ` +
          `device's maxBufferSize (${fmtBytes(maxBufferSize)}); use smaller inputs or tiles`,
      );
    }
    const buffer = this.pool.acquire(bytes, `${this.currentOp || "tensor"} (${dtype}[${length}])`);
    this.liveBytes += buffer.size;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes + this.derivedBytes);
    this.live++;
    const s: GpuStorage = {
      id: nextId++,
      backend: this,
      dtype,
      length,
      refs: 0,
      freed: false,
      buffer,
      writes: 0,
    };
    return s;
  }

  /**
   * A buffer of `length` elements derived from `source` (e.g. packed weights), kept under `key`:
   * `fresh` says it must be (re)filled — it is new, or `source` was written since it was filled.
   * The caller records the filling launch before anything that reads it.
   */
  private derive(
    what: string,
    source: Storage,
    length: number,
  ): { storage: Storage; fresh: boolean } {
    const src = source as GpuStorage;
    const key = `#${src.id} ${what}`;
    const hit = this.derived.get(key);
    if (hit) {
      this.derived.delete(key); // re-inserted below: most recently used
      this.derived.set(key, hit);
      const fresh = hit.version !== src.writes;
      hit.version = src.writes;
      return { storage: hit.storage, fresh };
    }
    const bytes = length * 4;
    const buffer = this.pool.acquire(bytes, `derived: ${key}`);
    const storage: GpuStorage = {
      id: nextId++,
      backend: this,
      dtype: "float32",
      length,
      refs: 0,
      freed: false,
      buffer,
      writes: 0,
    };
    this.derived.set(key, { storage, sourceId: src.id, version: src.writes });
    const keys = this.derivedBySource.get(src.id) ?? new Set<string>();
    keys.add(key);
    this.derivedBySource.set(src.id, keys);
    this.derivedBytes += buffer.size;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes + this.derivedBytes);
    for (const [k] of this.derived) {
      if (this.derivedBytes <= derivedCacheTuning.maxBytes || k === key) break;
      this.dropDerived(k);
    }
    return { storage, fresh: true };
  }

  private dropDerived(key: string): void {
    const d = this.derived.get(key);
    if (!d) return;
    this.derived.delete(key);
    const keys = this.derivedBySource.get(d.sourceId);
    keys?.delete(key);
    if (keys && keys.size === 0) this.derivedBySource.delete(d.sourceId);
    this.derivedBytes -= d.storage.buffer.size;
    d.storage.freed = true;
    // Launches already recorded may still read it: back to the pool in stream order.
    if (!this.lostReason) this.pool.release(d.storage.buffer);
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
      size: Math.ceil(host.byteLength / 4) * 4,
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
    const bytes = length * 4;
    const staging = this.device.createBuffer({
      label: "readback",
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.recorder.copy((storage as GpuStorage).buffer, offset * 4, staging, 0, bytes);
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
    for (const key of this.derivedBySource.get(storage.id) ?? []) this.dropDerived(key);
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
      derived: (key, source, length) => this.derive(key, source, length),
    };
    try {
      for (const l of plan(args, this.info.limits.maxComputeWorkgroupsPerDimension, ctx))
        this.launch(l);
    } finally {
      // Later users of these buffers are recorded after the launches that read them.
      for (const s of temps) this.free(s);
    }
  }

  private pipeline(l: Launch) {
    const key = `${l.entry}|${JSON.stringify(l.constants)}|${l.source}`;
    let hit = this.pipelines.get(key);
    if (!hit) {
      if (debugState.level >= DEBUG_WGSL)
        debugLog(`new pipeline ${l.kernel} (${l.entry}):\n${l.source}`);
      const module = this.device.createShaderModule({ label: l.kernel, code: l.source });
      const pipeline = this.device.createComputePipeline({
        label: l.kernel,
        layout: "auto",
        compute: { module, entryPoint: l.entry, constants: l.constants },
      });
      hit = { pipeline, layout: parseParams(l.source) };
      this.pipelines.set(key, hit);
    }
    return hit;
  }

  private launch(l: Launch): void {
    const { pipeline, layout } = this.pipeline(l);
    (l.storages[0] as GpuStorage).writes++; // binding 1 is every kernel's output
    const uniform = this.recorder.uniform(packParams(layout, l.params, l.kernel));
    const maxBinding = this.info.limits.maxStorageBufferBindingSize;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: uniform }];
    l.storages.forEach((s, i) => {
      const range = l.ranges?.[i];
      const offset = range ? range.offset * 4 : 0;
      const size = Math.max(4, (range ? range.length : s.length) * 4);
      if (size > maxBinding) {
        throw new DeviceError(
          `${this.currentOp}: ${l.kernel} would bind ${fmtBytes(size)}, over this device's ` +
            `maxStorageBufferBindingSize (${fmtBytes(maxBinding)})`,
        );
      }
      if (s.freed) throw new Error(`${this.currentOp}: ${l.kernel} reads freed storage #${s.id}`);
      entries.push({
        binding: i + 1,
        resource: { buffer: (s as GpuStorage).buffer, offset, size: Math.ceil(size / 4) * 4 },
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

  memory(): BackendMemory {
    return {
      bytes: this.liveBytes,
      pooledBytes: this.pool.pooledBytes,
      cachedBytes: this.derivedBytes,
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
    return this.pipelines.size;
  }

  /** Destroy the device without marking the loss as ours: `lost` fires as on a driver reset. */
  simulateLoss(): void {
    this.device.destroy();
  }

  destroy(): void {
    if (this.lostReason === null) this.lostReason = "destroyed: released by the program";
    for (const d of this.derived.values()) d.storage.buffer.destroy();
    this.derived.clear();
    this.derivedBySource.clear();
    this.derivedBytes = 0;
    this.pool.clear();
    this.recorder.destroy();
    this.device.destroy();
  }
}
