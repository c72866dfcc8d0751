// The buffer pool: freed GPU buffers wait here, sorted by size class, for the next tensor of a
// similar size. Classes step by 1/8 of a power of two, so a reused buffer wastes at most 12.5%.
//
// A buffer is freed as soon as its tensor is, which is usually while the dispatches that read or
// write it are still recorded in the open command encoder, not yet submitted. Keeping it in the
// pool is safe (its next user is recorded after those dispatches, and uploads into a busy buffer
// go through a staging copy in stream order), but destroying it is not: WebGPU rejects a submit
// that names a destroyed buffer ("used in submit while destroyed"). So a buffer over the cap is
// handed to `retire`, which destroys it only after the submit that last uses it.

import { COPY_ALIGN } from "./constants.ts";

function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / COPY_ALIGN) * COPY_ALIGN);
  if (b <= 256) return Math.ceil(b / 16) * 16;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooled = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Above this many pooled bytes, freed buffers are destroyed instead of kept. */
    private readonly cap: number,
    /** Destroy a buffer once no recorded, unsubmitted work can still use it. */
    private readonly retire: (buffer: GPUBuffer) => void = (b) => b.destroy(),
  ) {}

  acquire(bytes: number, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    const hit = this.free.get(size)?.pop();
    if (hit) {
      this.pooled -= size;
      hit.label = label;
      return hit;
    }
    return this.device.createBuffer({
      label,
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.pooled + size > this.cap) {
      this.retire(buffer);
      return;
    }
    const list = this.free.get(size) ?? [];
    list.push(buffer);
    this.free.set(size, list);
    this.pooled += size;
  }

  get pooledBytes(): number {
    return this.pooled;
  }

  /** Destroy every pooled buffer. */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooled = 0;
  }
}
