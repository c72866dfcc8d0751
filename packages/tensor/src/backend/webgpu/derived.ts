// The derived-weight cache: buffers computed from a storage and kept across steps (conv weights
// in their packed layout, conv/webgpu/forward.ts), so inference and DeepDream pack each layer
// once. A weight storage is never written after it is made (every kernel writes a fresh buffer;
// nn.assign swaps buffers), so an entry stays valid until its source is written (a launch or an
// upload bumps the source's `writes`) or freed. At most `derivedCacheTuning.maxBytes`, least
// recently used evicted first.

import type { Storage } from "../backend.ts";

/** What the cache needs of a storage: an id, and a version that every write bumps. */
export interface Versioned extends Storage {
  writes: number;
}

export const derivedCacheTuning = { maxBytes: 512 * 1024 * 1024 };

interface Entry<S> {
  storage: S;
  bytes: number;
  sourceId: number;
  version: number;
}

export class DerivedCache<S extends Versioned> {
  /** Entries by key, in least-recently-used order, and their keys by source storage. */
  private readonly entries = new Map<string, Entry<S>>();
  private readonly bySource = new Map<number, Set<string>>();
  private total = 0;

  /**
   * @param make allocates a new entry's storage of `length` float32 elements and its byte size
   * @param drop returns an evicted storage's memory (recorded work may still read it: the pool
   *   hands it out again only in stream order)
   */
  constructor(
    private readonly make: (length: number, label: string) => { storage: S; bytes: number },
    private readonly drop: (storage: S) => void,
  ) {}

  get bytes(): number {
    return this.total;
  }

  /**
   * The buffer derived from `source` under `what`: `fresh` says it must be (re)filled — it is
   * new, or `source` was written since it was filled. The caller records the filling launch
   * before anything that reads it.
   */
  get(what: string, source: S, length: number): { storage: S; fresh: boolean } {
    const key = `#${source.id} ${what}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // re-inserted: most recently used
      this.entries.set(key, hit);
      const fresh = hit.version !== source.writes;
      hit.version = source.writes;
      return { storage: hit.storage, fresh };
    }
    const { storage, bytes } = this.make(length, `derived: ${key}`);
    this.entries.set(key, { storage, bytes, sourceId: source.id, version: source.writes });
    const keys = this.bySource.get(source.id) ?? new Set<string>();
    keys.add(key);
    this.bySource.set(source.id, keys);
    this.total += bytes;
    for (const [k] of this.entries) {
      if (this.total <= derivedCacheTuning.maxBytes || k === key) break;
      this.evict(k);
    }
    return { storage, fresh: true };
  }

  /** Drop every entry derived from a storage that is being freed. */
  forget(sourceId: number): void {
    for (const key of this.bySource.get(sourceId) ?? []) this.evict(key);
  }

  /** Every entry's storage, for a backend that destroys its buffers at once. */
  clear(): S[] {
    const all = [...this.entries.values()].map((e) => e.storage);
    this.entries.clear();
    this.bySource.clear();
    this.total = 0;
    return all;
  }

  private evict(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    const keys = this.bySource.get(e.sourceId);
    keys?.delete(key);
    if (keys && keys.size === 0) this.bySource.delete(e.sourceId);
    this.total -= e.bytes;
    e.storage.freed = true;
    this.drop(e.storage);
  }
}
