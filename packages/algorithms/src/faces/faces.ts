// Faces in ordinary photos, on the engine: find them (Tiny Face Detector), place 68 landmarks
// on each, align each to dlib's 150×150 chip (align.ts), and describe it with the dlib ResNet
// (128-D; faces of one person lie within about 0.6 of each other, dlib's threshold). Then
// verification (two photos: same person?) and identification (a named gallery).

import type { RgbaImage } from "@sheep/io";
import {
  clipRect,
  type DetectOptions,
  type FaceBox,
  type FaceLandmarkNet,
  type FaceNet,
  type Point,
  prepareFaceImage,
  type TinyFaceDetector,
} from "@sheep/models";
import { tensor } from "@sheep/tensor";
import { alignFace, FACE_CHIP, type Similarity } from "./align.ts";

/** The three networks the face pipeline runs. */
export interface FaceModels {
  detector: TinyFaceDetector;
  landmarks: FaceLandmarkNet;
  recognizer: FaceNet;
}

/** A face found in an image. */
export interface Face {
  /** The detector's box, in the image's pixels, and its confidence. */
  box: FaceBox;
  /** 68 points (iBUG 300-W order: jaw 0–16, brows, nose 27–35, eyes 36–47, mouth 48–67). */
  landmarks: Point[];
  /** The aligned 150×150 chip, RGB planes [3, 150, 150] in [0, 1]. */
  chip: Float32Array;
  /** Image → chip coordinates. */
  transform: Similarity;
}

export interface FaceProgress {
  stage: "detect" | "landmarks" | "describe";
  done: number;
  total: number;
}

export interface FindFacesOptions extends DetectOptions {
  onProgress?: (p: FaceProgress) => void;
}

/** dlib's decision threshold on the Euclidean distance between two descriptors. */
export const DLIB_THRESHOLD = 0.6;

/** Thrown when an image holds no face the detector can see; the message says what to try. */
export class NoFaceError extends Error {
  constructor(what: string, opts: DetectOptions) {
    super(
      `no face found in ${what} (detector input ${opts.inputSize ?? 416}, score > ` +
        `${opts.scoreThreshold ?? 0.5}): try a larger input size (e.g. 608) for small faces, ` +
        "a lower score threshold (e.g. 0.3), or a photo where the face is frontal, lit and " +
        "at least ~40 px wide",
    );
    this.name = "NoFaceError";
  }
}

/**
 * RGB planes in [0, 1] of an RGBA image, transparent pixels over white (as @sheep/io's
 * imageToNCHW, which this browser-safe module cannot import at run time).
 */
export function rgbPlanes(image: RgbaImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) {
    const a = image.data[4 * p + 3] / 255;
    for (let c = 0; c < 3; c++) out[c * n + p] = (a * image.data[4 * p + c] + (1 - a) * 255) / 255;
  }
  return out;
}

/**
 * Every face in `image`, largest box first: box, 68 landmarks and the aligned chip. An image
 * without faces gives an empty list (see NoFaceError for callers that need one).
 */
export async function findFaces(
  models: FaceModels,
  image: RgbaImage,
  opts: FindFacesOptions = {},
): Promise<Face[]> {
  const x = tensor(rgbPlanes(image), {
    shape: [1, 3, image.height, image.width],
    like: models.detector.parameters()[0],
  });
  opts.onProgress?.({ stage: "detect", done: 0, total: 1 });
  const boxes = await models.detector.detect(x, opts);
  boxes.sort((a, b) => b.width * b.height - a.width * a.height);
  opts.onProgress?.({ stage: "detect", done: 1, total: 1 });
  const faces: Face[] = [];
  for (const [i, box] of boxes.entries()) {
    const rect = clipRect(box, image.width, image.height);
    if (rect.width < 2 || rect.height < 2) continue;
    const landmarks = await models.landmarks.landmarks(x, rect);
    const { chip, transform } = alignFace(image, landmarks);
    faces.push({ box, landmarks, chip, transform });
    opts.onProgress?.({ stage: "landmarks", done: i + 1, total: boxes.length });
  }
  return faces;
}

/** 128-D descriptors of aligned chips, one batch through the recognition network. */
export async function describeChips(
  net: FaceNet,
  chips: readonly Float32Array[],
): Promise<Float32Array[]> {
  if (chips.length === 0) return [];
  const s = FACE_CHIP.size;
  const plane = 3 * s * s;
  const batch = new Float32Array(chips.length * plane);
  for (const [i, c] of chips.entries()) batch.set(c, i * plane);
  const x = tensor(batch, { shape: [chips.length, 3, s, s], like: net.parameters()[0] });
  const out = (await net.embed(prepareFaceImage(x)).data()) as Float32Array;
  return chips.map((_, i) => Float32Array.from(out.subarray(i * 128, (i + 1) * 128)));
}

/** Faces and their descriptors, largest face first. */
export async function faceDescriptors(
  models: FaceModels,
  image: RgbaImage,
  opts: FindFacesOptions = {},
): Promise<{ faces: Face[]; descriptors: Float32Array[] }> {
  const faces = await findFaces(models, image, opts);
  opts.onProgress?.({ stage: "describe", done: 0, total: 1 });
  const descriptors = await describeChips(
    models.recognizer,
    faces.map((f) => f.chip),
  );
  opts.onProgress?.({ stage: "describe", done: 1, total: 1 });
  return { faces, descriptors };
}

/** Euclidean distance between two descriptors. */
export function faceDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new Error(`descriptors differ in length: ${a.length}, ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** One chosen face of an image: which (0 = largest), out of how many, with its descriptor. */
export interface ChosenFace {
  index: number;
  found: number;
  face: Face;
  descriptor: Float32Array;
}

/**
 * The face `index` (0 = largest, the default) of an image; throws NoFaceError without faces
 * and a clear error when `index` is out of range.
 */
export async function chooseFace(
  models: FaceModels,
  image: RgbaImage,
  what: string,
  opts: FindFacesOptions & { face?: number } = {},
): Promise<ChosenFace> {
  const faces = await findFaces(models, image, opts);
  if (faces.length === 0) throw new NoFaceError(what, opts);
  const index = opts.face ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= faces.length) {
    throw new Error(
      `${what} has ${faces.length} face${faces.length === 1 ? "" : "s"}; face number ` +
        `${index + 1} does not exist (faces are numbered 1 = largest to ${faces.length})`,
    );
  }
  const [descriptor] = await describeChips(models.recognizer, [faces[index].chip]);
  return { index, found: faces.length, face: faces[index], descriptor };
}

export interface VerifyOptions extends FindFacesOptions {
  /** Same person when the distance is below this (default dlib's 0.6). */
  threshold?: number;
  /** Which face of each image (0 = largest, the default). */
  faceA?: number;
  faceB?: number;
}

export interface VerifyResult {
  distance: number;
  same: boolean;
  threshold: number;
  a: ChosenFace;
  b: ChosenFace;
}

function checkThreshold(t: number): number {
  if (!(Number.isFinite(t) && t > 0))
    throw new Error(`threshold must be a positive number, got ${t}`);
  return t;
}

/** Are the (largest, or chosen) faces of two photos the same person? */
export async function verifyFaces(
  models: FaceModels,
  a: RgbaImage,
  b: RgbaImage,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const threshold = checkThreshold(opts.threshold ?? DLIB_THRESHOLD);
  const fa = await chooseFace(models, a, "the first image", { ...opts, face: opts.faceA });
  const fb = await chooseFace(models, b, "the second image", { ...opts, face: opts.faceB });
  const distance = faceDistance(fa.descriptor, fb.descriptor);
  return { distance, same: distance < threshold, threshold, a: fa, b: fb };
}

/** A named set of face descriptors; a person may have several. */
export interface Gallery {
  entries: { name: string; source: string; descriptor: Float32Array }[];
}

export interface GalleryItem {
  name: string;
  /** Where the picture came from (a path), for messages. */
  source: string;
  image: RgbaImage;
}

/**
 * A gallery from named pictures: the largest face of each. Pictures without a face are
 * listed in `skipped` rather than failing the whole gallery.
 */
export async function buildGallery(
  models: FaceModels,
  items: readonly GalleryItem[],
  opts: FindFacesOptions & { onItem?: (done: number, total: number) => void } = {},
): Promise<{ gallery: Gallery; skipped: string[] }> {
  const gallery: Gallery = { entries: [] };
  const skipped: string[] = [];
  for (const [i, item] of items.entries()) {
    const faces = await findFaces(models, item.image, opts);
    if (faces.length === 0) skipped.push(item.source);
    else {
      const [descriptor] = await describeChips(models.recognizer, [faces[0].chip]);
      gallery.entries.push({ name: item.name, source: item.source, descriptor });
    }
    opts.onItem?.(i + 1, items.length);
  }
  return { gallery, skipped };
}

export interface Identification {
  /** The closest person within the threshold, or "unknown". */
  name: string;
  distance: number;
  threshold: number;
  /** Each person's smallest distance to the query, closest first. */
  distances: { name: string; distance: number }[];
}

/** The gallery person closest to a descriptor, or "unknown" when none is within `threshold`. */
export function identifyDescriptor(
  gallery: Gallery,
  descriptor: ArrayLike<number>,
  threshold = DLIB_THRESHOLD,
): Identification {
  checkThreshold(threshold);
  if (gallery.entries.length === 0) throw new Error("the gallery is empty: no named faces");
  const best = new Map<string, number>();
  for (const e of gallery.entries) {
    const d = faceDistance(e.descriptor, descriptor);
    best.set(e.name, Math.min(d, best.get(e.name) ?? Number.POSITIVE_INFINITY));
  }
  const distances = [...best].map(([name, distance]) => ({ name, distance }));
  distances.sort((p, q) => p.distance - q.distance);
  const top = distances[0];
  return {
    name: top.distance < threshold ? top.name : "unknown",
    distance: top.distance,
    threshold,
    distances,
  };
}

/** Who is the (largest, or chosen) face of `image`, against a gallery? */
export async function identifyFace(
  models: FaceModels,
  gallery: Gallery,
  image: RgbaImage,
  opts: FindFacesOptions & { threshold?: number; face?: number } = {},
): Promise<Identification & { query: ChosenFace }> {
  const query = await chooseFace(models, image, "the image", opts);
  return { ...identifyDescriptor(gallery, query.descriptor, opts.threshold), query };
}
