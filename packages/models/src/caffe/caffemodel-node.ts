// Caffe models from files (Node): read a .caffemodel from disk, convert it to a safetensors
// file (written tensor by tensor, renamed into place when complete), summarise it.

import { readFile } from "node:fs/promises";
import { writeSafetensorsFile } from "../safetensors/node.ts";
import { type Caffemodel, readCaffemodel } from "./caffemodel.ts";
import { type CaffeToSafetensorsOptions, caffeConversion } from "./caffemodel-convert.ts";

export async function readCaffemodelFile(path: string): Promise<Caffemodel> {
  return readCaffemodel(new Uint8Array(await readFile(path)));
}

export interface ConvertResult {
  tensors: number;
  parameters: number;
  model: Caffemodel;
  /** Layers with blobs left out because the prototxt has no such layer. */
  dropped: string[];
}

/** `sheep weights convert FILE.caffemodel --out FILE.safetensors [--f16]`. */
export async function convertCaffemodelFile(
  input: string,
  output: string,
  options: CaffeToSafetensorsOptions = {},
): Promise<ConvertResult> {
  const model = await readCaffemodelFile(input);
  const { tensors, metadata, dropped } = caffeConversion(model, options);
  await writeSafetensorsFile(output, tensors, metadata);
  let parameters = 0;
  for (const t of tensors.values()) parameters += t.shape.reduce((a, b) => a * b, 1);
  return { tensors: tensors.size, parameters, model, dropped };
}
