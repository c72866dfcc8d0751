// Picture search in Node: the pictures of a folder as index sources, and index files read and
// written (atomically: an interrupted `sheep embed index` never leaves half an index behind).

import { readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { readImageFile, writeFileAtomic } from "@sheep/io";
import { decodeIndex, encodeIndex, type PictureIndex, type PictureSource } from "./search.ts";

const PICTURE = /\.(png|jpe?g)$/i;

/**
 * The PNG and JPEG files under dir (sub-folders too, hidden ones skipped), sorted by path, as
 * index sources named by their path relative to dir.
 */
export function folderPictures(dir: string): PictureSource[] {
  let top: ReturnType<typeof statSync>;
  try {
    top = statSync(dir);
  } catch {
    throw new Error(`${dir}: no such folder`);
  }
  if (!top.isDirectory()) throw new Error(`${dir} is not a folder`);
  const paths: string[] = [];
  const walk = (at: string) => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const p = join(at, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && PICTURE.test(e.name)) paths.push(p);
    }
  };
  walk(dir);
  paths.sort();
  if (paths.length === 0) throw new Error(`${dir} holds no .png or .jpg pictures`);
  return paths.map((p) => ({ name: relative(dir, p), load: () => readImageFile(p) }));
}

export async function writeIndexFile(path: string, index: PictureIndex): Promise<void> {
  await writeFileAtomic(path, encodeIndex(index));
}

export async function readIndexFile(path: string): Promise<PictureIndex> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new Error(`${path}: cannot read the index file`);
  }
  try {
    return await decodeIndex(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message.split("\n")[0]}`);
  }
}
