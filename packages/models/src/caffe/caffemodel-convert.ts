// A .caffemodel to safetensors: every blob becomes one tensor named by caffeTensorName
// (`conv1/7x7_s2.weight`, `loss3/classifier.bias`), in Caffe's own layout (OIHW convolutions,
// [out, in] InnerProduct weights), F32 or F16. Layers without blobs contribute nothing.

import { encodeF16 } from "../safetensors/half.ts";
import { type TensorToWrite, writeSafetensors } from "../safetensors/writer.ts";
import { type CaffeLayerWeights, caffeTensorName } from "./blob.ts";
import { CaffeError, type Caffemodel, readCaffemodel } from "./caffemodel.ts";

export interface CaffeToSafetensorsOptions {
  /** Store half-precision floats (half the bytes; about 3 significant decimal digits). */
  f16?: boolean;
}

/** The largest finite F16 value: anything larger would become infinity. */
const F16_MAX = 65504;

/** The tensors a safetensors file of these layers holds, by name, in layer order. */
export function caffeTensors(
  layers: readonly CaffeLayerWeights[],
  options: CaffeToSafetensorsOptions = {},
): Map<string, TensorToWrite> {
  const tensors = new Map<string, TensorToWrite>();
  for (const layer of layers) {
    layer.blobs.forEach((blob, i) => {
      const name = caffeTensorName(layer.name, layer.type, i);
      if (tensors.has(name)) {
        throw new CaffeError(`layer "${layer.name}"`, `tensor name "${name}" is used twice`);
      }
      if (options.f16) {
        const worst = blob.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        if (worst > F16_MAX) {
          throw new CaffeError(
            `layer "${layer.name}" blob ${i}`,
            `holds ${worst}, over F16's largest value ${F16_MAX}; convert without --f16`,
          );
        }
      }
      tensors.set(name, {
        dtype: options.f16 ? "F16" : "F32",
        shape: blob.shape,
        data: options.f16 ? encodeF16(blob.data) : blob.data,
      });
    });
  }
  return tensors;
}

/** What the converted file records about where it came from (safetensors `__metadata__`). */
export function caffeMetadata(model: Caffemodel): Record<string, string> {
  const meta: Record<string, string> = { source: "caffemodel", caffe_format: model.format };
  if (model.name !== undefined) meta.caffe_net = model.name;
  return meta;
}

/** Converts a .caffemodel's bytes into a safetensors file's bytes. */
export function caffemodelToSafetensors(
  bytes: Uint8Array,
  options: CaffeToSafetensorsOptions = {},
): Uint8Array {
  const model = readCaffemodel(bytes);
  return writeSafetensors(caffeTensors(model.layers, options), caffeMetadata(model));
}
