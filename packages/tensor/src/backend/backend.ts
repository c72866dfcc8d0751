// The one interface both backends implement: allocate, write, run a kernel, read, free.
// Math code above this line never sees a GPUDevice; the cpu backend is the float64 oracle.

import type { ConvRoutines } from "../conv/routines.ts";
import type { DType, HostArray } from "../dtype.ts";
import type { Expr } from "../expr.ts";
import type { Shape } from "../shape.ts";
import type { DispatchRecord } from "../trace.ts";
import type { CnnRoutines } from "./cnn-routines.ts";

/** A backend-owned block of memory holding `length` elements of one dtype. */
export interface Storage {
  readonly id: number;
  readonly backend: Backend;
  readonly dtype: DType;
  readonly length: number;
  /** Tensor handles and lazy expressions that still need this memory. Freed at 0. */
  refs: number;
  /** Set when the memory has been returned to the backend. */
  freed: boolean;
}

/** A contiguous region of a storage: where a routine reads an input or writes its output. */
export interface Region {
  readonly storage: Storage;
  readonly offset: number;
}

/** What each hand-written routine takes. Every backend implements every entry. */
export interface Routines extends ConvRoutines, CnnRoutines {
  /** out[i] = expr(i) over `shape` (a fused chain of elementwise ops). */
  elementwise: { expr: Expr; shape: Shape; out: Region };
  /**
   * Reduce each row of expr: its shape is [kept…, reduced…], read as `outer` rows of `inner`
   * elements; out[row] = op over the row.
   */
  reduce: { op: ReduceOp; expr: Expr; shape: Shape; outer: number; inner: number; out: Region };
  /** Index (int32) of the first max (or min) within each row, laid out as for reduce. */
  argmax: {
    op: "argmax" | "argmin";
    expr: Expr;
    shape: Shape;
    outer: number;
    inner: number;
    out: Region;
  };
  /** out[b] = a[b] @ b[b], batch offsets broadcast; a or b may be stored transposed. */
  matmul: MatmulArgs;
  /**
   * Write expr (shape `shape`) into a strided view of an existing buffer: out.offset + Σ c·strides.
   * One dispatch per input of a concat; also the gradient of a strided slice.
   */
  assign: { expr: Expr; shape: Shape; out: Region; strides: readonly number[] };
  /** Pad expr (shape `inShape`) by `before`/`after` per dim: constant, reflect, replicate or circular. */
  pad: PadArgs;
  /** out[c] = x[c with c[dim] = index[c]] (torch.gather); out-of-range index gives NaN / 0. */
  gather: { x: Expr; xShape: Shape; index: Expr; shape: Shape; dim: number; out: Region };
}

export type RoutineName = keyof Routines;
export type ReduceOp = "sum" | "max" | "min";
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface MatmulArgs {
  a: Region;
  b: Region;
  out: Region;
  m: number;
  n: number;
  k: number;
  /** a is stored as [k, m] (b as [n, k]) rather than [m, k] ([k, n]). */
  transA: boolean;
  transB: boolean;
  /** Output batch shape and, per batch dim, the element stride of a and b (0 = broadcast). */
  batchShape: readonly number[];
  batchStridesA: readonly number[];
  batchStridesB: readonly number[];
}

export interface PadArgs {
  expr: Expr;
  inShape: Shape;
  before: readonly number[];
  after: readonly number[];
  mode: PadMode;
  value: number;
  out: Region;
}

export interface DeviceLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBuffersPerShaderStage: number;
}

export interface BackendInfo {
  backend: "webgpu" | "cpu";
  /** e.g. "lavapipe", "swiftshader", "gpu", "browser", "cpu" */
  adapter: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** Features the engine enabled on the device (the useful ones the adapter offers). */
  features: string[];
  /** Every feature the adapter offers. */
  adapterFeatures: string[];
  limits: DeviceLimits;
  /** Smallest subgroup size the adapter may use (with the "subgroups" feature), when known. */
  subgroupMinSize?: number;
  /** Where WebGPU came from: navigator.gpu, dawn.node, or none. */
  source: string;
}

export interface BackendMemory {
  /** Bytes held by live storages. */
  bytes: number;
  /** Bytes parked in the buffer pool for reuse. */
  pooledBytes: number;
  /** Bytes of derived buffers kept across steps (packed conv weights); 0 where there are none. */
  cachedBytes?: number;
  /** The most bytes live storages and derived buffers held at once (webgpu): the high-water mark. */
  peakBytes?: number;
  storages: number;
}

export interface Backend {
  readonly kind: "webgpu" | "cpu";
  readonly info: BackendInfo;
  alloc(dtype: DType, length: number): Storage;
  write(storage: Storage, data: HostArray | Float64Array): void;
  /** Read a region back. The cpu backend answers in float64; webgpu in float32 / int32. */
  read(storage: Storage, offset: number, length: number): Promise<HostArray | Float64Array>;
  free(storage: Storage): void;
  run<K extends RoutineName>(routine: K, args: Routines[K]): void;
  /** Submit recorded work. Called at readback and step boundaries. */
  flush(): void;
  /** Command buffers submitted so far (webgpu; the tour and tests count them). */
  readonly submits?: number;
  memory(): BackendMemory;
  /** The op on whose behalf the next kernels run (for traces and debug output). */
  currentOp: string;
  /** Start recording one DispatchRecord per kernel; end() flushes, waits and returns them. */
  beginTrace(): void;
  endTrace(): Promise<DispatchRecord[]>;
  /** Why the device stopped working, or null while it works. */
  readonly lostReason: string | null;
  /** Settles with the reason if the device is lost; never for the cpu backend. */
  readonly lost: Promise<string>;
  /** Release the device; the backend is unusable afterwards. */
  destroy(): void;
  /** Lose the device as a driver reset would (tests and demos of recovery). */
  simulateLoss?(): void;
}
