// SqueezeNet v1.1 (the models package's shipped Caffe network) as a DreamModel: small and fast,
// for weak GPUs and CPU adapters. Its default dream layer is fire7/concat (384 channels, a
// sixteenth of the input's side), the middle of its eight fire modules.

import type { ImageNetCaffeModel } from "@sheep/models";
import type { DreamModel } from "../model.ts";
import { caffeDreamModel } from "./googlenet.ts";

export function squeezeNetDreamModel(m: ImageNetCaffeModel): DreamModel {
  return caffeDreamModel(m, "squeezenet");
}
