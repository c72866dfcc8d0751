// Writing a .caffemodel (Caffe's binary NetParameter) from layer weights: what the tests use to
// make files in every form the reader accepts, since the real ones cannot be downloaded here.
// Current form by default (field 100 `layer`, string types, `shape.dim`, packed floats); the
// options produce what older Caffe versions wrote: the V1 `layers` field with enum types,
// num/channels/height/width shapes, unpacked floats, or doubles.

import type { CaffeLayerWeights } from "./blob.ts";
import { CaffeError } from "./caffemodel-error.ts";
import { V1_LAYER_TYPE_NUMBERS } from "./net-spec.ts";
import { ProtoWriter } from "./proto-wire.ts";

export interface CaffemodelToWrite {
  name?: string;
  layers: readonly CaffeLayerWeights[];
}

export interface WriteCaffemodelOptions {
  /** "layer" (current, field 100) or "v1" (legacy `layers`, field 2, enum types). */
  format?: "layer" | "v1";
  /** "dims" (BlobShape, field 7) or "nchw" (legacy num/channels/height/width, at most 4 dims). */
  shape?: "dims" | "nchw";
  /** Floats "packed" (one run) or "unpacked" (one field per value), or doubles (double_data). */
  values?: "packed" | "unpacked" | "double" | "double-unpacked";
  /** Pack BlobShape's dims (protobuf's default for proto3; Caffe declares them packed). */
  packedDims?: boolean;
}

export function writeCaffemodel(
  model: CaffemodelToWrite,
  options: WriteCaffemodelOptions = {},
): Uint8Array {
  const net = new ProtoWriter();
  if (model.name !== undefined) net.string(1, model.name);
  for (const layer of model.layers) {
    const w = new ProtoWriter();
    if (options.format === "v1") {
      const type = v1TypeNumber(layer.type);
      if (type === undefined) {
        throw new CaffeError(`layer "${layer.name}"`, `type "${layer.type}" has no V1 enum value`);
      }
      w.string(4, layer.name);
      w.varint(5, type);
      for (const blob of layer.blobs)
        w.message(6, blobMessage(layer, blob.shape, blob.data, options));
      net.message(2, w);
    } else {
      w.string(1, layer.name);
      w.string(2, layer.type);
      for (const blob of layer.blobs)
        w.message(7, blobMessage(layer, blob.shape, blob.data, options));
      net.message(100, w);
    }
  }
  return net.finish();
}

function blobMessage(
  layer: CaffeLayerWeights,
  shape: readonly number[],
  data: Float32Array,
  options: WriteCaffemodelOptions,
): ProtoWriter {
  const b = new ProtoWriter();
  if (options.shape === "nchw") {
    if (shape.length > 4) {
      throw new CaffeError(`layer "${layer.name}"`, `shape [${shape}] has more than 4 dims`);
    }
    // Old Caffe padded shapes on the left with 1s: a bias [64] was 1 × 1 × 1 × 64.
    const nchw = [...Array(4 - shape.length).fill(1), ...shape];
    for (let i = 0; i < 4; i++) b.varint(i + 1, nchw[i]);
  } else {
    const s = new ProtoWriter();
    if (options.packedDims === false) for (const d of shape) s.varint(1, d);
    else {
      const dims = new ProtoWriter();
      for (const d of shape) dims.rawVarint(d);
      s.bytes(1, dims.finish());
    }
    b.message(7, s);
  }
  const values = options.values ?? "packed";
  const double = values === "double" || values === "double-unpacked";
  const bytes = new Uint8Array(data.length * (double ? 8 : 4));
  const view = new DataView(bytes.buffer);
  if (double) {
    for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
    if (values === "double") b.bytes(8, bytes);
    else for (let i = 0; i < data.length; i++) b.fixed64(8, bytes.subarray(8 * i, 8 * i + 8));
  } else {
    for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
    if (values === "packed") b.bytes(5, bytes);
    else for (let i = 0; i < data.length; i++) b.fixed32(5, bytes.subarray(4 * i, 4 * i + 4));
  }
  return b;
}

/** The V1 enum number of a type string; undefined where V1 had none. */
function v1TypeNumber(type: string): number | undefined {
  for (const [n, name] of Object.entries(V1_LAYER_TYPE_NUMBERS))
    if (name === type) return Number(n);
  return undefined;
}
