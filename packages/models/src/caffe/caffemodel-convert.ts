// A .caffemodel to safetensors: every blob becomes one tensor named by caffeTensorName
// (`conv1/7x7_s2.weight`, `loss3/classifier.bias`), in Caffe's own layout (OIHW convolutions,
// [out, in] InnerProduct weights), F32 or F16. Layers without blobs contribute nothing.
// Given the deploy prototxt (and labels), the file carries them in its metadata like the
// shipped GoogLeNet (scripts/convert-caffe-raw.ts), so loadCaffeSafetensors needs nothing else;
// then only the prototxt's layers are kept (a training snapshot's auxiliary classifiers go).

import { encodeF16 } from "../safetensors/half.ts";
import { type TensorToWrite, writeSafetensors } from "../safetensors/writer.ts";
import { caffeBlobRole, caffeTensorName } from "./blob.ts";
import { CaffeError, type Caffemodel, readCaffemodel } from "./caffemodel.ts";
import { caffeNetSpec } from "./net-spec.ts";

export interface CaffeToSafetensorsOptions {
  /** Store half-precision floats (half the bytes; about 3 significant decimal digits). */
  f16?: boolean;
  /** The deploy prototxt: stored in the metadata, and only its layers' blobs are kept. */
  prototxt?: string;
  /** Class labels, one per line (synset_words.txt), stored in the metadata. */
  labels?: string;
}

export interface CaffeConversion {
  tensors: Map<string, TensorToWrite>;
  metadata: Record<string, string>;
  /** Layers with blobs that the prototxt does not have, left out. */
  dropped: string[];
}

/** The largest finite F16 value: anything larger would become infinity. */
const F16_MAX = 65504;

/** The tensors and metadata of the safetensors file for `model`. */
export function caffeConversion(
  model: Caffemodel,
  options: CaffeToSafetensorsOptions = {},
): CaffeConversion {
  const spec = options.prototxt === undefined ? undefined : caffeNetSpec(options.prototxt);
  const wanted = spec && new Set(spec.layers.map((l) => l.name));
  const tensors = new Map<string, TensorToWrite>();
  const dropped: string[] = [];
  for (const layer of model.layers) {
    if (wanted && !wanted.has(layer.name)) {
      if (layer.blobs.length) dropped.push(layer.name);
      continue;
    }
    layer.blobs.forEach((blob, i) => {
      const name = caffeTensorName(layer.name, layer.type, i);
      if (tensors.has(name)) {
        throw new CaffeError(`layer "${layer.name}"`, `tensor name "${name}" is used twice`);
      }
      const worst = options.f16 ? blob.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0) : 0;
      if (worst > F16_MAX) {
        throw new CaffeError(
          `layer "${layer.name}" blob ${i}`,
          `holds ${worst}, over F16's largest value ${F16_MAX}; convert without --f16`,
        );
      }
      tensors.set(name, {
        dtype: options.f16 ? "F16" : "F32",
        shape: blob.shape,
        data: options.f16 ? encodeF16(blob.data) : blob.data,
      });
    });
  }
  // A prototxt layer that takes weights must find them (its first blob, the weight).
  for (const layer of spec?.layers ?? []) {
    const weight = caffeTensorName(layer.name, layer.type, 0);
    if (caffeBlobRole(layer.type, 0) !== "blob0" && !tensors.has(weight)) {
      throw new CaffeError(
        "NetParameter",
        `the prototxt's ${layer.type} layer "${layer.name}" has no weights in this caffemodel`,
      );
    }
  }
  const format = model.format === "v1" ? "legacy V1 `layers`" : "current `layer`";
  const metadata: Record<string, string> = {
    format: "caffe",
    source: `converted from a .caffemodel (${format} format) by sheep weights convert`,
  };
  const net = model.name ?? spec?.name;
  if (net !== undefined) metadata.net = net;
  if (options.prototxt !== undefined) metadata.prototxt = options.prototxt;
  if (options.labels !== undefined) metadata.labels = options.labels.trimEnd();
  return { tensors, metadata, dropped };
}

/** Converts a .caffemodel's bytes into a safetensors file's bytes. */
export function caffemodelToSafetensors(
  bytes: Uint8Array,
  options: CaffeToSafetensorsOptions = {},
): Uint8Array {
  const { tensors, metadata } = caffeConversion(readCaffemodel(bytes), options);
  return writeSafetensors(tensors, metadata);
}
