// The cpu backend: float64 storage for float32 tensors, plain loops for every routine. It is the
// test oracle, so it favours clarity over speed and shares no code with the WGSL kernels.

import type { DType, HostArray } from "../../dtype.ts";
import type { DispatchRecord } from "../../trace.ts";
import type { Backend, BackendInfo, BackendMemory, Routines, Storage } from "../backend.ts";
import { cpuRoutines } from "./routines.ts";
import type { CpuArray } from "./util.ts";

interface CpuStorage extends Storage {
  data: CpuArray;
}

let nextId = 1;

export class CpuBackend implements Backend {
  readonly kind = "cpu";
  readonly info: BackendInfo = {
    backend: "cpu",
    adapter: "cpu",
    vendor: "",
    architecture: "",
    device: "float64 reference",
    description: "plain TypeScript loops in float64 (the test oracle)",
    isFallbackAdapter: false,
    features: [],
    adapterFeatures: [],
    limits: {
      maxBufferSize: 2 ** 31,
      maxStorageBufferBindingSize: 2 ** 31,
      maxComputeWorkgroupStorageSize: 0,
      maxComputeInvocationsPerWorkgroup: 1,
      maxComputeWorkgroupsPerDimension: 0,
      maxStorageBuffersPerShaderStage: 64,
    },
    source: "none",
  };
  currentOp = "";
  readonly lostReason = null;
  /** Plain memory is never lost. */
  readonly lost = new Promise<string>(() => {});
  private bytes = 0;
  private live = 0;
  private tracing: DispatchRecord[] | null = null;

  alloc(dtype: DType, length: number): Storage {
    const data = dtype === "float32" ? new Float64Array(length) : new Int32Array(length);
    this.bytes += length * 4;
    this.live++;
    const s: CpuStorage = {
      id: nextId++,
      backend: this,
      dtype,
      length,
      refs: 0,
      freed: false,
      data,
    };
    return s;
  }

  write(storage: Storage, data: HostArray | Float64Array): void {
    (storage as CpuStorage).data.set(data);
  }

  async read(storage: Storage, offset: number, length: number): Promise<HostArray | Float64Array> {
    const data = (storage as CpuStorage).data;
    return data.slice(offset, offset + length);
  }

  free(storage: Storage): void {
    if (storage.freed) return;
    storage.freed = true;
    this.bytes -= storage.length * 4;
    this.live--;
    (storage as CpuStorage).data = new Float64Array(0);
  }

  run<K extends keyof Routines>(routine: K, args: Routines[K]): void {
    const impl = cpuRoutines[routine] as (a: Routines[K], mem: (s: Storage) => CpuArray) => void;
    impl(args, (s) => {
      if (s.freed) throw new Error(`cpu backend: ${this.currentOp} read freed storage #${s.id}`);
      return (s as CpuStorage).data;
    });
    this.tracing?.push({
      op: this.currentOp,
      kernel: routine,
      workgroups: [0, 0, 0],
      bytes: 0,
      flops: 0,
      timeMs: null,
      timing: "none",
      wgsl: "",
    });
  }

  flush(): void {}

  memory(): BackendMemory {
    return { bytes: this.bytes, pooledBytes: 0, storages: this.live };
  }

  beginTrace(): void {
    this.tracing = [];
  }

  async endTrace(): Promise<DispatchRecord[]> {
    const out = this.tracing ?? [];
    this.tracing = null;
    return out;
  }

  destroy(): void {}
}
