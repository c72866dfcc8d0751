// Where downloaded weights live in the browser. The origin private file system (OPFS) first: a
// download appends to a real file there, so an interrupted one resumes where it stopped — even
// on the next visit — and the finished file is read in slices (only the layers a model needs).
// Without OPFS writes, bytes gather in memory and the finished file goes to the Cache API.
//
// A file counts as saved only when its `<file>.json` record exists and the sizes agree: the
// record is written last, after the downloader has checked size and SHA-256.

import type { PartFile } from "@sheep/models";

export interface SavedMeta {
  url: string;
  bytes: number;
  savedAt: string;
}

export interface WeightStore {
  readonly kind: "opfs" | "cache";
  /** The partial (or absent) download of `file` from `url`, for resumableDownload. */
  part(file: string, url: string): PartFile;
  saved(file: string): Promise<{ blob: Blob; meta: SavedMeta } | null>;
  remove(file: string): Promise<void>;
}

const DIR = "sheep-weights";
/** Appends are gathered and written in slabs of this size: one writable per slab, not per chunk. */
const SLAB = 8 * 1024 * 1024;

async function opfsDir(): Promise<FileSystemDirectoryHandle | null> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(DIR, { create: true });
    // Writing needs createWritable (Chrome 86+, Firefox 111+, Safari 26+).
    const probe = await dir.getFileHandle(".probe", { create: true });
    if (typeof probe.createWritable !== "function") return null;
    return dir;
  } catch {
    return null;
  }
}

async function fileOf(dir: FileSystemDirectoryHandle, name: string): Promise<File | null> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch {
    return null;
  }
}

async function* chunks(blob: Blob): AsyncIterable<Uint8Array> {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

function opfsStore(dir: FileSystemDirectoryHandle): WeightStore {
  return {
    kind: "opfs",
    part(file, url) {
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const handle = () => dir.getFileHandle(file, { create: true });
      /** Write what has gathered at the end of the file, then close: the bytes are safe. */
      const flush = async () => {
        if (pendingBytes === 0) return;
        const h = await handle();
        const size = (await h.getFile()).size;
        const w = await h.createWritable({ keepExistingData: true });
        await w.seek(size);
        for (const c of pending) await w.write(c as Uint8Array<ArrayBuffer>);
        await w.close();
        pending = [];
        pendingBytes = 0;
      };
      return {
        size: async () => ((await fileOf(dir, file))?.size ?? 0) + pendingBytes,
        async *read() {
          await flush();
          const f = await fileOf(dir, file);
          if (f) yield* chunks(f);
        },
        async append(bytes) {
          pending.push(bytes.slice());
          pendingBytes += bytes.length;
          if (pendingBytes >= SLAB) await flush();
        },
        async truncate() {
          pending = [];
          pendingBytes = 0;
          const w = await (await handle()).createWritable({ keepExistingData: false });
          await w.close();
        },
        async commit() {
          await flush();
          const bytes = (await fileOf(dir, file))?.size ?? 0;
          const record: SavedMeta = { url, bytes, savedAt: new Date().toISOString() };
          const w = await (
            await dir.getFileHandle(`${file}.json`, { create: true })
          ).createWritable();
          await w.write(JSON.stringify(record));
          await w.close();
        },
        async discard() {
          pending = [];
          pendingBytes = 0;
          await dir.removeEntry(file).catch(() => {});
        },
        close: flush,
      };
    },
    async saved(file) {
      const record = await fileOf(dir, `${file}.json`);
      const data = await fileOf(dir, file);
      if (!record || !data) return null;
      const meta = JSON.parse(await record.text()) as SavedMeta;
      return data.size === meta.bytes ? { blob: data, meta } : null;
    },
    async remove(file) {
      await dir.removeEntry(`${file}.json`).catch(() => {});
      await dir.removeEntry(file).catch(() => {});
    },
  };
}

/** Memory while downloading (resumes within this visit only), the Cache API once finished. */
function cacheStore(): WeightStore {
  const parts = new Map<string, Uint8Array[]>();
  const key = (file: string) => `/sheep-weights/${file}`;
  return {
    kind: "cache",
    part(file, url) {
      const list = () => parts.get(file) ?? parts.set(file, []).get(file)!;
      return {
        size: async () => list().reduce((n, c) => n + c.length, 0),
        async *read() {
          yield* list();
        },
        append: async (bytes) => void list().push(bytes.slice()),
        truncate: async () => void parts.set(file, []),
        async commit() {
          const bytes = list().reduce((n, c) => n + c.length, 0);
          const record: SavedMeta = { url, bytes, savedAt: new Date().toISOString() };
          const cache = await caches.open(DIR);
          const body = new Blob(list() as Uint8Array<ArrayBuffer>[]);
          await cache.put(
            key(file),
            new Response(body, { headers: { "x-sheep-meta": JSON.stringify(record) } }),
          );
          parts.delete(file);
        },
        discard: async () => void parts.delete(file),
        close: async () => {},
      };
    },
    async saved(file) {
      if (typeof caches === "undefined") return null;
      const hit = await (await caches.open(DIR)).match(key(file));
      if (!hit) return null;
      const meta = JSON.parse(hit.headers.get("x-sheep-meta") ?? "{}") as SavedMeta;
      const blob = await hit.blob();
      return blob.size === meta.bytes ? { blob, meta } : null;
    },
    async remove(file) {
      parts.delete(file);
      if (typeof caches !== "undefined") await (await caches.open(DIR)).delete(key(file));
    },
  };
}

let store: Promise<WeightStore> | null = null;

/** The best store this browser offers (asked once). */
export function weightStore(): Promise<WeightStore> {
  store ??= opfsDir().then((dir) => (dir ? opfsStore(dir) : cacheStore()));
  return store;
}
