// Loading the face detector and the landmark net from their converted safetensors files (made
// in Node by detect-weights-node.ts; the demo serves the same files): every name and shape is
// checked against detect-architecture.ts first, all problems in one error.

import type { BackendKind } from "@sheep/tensor";
import { SafetensorsReader } from "../safetensors/reader.ts";
import type { SourceInput } from "../safetensors/source.ts";
import { loadTensors } from "../tensors.ts";
import { checkWeights } from "../weights-check.ts";
import { landmarkParams, type TfjsParam, tinyDetectorParams } from "./detect-architecture.ts";
import { TinyFaceDetector } from "./detector.ts";
import { FaceLandmarkNet } from "./landmarks.ts";

async function loadChecked(
  what: string,
  params: TfjsParam[],
  input: SourceInput | SafetensorsReader,
  backend?: BackendKind,
) {
  const reader = input instanceof SafetensorsReader ? input : await SafetensorsReader.open(input);
  const expected = new Map(params.map((p) => [p.name, p.shape]));
  const actual = new Map(reader.names.map((n) => [n, reader.entry(n).shape]));
  checkWeights(what, expected, actual);
  return loadTensors(reader, [...expected.keys()], { backend });
}

export async function loadTinyFaceDetector(
  input: SourceInput | SafetensorsReader,
  opts: { backend?: BackendKind } = {},
): Promise<TinyFaceDetector> {
  const w = await loadChecked("the face detector", tinyDetectorParams(), input, opts.backend);
  return new TinyFaceDetector(w);
}

export async function loadFaceLandmarkNet(
  input: SourceInput | SafetensorsReader,
  opts: { backend?: BackendKind } = {},
): Promise<FaceLandmarkNet> {
  const w = await loadChecked("the landmark net", landmarkParams(), input, opts.backend);
  return new FaceLandmarkNet(w);
}
