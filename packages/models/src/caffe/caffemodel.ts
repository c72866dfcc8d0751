// Reading a binary .caffemodel: Caffe's `NetParameter` message, serialised with protobuf.
// Only the learned weights are read (each layer's name, type and blobs); the architecture
// comes from the deploy .prototxt. Browser-safe: takes bytes, imports nothing from Node.
//
// The fields read, from caffe.proto (everything else is skipped by its wire type):
//   NetParameter      1 name · 100 layer (LayerParameter) · 2 layers (V1LayerParameter, legacy)
//   LayerParameter    1 name · 2 type (string) · 7 blobs
//   V1LayerParameter  4 name · 5 type (enum: V1_LAYER_TYPE_NUMBERS in net-spec.ts) · 6 blobs
//                     · 1 layer (V0LayerParameter, older still: refused with a clear error)
//   BlobProto         7 shape (BlobShape: 1 dim, int64, packed or not) · 1 num · 2 channels
//                     · 3 height · 4 width (the legacy shape) · 5 data (float, packed or not)
//                     · 8 double_data (double, packed or not)

import type { CaffeBlob, CaffeLayerWeights } from "./blob.ts";
import { CaffeError } from "./caffemodel-error.ts";
import { V1_LAYER_TYPE_NUMBERS } from "./net-spec.ts";
import { ProtoReader, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from "./proto-wire.ts";

export interface Caffemodel {
  /** NetParameter.name, when the file has one. */
  name?: string;
  /** Every layer in file order, including those without blobs (ReLU, Pooling, …). */
  layers: CaffeLayerWeights[];
  /** Which field held the layers: 100 `layer` (current) or 2 `layers` (legacy V1). */
  format: "layer" | "v1";
}

/** Decodes a .caffemodel. Throws a one-line CaffeError for anything malformed. */
export function readCaffemodel(bytes: Uint8Array): Caffemodel {
  const net = new ProtoReader(bytes, "NetParameter");
  let name: string | undefined;
  const current: CaffeLayerWeights[] = [];
  const legacy: CaffeLayerWeights[] = [];
  while (!net.done) {
    const { field, wire } = net.tag();
    if (field === 1) {
      net.expect(wire, WIRE_BYTES, "name", 1);
      name = net.string("name");
    } else if (field === 100) {
      net.expect(wire, WIRE_BYTES, "layer", 100);
      current.push(readLayer(net.message(`layer ${current.length}`)));
    } else if (field === 2) {
      net.expect(wire, WIRE_BYTES, "layers", 2);
      legacy.push(readV1Layer(net.message(`layers ${legacy.length}`)));
    } else {
      net.skip(wire, field);
    }
  }
  // Caffe refuses the mixture too (UpgradeV1Net: "includes both 'layer' and 'layers'").
  if (current.length && legacy.length) {
    net.fail("has both layer (field 100) and legacy layers (field 2); Caffe refuses such files");
  }
  if (!current.length && !legacy.length) {
    net.fail("has no layers (neither field 100 nor field 2): not a Caffe model");
  }
  const result: Caffemodel = current.length
    ? { layers: current, format: "layer" }
    : { layers: legacy, format: "v1" };
  if (name !== undefined) result.name = name;
  return result;
}

function readLayer(r: ProtoReader): CaffeLayerWeights {
  let name = "";
  let type = "";
  const blobs: ProtoReader[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE_BYTES, "name", 1);
      name = r.string("name");
    } else if (field === 2) {
      r.expect(wire, WIRE_BYTES, "type", 2);
      type = r.string("type");
    } else if (field === 7) {
      r.expect(wire, WIRE_BYTES, "blobs", 7);
      blobs.push(r.message(`${r.part} blob ${blobs.length}`));
    } else {
      r.skip(wire, field);
    }
  }
  return finishLayer(r.part, name, type, blobs);
}

function readV1Layer(r: ProtoReader): CaffeLayerWeights {
  let name = "";
  let type = "";
  const blobs: ProtoReader[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 4) {
      r.expect(wire, WIRE_BYTES, "name", 4);
      name = r.string("name");
    } else if (field === 5) {
      r.expect(wire, WIRE_VARINT, "type", 5);
      const n = r.varint("type");
      const known = V1_LAYER_TYPE_NUMBERS[n];
      if (known === undefined) r.fail(`unknown V1 layer type ${n} (caffe.proto knows 1-39)`);
      type = known;
    } else if (field === 6) {
      r.expect(wire, WIRE_BYTES, "blobs", 6);
      blobs.push(r.message(`${r.part} blob ${blobs.length}`));
    } else if (field === 1) {
      r.fail(
        "is in Caffe's V0 format (V1LayerParameter.layer), which is not supported; " +
          "upgrade the file with Caffe's upgrade_net_proto_binary",
      );
    } else {
      r.skip(wire, field);
    }
  }
  return finishLayer(r.part, name, type, blobs);
}

/** Names the layer in its blobs' error messages, then reads them. */
function finishLayer(
  part: string,
  name: string,
  type: string,
  blobs: ProtoReader[],
): CaffeLayerWeights {
  const label = `${part} ${JSON.stringify(name)}`;
  return {
    name,
    type,
    // The blobs are read only now, because the name may come after them in the message.
    blobs: blobs.map((b, i) =>
      readBlob(new ProtoReader(b.bytes, `${label} blob ${i}`, b.pos, b.end), type, i),
    ),
  };
}

function readBlob(r: ProtoReader, type: string, index: number): CaffeBlob {
  let dims: number[] | undefined;
  const legacy = [0, 0, 0, 0]; // num, channels, height, width: Caffe's defaults are 0
  let hasLegacy = false;
  const floats = new FloatParts();
  const doubles = new FloatParts();
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 7) {
      r.expect(wire, WIRE_BYTES, "shape", 7);
      dims = readShape(r.message(`${r.part} shape`));
    } else if (field >= 1 && field <= 4) {
      r.expect(wire, WIRE_VARINT, LEGACY_NAMES[field - 1], field);
      legacy[field - 1] = r.varint(LEGACY_NAMES[field - 1]);
      hasLegacy = true;
    } else if (field === 5) {
      floats.read(r, wire, 4, "data", 5);
    } else if (field === 8) {
      doubles.read(r, wire, 8, "double_data", 8);
    } else {
      r.skip(wire, field); // diff (6), double_diff (9): gradients, not weights
    }
  }
  // Caffe's Blob::FromProto: the legacy 4-D shape wins when any of its fields is set.
  const shape = hasLegacy ? legacyShape(legacy, type, index) : (dims ?? []);
  const data = floats.count > 0 || doubles.count === 0 ? floats.finish() : doubles.finish();
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    r.fail(`shape [${shape.join(", ")}] holds ${count} values, but its data has ${data.length}`);
  }
  return { shape, data };
}

const LEGACY_NAMES = ["num", "channels", "height", "width"];

function readShape(r: ProtoReader): number[] {
  const dims: number[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field !== 1) {
      r.skip(wire, field);
    } else if (wire === WIRE_BYTES) {
      // Packed: a run of varints inside one length-delimited field.
      const packed = r.message(`${r.part} dim`);
      while (!packed.done) dims.push(packed.varint("dim"));
    } else {
      r.expect(wire, WIRE_VARINT, "dim", 1);
      dims.push(r.varint("dim"));
    }
  }
  return dims;
}

/**
 * Old files give every blob 4 dims (num, channels, height, width), padding with leading 1s:
 * an InnerProduct weight is [1, 1, out, in], a bias [1, 1, 1, out]. Caffe compares such a
 * shape with the layer's by ignoring those 1s, and writes the layer's own shape when it saves
 * the net again. We return that shape, so an old file and a re-saved one read the same.
 */
function legacyShape(dims: number[], type: string, index: number): number[] {
  const rank = LAYER_BLOB_RANK[type]?.[index];
  const shape = [...dims];
  if (rank !== undefined) while (shape.length > rank && shape[0] === 1) shape.shift();
  return shape;
}

const LAYER_BLOB_RANK: Record<string, readonly number[]> = {
  Convolution: [4, 1],
  Deconvolution: [4, 1],
  InnerProduct: [2, 1],
  BatchNorm: [1, 1, 1],
  Scale: [1, 1],
  PReLU: [1],
};

/**
 * A repeated float or double field. Protobuf lets it arrive packed (one length-delimited
 * run), unpacked (one fixed-size field per value), or as several pieces of either, which
 * concatenate. Packed runs are copied once; unpacked values are collected one by one (each
 * costs at least 5 file bytes, so their number is bounded by the file's size).
 */
class FloatParts {
  private readonly parts: Float32Array[] = [];
  private loose: number[] = [];
  count = 0;

  read(r: ProtoReader, wire: number, width: 4 | 8, name: string, field: number): void {
    if (wire === WIRE_BYTES) {
      const bytes = r.lengthDelimited(name);
      if (bytes.length % width !== 0) {
        r.fail(`packed ${name} is ${bytes.length} bytes, not a multiple of ${width}`);
      }
      this.flushLoose();
      this.parts.push(width === 4 ? float32s(bytes) : float64sAsFloat32(bytes));
      this.count += bytes.length / width;
    } else {
      r.expect(wire, width === 4 ? WIRE_FIXED32 : WIRE_FIXED64, name, field);
      this.loose.push(width === 4 ? r.float32(name) : r.float64(name));
      this.count++;
    }
  }

  private flushLoose(): void {
    if (this.loose.length) this.parts.push(Float32Array.from(this.loose));
    this.loose = [];
  }

  finish(): Float32Array {
    this.flushLoose();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Float32Array(this.count);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian float32s, copied into their own (aligned) buffer. */
function float32s(bytes: Uint8Array): Float32Array {
  if (LITTLE_ENDIAN) return new Float32Array(bytes.slice().buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function float64sAsFloat32(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(8 * i, true));
}

export { CaffeError };
