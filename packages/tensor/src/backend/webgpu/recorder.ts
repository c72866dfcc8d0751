// Recording GPU work. Every dispatch of a step goes into one command encoder and one submit;
// uniforms go into a CPU-side arena that is written just before that submit. Readbacks flush.
// With tracing on, each dispatch gets its own compute pass wrapped in timestamp writes.

import { DEBUG_TIMING, debugLog, debugState } from "../../debug.ts";
import type { DispatchRecord } from "../../trace.ts";
import { COPY_ALIGN } from "./constants.ts";

const ARENA_BYTES = 1 << 16;
/** Submit anyway after this many dispatches, so the GPU starts while we keep recording. */
const MAX_BATCH = 512;
const MAX_QUERIES = 4096;

interface Arena {
  gpu: GPUBuffer;
  cpu: Uint8Array<ArrayBuffer>;
  used: number;
}

export interface DispatchInfo {
  op: string;
  kernel: string;
  wgsl: string;
  entry: string;
  params: Readonly<Record<string, number | readonly number[]>>;
  bytes: number;
  flops: number;
}

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private arenas: Arena[] = [];
  private spare: Arena[] = [];
  private count = 0;
  /** Command buffers submitted so far (tests check a step is one submit, not one per op). */
  submits = 0;
  private readonly afterSubmit: (() => void)[] = [];
  /** Records of the dispatches since tracing began (null when not tracing). */
  private traced: (DispatchRecord & { q: number })[] | null = null;
  private timed: (DispatchRecord & { q: number })[] = [];
  private querySet: GPUQuerySet | null = null;
  private queries = 0;
  private readonly align: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly timestamps: boolean,
  ) {
    this.align = device.limits.minUniformBufferOffsetAlignment;
  }

  get idle(): boolean {
    return this.encoder === null;
  }

  private enc(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: "sheep step" });
    return this.encoder;
  }

  /** Place uniform bytes in the arena; returns the binding for them. */
  uniform(data: ArrayBuffer): GPUBufferBinding {
    const size = data.byteLength;
    let arena = this.arenas.at(-1);
    const at = arena ? Math.ceil(arena.used / this.align) * this.align : 0;
    if (!arena || at + size > ARENA_BYTES) {
      arena = this.spare.pop() ?? {
        gpu: this.device.createBuffer({
          label: "uniform arena",
          size: ARENA_BYTES,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        }),
        cpu: new Uint8Array(ARENA_BYTES),
        used: 0,
      };
      arena.used = 0;
      this.arenas.push(arena);
      return this.uniform(data);
    }
    arena.cpu.set(new Uint8Array(data), at);
    arena.used = at + size;
    return { buffer: arena.gpu, offset: at, size };
  }

  private get timing(): boolean {
    return this.timestamps && (this.traced !== null || debugState.level >= DEBUG_TIMING);
  }

  dispatch(
    pipeline: GPUComputePipeline,
    entries: GPUBindGroupEntry[],
    workgroups: [number, number, number],
    info: DispatchInfo,
  ): void {
    const bindGroup = this.device.createBindGroup({
      label: info.kernel,
      layout: pipeline.getBindGroupLayout(0),
      entries,
    });
    let q = -1;
    if (this.timing) {
      // One pass per dispatch: timestamps are written at pass boundaries.
      this.endPass();
      if (this.queries + 2 > MAX_QUERIES) this.flush();
      this.querySet ??= this.device.createQuerySet({ type: "timestamp", count: MAX_QUERIES });
      q = this.queries;
      this.queries += 2;
      this.pass = this.enc().beginComputePass({
        label: info.kernel,
        timestampWrites: {
          querySet: this.querySet,
          beginningOfPassWriteIndex: q,
          endOfPassWriteIndex: q + 1,
        },
      });
    } else {
      this.pass ??= this.enc().beginComputePass({ label: "sheep kernels" });
    }
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(...workgroups);
    if (q >= 0) this.endPass();
    // One object in both lists: filling in its time later updates the trace too.
    const rec: DispatchRecord & { q: number } = {
      ...info,
      workgroups,
      timeMs: null,
      timing: q >= 0 ? "timestamp" : "none",
      q,
    };
    this.traced?.push(rec);
    if (q >= 0) this.timed.push(rec);
    if (++this.count >= MAX_BATCH && !this.timing) this.flush();
  }

  /** A buffer-to-buffer copy in stream order (uploads into reused buffers, readbacks). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    this.endPass();
    this.enc().copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
  }

  /** Run `fn` once the current batch has been submitted (e.g. destroy a staging buffer). */
  onSubmit(fn: () => void): void {
    this.afterSubmit.push(fn);
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    let resolve: {
      buffer: GPUBuffer;
      read: GPUBuffer;
      records: (DispatchRecord & { q: number })[];
    } | null = null;
    if (this.timed.length && this.querySet) {
      const bytes = this.queries * 8;
      const buffer = this.device.createBuffer({
        size: bytes,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      const read = this.device.createBuffer({
        size: bytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      this.encoder.resolveQuerySet(this.querySet, 0, this.queries, buffer, 0);
      this.encoder.copyBufferToBuffer(buffer, 0, read, 0, bytes);
      resolve = { buffer, read, records: this.timed };
    }
    for (const a of this.arenas)
      this.device.queue.writeBuffer(
        a.gpu,
        0,
        a.cpu,
        0,
        Math.ceil(a.used / COPY_ALIGN) * COPY_ALIGN,
      );
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    // Arenas are safe to reuse: the next writeBuffer is ordered after this submit on the queue.
    this.spare.push(...this.arenas);
    this.arenas = [];
    this.encoder = null;
    this.count = 0;
    this.queries = 0;
    this.timed = [];
    for (const fn of this.afterSubmit.splice(0)) fn();
    if (resolve) this.pending.push(this.readTimes(resolve));
  }

  private pending: Promise<void>[] = [];

  private async readTimes(r: {
    buffer: GPUBuffer;
    read: GPUBuffer;
    records: (DispatchRecord & { q: number })[];
  }) {
    await r.read.mapAsync(GPUMapMode.READ);
    const ticks = new BigInt64Array(r.read.getMappedRange().slice(0));
    r.read.unmap();
    r.read.destroy();
    r.buffer.destroy();
    for (const rec of r.records) {
      rec.timeMs = Number(ticks[rec.q + 1] - ticks[rec.q]) / 1e6;
      if (debugState.level >= DEBUG_TIMING) {
        debugLog(
          `${rec.kernel.padEnd(28)} ${rec.timeMs.toFixed(3).padStart(9)} ms  wg ${rec.workgroups.join("×")}  (${rec.op})`,
        );
      }
    }
  }

  beginTrace(): void {
    this.flush();
    this.traced = [];
  }

  async endTrace(): Promise<DispatchRecord[]> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await Promise.all(this.pending.splice(0));
    const out = (this.traced ?? []).map(({ q: _q, ...r }) => r);
    this.traced = null;
    return out;
  }

  destroy(): void {
    for (const a of [...this.arenas, ...this.spare]) a.gpu.destroy();
    this.querySet?.destroy();
  }
}
