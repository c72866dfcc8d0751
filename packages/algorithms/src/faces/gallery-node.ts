// A face gallery from a folder: each picture directly inside names its person by its file name
// (a trailing "_2" or "-2" is dropped, so ann_1.jpg and ann_2.jpg are both "ann"); each
// sub-folder names a person holding all the pictures inside it.

import { readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { readImageFile } from "@sheep/io";
import type { GalleryItem } from "./faces.ts";

const IMAGE = /\.(png|jpe?g)$/i;

/** The person a picture directly in the gallery folder shows. */
export function personFromFile(file: string): string {
  return basename(file, extname(file)).replace(/[_-]\d+$/, "");
}

/** Every picture of the folder with its person's name, sorted by path; read and decoded. */
export async function galleryItemsFromFolder(dir: string): Promise<GalleryItem[]> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    throw new Error(`gallery folder ${dir} cannot be read (does it exist?)`);
  }
  const found: { name: string; source: string }[] = [];
  for (const n of names) {
    const path = join(dir, n);
    if (statSync(path).isDirectory()) {
      for (const f of readdirSync(path).sort()) {
        if (IMAGE.test(f)) found.push({ name: n, source: join(path, f) });
      }
    } else if (IMAGE.test(n)) found.push({ name: personFromFile(n), source: path });
  }
  if (found.length === 0) {
    throw new Error(
      `gallery folder ${dir} holds no PNG or JPEG pictures (name files after the person, ` +
        "e.g. ann.jpg, or use one sub-folder per person)",
    );
  }
  const items: GalleryItem[] = [];
  for (const f of found) items.push({ ...f, image: await readImageFile(f.source) });
  return items;
}
