// Safetensors on the Node file system: a TensorSource that reads only the byte ranges asked
// for (never the whole file), and a writer that streams tensors to disk one at a time and
// renames the finished file into place, so a crash never leaves a half-written model behind.
// Kept apart from index.ts because browser bundles must not import `node:fs`.

import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import type { DecodedTensor } from "./decode.ts";
import { type InspectResult, inspect } from "./inspect.ts";
import { loadSafetensors } from "./reader.ts";
import type { TensorSource } from "./source.ts";
import { type NamedTensors, planSafetensors, type TensorSpec, tensorBytes } from "./writer.ts";

export interface FileSource extends TensorSource {
  readonly path: string;
  /** Bytes read from disk so far: proof that loading one tensor reads only that tensor. */
  readonly bytesRead: number;
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  let bytesRead = 0;
  return {
    path,
    size,
    get bytesRead() {
      return bytesRead;
    },
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let filled = 0;
      // A read may return fewer bytes than asked; 0 means end of file (the caller reports it).
      while (filled < length) {
        const r = await handle.read(buffer, filled, length - filled, offset + filled);
        if (r.bytesRead === 0) break;
        filled += r.bytesRead;
      }
      bytesRead += filled;
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/** Opens a file, decodes the named tensors (or all), and closes it. */
export async function readSafetensorsFile(
  path: string,
  names?: Iterable<string>,
): Promise<Map<string, DecodedTensor>> {
  const source = await openFileSource(path);
  try {
    return await loadSafetensors(source, names);
  } finally {
    await source.close();
  }
}

export async function inspectFile(path: string): Promise<InspectResult> {
  const source = await openFileSource(path);
  try {
    return await inspect(source);
  } finally {
    await source.close();
  }
}

/** Tensor data now, or a function that produces it when the writer gets to that tensor. */
export type LazyData = ArrayBufferView | (() => ArrayBufferView | Promise<ArrayBufferView>);

export interface TensorToWriteLazily extends TensorSpec {
  data: LazyData;
}

/**
 * Writes a safetensors file with the same bytes as `writeSafetensors`, holding at most one
 * tensor in memory when `data` is given as functions. Writes `path.<random>.tmp` next to the
 * destination, flushes it to disk, then renames it over `path` (atomic on one file system).
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: NamedTensors<TensorToWriteLazily>,
  metadata?: Record<string, string>,
): Promise<void> {
  const plan = planSafetensors(tensors, metadata);
  const get = (name: string) => (tensors instanceof Map ? tensors.get(name) : tensors[name])!;
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await writeAll(handle, plan.head);
    for (const t of plan.tensors) {
      const data = get(t.name).data;
      await writeAll(handle, tensorBytes(t, typeof data === "function" ? await data() : data));
    }
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (error) {
    await handle.close().catch(() => {}); // may already be closed
    await rm(tmp, { force: true });
    throw error;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
  }
}
