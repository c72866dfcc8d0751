// The face pipeline's three networks in Node, their weights converted on first use from the
// npm package @vladmandic/face-api into the cache (see @sheep/models face/*-node.ts).

import {
  loadFaceLandmarkNetFile,
  loadFaceNetFile,
  loadTinyFaceDetectorFile,
} from "@sheep/models/node";
import type { BackendKind } from "@sheep/tensor";
import type { FaceModels } from "./faces.ts";

export async function loadFaceModels(opts: { backend?: BackendKind } = {}): Promise<FaceModels> {
  return {
    detector: await loadTinyFaceDetectorFile(undefined, opts),
    landmarks: await loadFaceLandmarkNetFile(undefined, opts),
    recognizer: await loadFaceNetFile(undefined, opts),
  };
}
