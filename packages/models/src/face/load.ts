// Loading the face network from its converted safetensors file (see weights-node.ts for the
// conversion in Node; the browser demo serves the same file): every name and shape is checked
// against architecture.ts first, all problems in one error.

import type { BackendKind } from "@sheep/tensor";
import { SafetensorsReader } from "../safetensors/reader.ts";
import type { SourceInput } from "../safetensors/source.ts";
import { loadTensors } from "../tensors.ts";
import { checkWeights } from "../weights-check.ts";
import { faceParams } from "./architecture.ts";
import { FaceNet } from "./model.ts";

export async function loadFaceNet(
  input: SourceInput | SafetensorsReader,
  opts: { backend?: BackendKind } = {},
): Promise<FaceNet> {
  const reader = input instanceof SafetensorsReader ? input : await SafetensorsReader.open(input);
  const expected = new Map(faceParams().map((p) => [p.name, p.shape]));
  const actual = new Map(reader.names.map((n) => [n, reader.entry(n).shape]));
  checkWeights("the face network", expected, actual);
  return new FaceNet(await loadTensors(reader, [...expected.keys()], opts));
}
