// The DCGAN page's real images, served by the app (static/data/, built by
// scripts/dcgan-data.ts): per data set 3,000 training images and 1,000 held-out ones, as gzipped
// IDX files, so training and FID work offline.

import { type ImageSet, imageSet } from "@sheep/algorithms";
import { parseIdx } from "@sheep/io/browser";

export type DcganData = "mnist" | "fashion-mnist";

export const DCGAN_DATA = {
  train: 3000,
  heldOut: 1000,
  file: (name: string, what: string) => `dcgan-${name}-${what}.idx.gz`,
};

/** What the build script writes beside the batches: class names, counts and sources. */
interface Manifest {
  [name: string]: { classNames: string[]; train: number; heldOut: number; source: string };
}

async function gunzipped(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: the app's data batch is missing (HTTP ${res.status})`);
  const stream = res.body!.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface DcganBatches {
  train: ImageSet;
  heldOut: ImageSet;
}

const cache = new Map<DcganData, Promise<DcganBatches>>();

/** The training and held-out sets of a data set (fetched once per page). */
export function dcganBatches(name: DcganData): Promise<DcganBatches> {
  let p = cache.get(name);
  if (!p) {
    p = load(name);
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}

async function load(name: DcganData): Promise<DcganBatches> {
  const manifest = (await (await fetch("data/dcgan-data.json")).json()) as Manifest;
  const [images, labels] = await Promise.all(
    ["images", "labels"].map(async (what) => {
      const file = DCGAN_DATA.file(name, what);
      return parseIdx(await gunzipped(`data/${file}`), file);
    }),
  );
  const n = labels.shape[0];
  if (images.shape[0] !== n || n !== DCGAN_DATA.train + DCGAN_DATA.heldOut) {
    throw new Error(`${name}: data batch has ${images.shape[0]} images and ${n} labels`);
  }
  const unit = Float32Array.from(images.data, (b) => b / 255);
  const cut = DCGAN_DATA.train;
  const set = (from: number, to: number) =>
    imageSet(
      name,
      unit.subarray(from * 784, to * 784),
      Int32Array.from(labels.data.subarray(from, to)),
      manifest[name].classNames,
    );
  return { train: set(0, cut), heldOut: set(cut, n) };
}
