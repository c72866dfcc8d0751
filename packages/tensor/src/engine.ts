// The engine: which backends exist, how storages live and die, scopes, and realisation of
// lazy tensors into memory. Ops go through ops/apply.ts; this file owns lifetimes.

import type { Backend, Region, Storage } from "./backend/backend.ts";
import { debugState } from "./debug.ts";
import { DeviceError, DisposedError } from "./errors.ts";
import { contiguousLeaf, type Expr, isContiguousLeaf, storagesOf } from "./expr.ts";
import { sizeOf } from "./shape.ts";
import type { Tensor } from "./tensor.ts";
import type { DispatchRecord } from "./trace.ts";

export type BackendKind = "webgpu" | "cpu";

export interface MemoryInfo {
  /** Tensor handles not yet disposed. */
  tensors: number;
  /** Bytes in live storages, per backend summed. */
  bytes: number;
  /** Bytes kept in buffer pools for reuse. */
  pooledBytes: number;
  /** Bytes of derived buffers kept across steps (the WebGPU backend's packed conv weights). */
  cachedBytes: number;
  /** The high-water mark of `bytes` since the backend started (summed over backends). */
  peakBytes: number;
  storages: number;
}

class Engine {
  private readonly backends = new Map<BackendKind, Backend>();
  private defaultKind: BackendKind | null = null;
  private readonly scopes: Set<Tensor>[] = [];
  /** Set by noGrad(): ops record no autograd nodes. */
  gradEnabled = true;
  /** SHEEP_DEBUG level (debug.ts keeps it, so the backends can read it too). */
  get debug(): number {
    return debugState.level;
  }
  set debug(level: number) {
    debugState.level = level;
  }
  liveTensors = 0;

  // ---- backends ---------------------------------------------------------------------------

  register(backend: Backend, makeDefault: boolean): void {
    const old = this.backends.get(backend.kind);
    this.backends.set(backend.kind, backend);
    if (old && old !== backend) old.destroy();
    if (makeDefault || !this.defaultKind) this.defaultKind = backend.kind;
    backend.lost.then((reason) => {
      // Only a device still in use counts: one replaced or released on purpose is not news.
      if (this.backends.get(backend.kind) !== backend) return;
      for (const fn of this.lostListeners) fn(reason, backend.kind);
    });
  }

  private readonly lostListeners = new Set<(reason: string, kind: BackendKind) => void>();

  /**
   * Call fn when a backend in use loses its device (a driver reset, a GPU removed, a timeout).
   * After that, ops on it throw; `init()` opens a new device. Returns an unsubscribe function.
   */
  onLost(fn: (reason: string, kind: BackendKind) => void): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  /** Debug: lose the GPU device as a driver reset would, to exercise recovery paths. */
  simulateDeviceLoss(kind: BackendKind = "webgpu"): void {
    const b = this.backends.get(kind);
    if (!b?.simulateLoss) throw new Error(`the ${kind} backend cannot lose a device`);
    b.simulateLoss();
  }

  has(kind: BackendKind): boolean {
    const b = this.backends.get(kind);
    return !!b && !b.lostReason;
  }

  /** The backend new tensors are made on (or a named one). */
  backend(kind?: BackendKind): Backend {
    const k = kind ?? this.defaultKind;
    const b = k && this.backends.get(k);
    if (!b) {
      throw new DeviceError(
        k
          ? `the ${k} backend is not initialised: call init({ backend: "${k}" }) first`
          : "no backend: call `await init()` first",
      );
    }
    return b;
  }

  get info() {
    return this.backend().info;
  }

  /** Release every device (a Node process holding a GPU does not exit by itself). */
  release(): void {
    for (const b of this.backends.values()) b.destroy();
    this.backends.clear();
    this.defaultKind = null;
  }

  /** Submit all recorded work on every backend. */
  flush(): void {
    for (const b of this.backends.values()) if (!b.lostReason) b.flush();
  }

  memory(): MemoryInfo {
    let bytes = 0;
    let pooledBytes = 0;
    let cachedBytes = 0;
    let peakBytes = 0;
    let storages = 0;
    for (const b of this.backends.values()) {
      const m = b.memory();
      bytes += m.bytes;
      pooledBytes += m.pooledBytes;
      cachedBytes += m.cachedBytes ?? 0;
      peakBytes += m.peakBytes ?? m.bytes;
      storages += m.storages;
    }
    return { tensors: this.liveTensors, bytes, pooledBytes, cachedBytes, peakBytes, storages };
  }

  // ---- storages -----------------------------------------------------------------------------

  retain(s: Storage): void {
    if (s.freed) throw new DisposedError(`storage #${s.id} was already freed`);
    s.refs++;
  }

  release1(s: Storage): void {
    if (--s.refs === 0 && !s.freed && !s.backend.lostReason) s.backend.free(s);
  }

  /** Storages a tensor must keep alive for its expression. */
  hold(expr: Expr): Storage[] {
    const list = [...storagesOf(expr)];
    for (const s of list) this.retain(s);
    return list;
  }

  // ---- realisation ----------------------------------------------------------------------------

  /**
   * Make a tensor's value a contiguous region of memory, and return it. This may launch work:
   * a lazy tensor's fused expression is compiled and dispatched here (one kernel, recorded for
   * the next submit). The tensor keeps its identity: every holder sees the realised buffer.
   */
  realise(t: Tensor): Region {
    this.checkAlive(t);
    const e = t.expr;
    if (isContiguousLeaf(e, t.shape)) return { storage: e.storage, offset: e.offset };
    const backend = t.backend;
    const storage = backend.alloc(t.dtype, sizeOf(t.shape));
    storage.refs = 1;
    try {
      backend.run("elementwise", { expr: e, shape: t.shape, out: { storage, offset: 0 } });
    } catch (err) {
      backend.free(storage); // a kernel that cannot run (a limit, a lost device) keeps nothing
      throw err;
    }
    t.replaceExpr(contiguousLeaf(storage, t.shape), [storage]);
    return { storage, offset: 0 };
  }

  /**
   * @deprecated The old name of realise(): it reads like a lookup, but may launch a kernel.
   * Kept so code written against it still compiles.
   */
  region(t: Tensor): Region {
    return this.realise(t);
  }

  checkAlive(t: Tensor): void {
    if (t.disposed) {
      throw new DisposedError(
        `tensor #${t.id} (${t.op}, shape [${t.shape.join(", ")}]) was used after dispose()`,
      );
    }
    const lost = t.backend.lostReason;
    if (lost) {
      throw new DeviceError(
        `tensor #${t.id} lives on a GPU device that was lost (${lost}); call init() for a new ` +
          "device and recreate your tensors",
      );
    }
  }

  // ---- scopes -----------------------------------------------------------------------------

  track(t: Tensor): void {
    this.liveTensors++;
    this.scopes.at(-1)?.add(t);
  }

  untrack(t: Tensor): void {
    this.liveTensors--;
    this.scopes.at(-1)?.delete(t);
  }

  /**
   * Run fn and dispose every tensor it made, except those it returns (found in arrays and
   * plain objects) and those marked with keep(). Returned tensors move to the enclosing scope.
   */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T | undefined;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new Error("tidy() takes a synchronous function: await outside it, not inside");
      }
      return result;
    } finally {
      this.scopes.pop();
      const keep = new Set<Tensor>();
      collectTensors(result, keep);
      const parent = this.scopes.at(-1);
      for (const t of scope) {
        if (keep.has(t) || t.kept) parent?.add(t);
        else if (!t.disposed) t.dispose();
      }
    }
  }

  // ---- tracing ------------------------------------------------------------------------------

  /** Run fn, realise what it returns, and give one record per dispatch it caused. */
  async trace(fn: () => unknown): Promise<DispatchRecord[]> {
    const backend = this.backend();
    backend.beginTrace();
    try {
      const result = fn();
      const out = new Set<Tensor>();
      collectTensors(result, out);
      for (const t of out) this.realise(t);
    } catch (e) {
      await backend.endTrace();
      throw e;
    }
    return backend.endTrace();
  }
}

/** Tensors inside a value: itself, array elements, plain-object fields (one level deep each). */
export function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 4) return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  const children =
    Array.isArray(value) || value instanceof Map
      ? [...value.values()]
      : Object.getPrototypeOf(value) === Object.prototype
        ? Object.values(value)
        : [];
  for (const v of children) collectTensors(v, into, depth + 1);
}

function isTensor(v: object): v is Tensor {
  return (v as { __isTensor?: boolean }).__isTensor === true;
}

export const engine = new Engine();
export type { Engine };
