// The Node side of downloads: the partial file is `<dest>.part` next to the destination, hashed
// with node:crypto, and renamed into place when complete (rename is atomic on one file system,
// so `dest` either does not exist or is the whole, verified file).

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type DownloadResult,
  type Hasher,
  type PartFile,
  type ResumableOptions,
  resumableDownload,
} from "./resumable.ts";

export interface DownloadOptions extends ResumableOptions {
  /** The finished file's path. The download runs in `dest + ".part"`. */
  dest: string;
}

export interface NodeDownloadResult extends DownloadResult {
  path: string;
}

/** Downloads `url` to `options.dest`, resuming a `.part` file left by an earlier run. */
export async function download(url: string, options: DownloadOptions): Promise<NodeDownloadResult> {
  await mkdir(dirname(options.dest), { recursive: true });
  const result = await resumableDownload(url, filePart(options.dest), sha256Hasher, {
    sha1Hasher,
    ...options,
  });
  return { ...result, path: options.dest };
}

export function sha256Hasher(): Hasher {
  const hash = createHash("sha256");
  return {
    update: (bytes) => hash.update(bytes),
    digest: () => hash.digest("hex"),
  };
}

export function sha1Hasher(): Hasher {
  const hash = createHash("sha1");
  return {
    update: (bytes) => hash.update(bytes),
    digest: () => hash.digest("hex"),
  };
}

/** SHA-256 of a file, read as a stream (a 550 MB file never sits in memory). */
export async function sha256File(path: string): Promise<string> {
  return hashFile(path, "sha256");
}

/** SHA-1 of a file, as a stream (the digest Caffe's model zoo publishes). */
export async function sha1File(path: string): Promise<string> {
  return hashFile(path, "sha1");
}

async function hashFile(path: string, algorithm: "sha1" | "sha256"): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** `dest.part` as a PartFile. One append-mode handle stays open while bytes arrive. */
export function filePart(dest: string): PartFile {
  const path = `${dest}.part`;
  let handle: FileHandle | undefined;
  const opened = async () => {
    handle ??= await open(path, "a");
    return handle;
  };
  const close = async () => {
    await handle?.close();
    handle = undefined;
  };
  return {
    async size() {
      try {
        return (await stat(path)).size;
      } catch {
        return 0;
      }
    },
    read: () => createReadStream(path),
    async append(bytes) {
      const h = await opened();
      for (let done = 0; done < bytes.length; ) {
        done += (await h.write(bytes, done, bytes.length - done)).bytesWritten;
      }
    },
    async truncate() {
      await close();
      await writeFile(path, new Uint8Array(0));
    },
    async commit() {
      const h = await opened(); // creates the file even for a 0-byte download
      await h.sync();
      await close();
      await rename(path, dest);
    },
    async discard() {
      await close();
      await rm(path, { force: true });
    },
    close,
  };
}
