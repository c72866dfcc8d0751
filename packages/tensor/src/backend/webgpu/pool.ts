// The buffer pool: freed GPU buffers wait here, sorted by size class, for the next tensor of a
// similar size. Classes step by 1/8 of a power of two, so a reused buffer wastes at most 12.5%.

export function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 4) * 4);
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
      buffer.destroy();
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
