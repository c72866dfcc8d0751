// What the DCGAN page's sections share: the shipped generators and classifiers (fetched once,
// served by the app), drawing 28×28 batches as grids, and FID of a batch against the held-out
// real images on the classifier features the library scores with (gan/dcgan/features.ts).

import {
  embedImages,
  type Features,
  featureTap,
  fid,
  type LoadedClassifier,
  type LoadedGenerator,
  loadGenerator,
  loadSmallClassifier,
  PIXELS,
  tileGrid,
} from "@sheep/algorithms";
import { drawRgba } from "../image/canvas.ts";
import { h } from "../ui/dom.ts";
import { type DcganData, dcganBatches } from "./dcgan-data.ts";

async function bytesOf(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: the app's file is missing (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

const generators = new Map<DcganData, Promise<LoadedGenerator>>();
const classifiers = new Map<DcganData, Promise<LoadedClassifier>>();
const heldFeatures = new Map<DcganData, Promise<Features>>();

function once<T>(cache: Map<DcganData, Promise<T>>, key: DcganData, make: () => Promise<T>) {
  let p = cache.get(key);
  if (!p) {
    p = make();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** The shipped generator for a data set (packages/algorithms/weights/dcgan-*.safetensors). */
export function shippedGenerator(name: DcganData): Promise<LoadedGenerator> {
  return once(generators, name, async () =>
    loadGenerator(await bytesOf(`models/dcgan-${name}.safetensors`)),
  );
}

/** The classifier whose features score a data set: LeNet for MNIST, the small CNN for Fashion. */
function classifierOf(name: DcganData): Promise<LoadedClassifier> {
  const file = name === "mnist" ? "lenet-mnist" : "fashion-cnn";
  return once(classifiers, name, async () =>
    loadSmallClassifier(file, await bytesOf(`models/${file}.safetensors`)),
  );
}

/** A result canvas showing images [n·784] in [−1, 1] as a grid `cols` wide, `scale`× larger. */
export function drawGrid(
  canvas: HTMLCanvasElement,
  images: Float32Array,
  cols: number,
  scale = 2,
): void {
  const img = tileGrid(images, cols, scale);
  canvas.width = img.width;
  canvas.height = img.height;
  drawRgba(canvas, img);
  canvas.dataset.filled = "";
}

export function gridCanvas(id: string, label: string): HTMLCanvasElement {
  return h("canvas", { id, class: "result", role: "img", "aria-label": label });
}

export interface FidResult {
  fid: number;
  /** The same-n floor: real training images against the same held-out set. */
  floor: number;
  n: number;
  heldOut: number;
  features: string;
}

/**
 * FID of `images` against the held-out batch, and of as many real training images (the floor
 * at this n: FID is biased upwards at small n, so only same-n figures compare).
 */
export async function fidOnScreen(name: DcganData, images: Float32Array): Promise<FidResult> {
  const n = images.length / PIXELS;
  if (!Number.isInteger(n) || n < 2) throw new Error("FID needs at least 2 whole images");
  const { model } = await classifierOf(name);
  const { train, heldOut } = await dcganBatches(name);
  const real = await once(
    heldFeatures,
    name,
    async () => (await embedImages(model, heldOut.x)).feats,
  );
  const fake = (await embedImages(model, images)).feats;
  const same = (await embedImages(model, train.x.subarray(0, n * PIXELS))).feats;
  return {
    fid: fid(real, fake),
    floor: fid(real, same),
    n,
    heldOut: heldOut.n,
    features: `${model.name}:${featureTap(model)}`,
  };
}

/** FID in words, with its n stated (small samples are not comparable with published FIDs). */
export function describeFid(r: FidResult): string {
  return (
    `FID ${r.fid.toFixed(1)} — a small-sample FID: n = ${r.n} generated images vs ` +
    `${r.heldOut} held-out real ones, ${r.features} features. Real training images at the same ` +
    `n score ${r.floor.toFixed(1)} (the floor at this n); compare only figures with equal n.`
  );
}

/** A button and an output line that score whatever `images()` returns (the grid on screen). */
export function fidControl(
  id: string,
  data: () => DcganData,
  images: () => Float32Array | null,
): HTMLElement {
  const out = h("p", { id: `${id}-out`, class: "caption", role: "status" });
  const button = h("button", { id, type: "button" }, "FID of these samples");
  button.addEventListener("click", async () => {
    const batch = images();
    if (!batch) {
      out.textContent = "Nothing on screen to score yet.";
      return;
    }
    button.disabled = true;
    out.textContent = "scoring…";
    try {
      out.textContent = describeFid(await fidOnScreen(data(), batch));
    } catch (e) {
      out.textContent = `FID failed: ${(e as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "row" }, button, out);
}
