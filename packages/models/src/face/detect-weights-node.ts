// The face detector's and the landmark net's weights in Node, like the recognition net's
// (weights-node.ts): converted on first use from the TF.js files inside the npm package
// @vladmandic/face-api by our converter into safetensors files in the cache; then loaded.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BackendKind } from "@sheep/tensor";
import { cacheDir } from "../download/cache-dir.ts";
import { openFileSource, writeSafetensorsFile } from "../safetensors/node.ts";
import { landmarkParams, type TfjsParam, tinyDetectorParams } from "./detect-architecture.ts";
import { loadFaceLandmarkNet, loadTinyFaceDetector } from "./detect-load.ts";
import type { TinyFaceDetector } from "./detector.ts";
import type { FaceLandmarkNet } from "./landmarks.ts";
import { convertTfjsParams, tfjsSafetensorsInput } from "./tfjs-convert.ts";
import type { TfjsManifest } from "./tfjs-weights.ts";
import { concatShards } from "./tfjs-weights.ts";
import { faceApiModelDir } from "./weights-node.ts";

export const FACE_DETECTOR_FILE = "face-detector-tiny.safetensors";
export const FACE_LANDMARKS_FILE = "face-landmarks-68.safetensors";

/**
 * SHA-256 of our converter's output for face-api 1.7.15's files: the conversion is
 * deterministic, so the demo build and every cache hold these bytes (face-detect-convert.test).
 */
export const FACE_DETECT_SHA256 = {
  detector: "52bf62d7e7877bcd424a1000bc6882f908e039e3bcbfe6fba1983757685f99a2",
  landmarks: "427d2254cef9382095cca73b90186f42da92308df7a82b7f5190d8481afa78b1",
} as const;

interface Spec {
  tfModel: string;
  params: () => TfjsParam[];
  model: string;
  preprocessing: string;
}

const SPECS: Record<"detector" | "landmarks", Spec> = {
  detector: {
    tfModel: "tiny_face_detector_model",
    params: tinyDetectorParams,
    model: "face-api Tiny Face Detector (YOLOv2-style, depthwise-separable convs, 5 anchors)",
    preprocessing:
      "RGB, pad bottom/right to a square, resize to a multiple of 32, " +
      "(pixel - [117.001, 114.697, 97.404]) / 255",
  },
  landmarks: {
    tfModel: "face_landmark_68_model",
    params: landmarkParams,
    model: "face-api FaceLandmark68Net (68 points, iBUG 300-W order)",
    preprocessing:
      "RGB face crop, centred pad to a square, resize to 112x112, " +
      "(pixel - [122.782, 117.001, 104.298]) / 255",
  },
};

/** Convert one of face-api's detection models to a safetensors file at `dest`. */
export async function convertFaceApiModel(
  which: "detector" | "landmarks",
  dest: string,
): Promise<string> {
  const spec = SPECS[which];
  const dir = faceApiModelDir();
  const manifest = JSON.parse(
    readFileSync(join(dir, `${spec.tfModel}-weights_manifest.json`), "utf8"),
  ) as TfjsManifest;
  const bytes = concatShards(manifest, (p) => new Uint8Array(readFileSync(join(dir, p))));
  const weights = convertTfjsParams(spec.tfModel, spec.params(), manifest, bytes);
  const { tensors, metadata } = tfjsSafetensorsInput(weights, {
    model: spec.model,
    source: `@vladmandic/face-api model/${spec.tfModel} (TF.js, uint8-quantised)`,
    preprocessing: spec.preprocessing,
  });
  mkdirSync(dirname(dest), { recursive: true });
  await writeSafetensorsFile(dest, tensors, metadata);
  return dest;
}

/** The converted file in the cache, converting it on first use. */
export async function faceDetectWeightsPath(
  which: "detector" | "landmarks",
  cache = cacheDir(),
): Promise<string> {
  const file = which === "detector" ? FACE_DETECTOR_FILE : FACE_LANDMARKS_FILE;
  const path = join(cache, "weights", file);
  if (!existsSync(path)) await convertFaceApiModel(which, path);
  return path;
}

async function fromFile<T>(path: string, load: (s: never) => Promise<T>): Promise<T> {
  const source = await openFileSource(path);
  try {
    return await load(source as never);
  } finally {
    await source.close();
  }
}

/** The Tiny Face Detector from `path`, or from the cache (converting face-api's weights). */
export async function loadTinyFaceDetectorFile(
  path?: string,
  opts: { backend?: BackendKind } = {},
): Promise<TinyFaceDetector> {
  const file = path ?? (await faceDetectWeightsPath("detector"));
  return fromFile(file, (s) => loadTinyFaceDetector(s, opts));
}

/** The 68-point landmark net from `path`, or from the cache (converting face-api's weights). */
export async function loadFaceLandmarkNetFile(
  path?: string,
  opts: { backend?: BackendKind } = {},
): Promise<FaceLandmarkNet> {
  const file = path ?? (await faceDetectWeightsPath("landmarks"));
  return fromFile(file, (s) => loadFaceLandmarkNet(s, opts));
}
