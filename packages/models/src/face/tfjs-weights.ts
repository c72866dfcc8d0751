// Decodes a TensorFlow.js weights manifest + its binary shards into float32 arrays, no tfjs needed.
//
// The format (tfjs-core src/io/io_utils.ts, decodeWeights/decodeWeight): the manifest is a list of
// groups; each group names its shard files (`paths`) and its weights in storage order. A group's
// shards, concatenated, hold its weights back to back, little-endian, with no alignment padding.
// A weight may carry `quantization`: each value is then stored as uint8/uint16 `q` and means
// `q * scale + min`, or stored as an IEEE float16.

/** One entry of a group's `weights` list. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** One group: shard files, concatenated in order, hold `weights` back to back. */
export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

export type TfjsManifest = TfjsWeightGroup[];

/** A decoded weight, still in the TF.js layout and under its TF.js name. */
export interface TfjsTensor {
  shape: number[];
  data: Float32Array;
  /** How it was stored, e.g. "uint8 (scale, min)", "float16", "float32". */
  storage: string;
}

const BYTES_PER_STORED_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  uint16: 2,
  float16: 2,
  uint8: 1,
};

/** Bytes one weight occupies in the shards: its element count times its storage width. */
export function storedByteLength(spec: TfjsWeightSpec): number {
  const storedAs = spec.quantization?.dtype ?? spec.dtype;
  const width = BYTES_PER_STORED_VALUE[storedAs];
  if (width === undefined) throw new Error(`${spec.name}: unsupported storage dtype ${storedAs}`);
  return spec.shape.reduce((a, b) => a * b, 1) * width;
}

/**
 * IEEE 754 half → number. TF.js decodes float16 with lookup tables (getFloat16Decoder); every
 * half is exactly representable in float32, so this direct formula gives the same values.
 */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal: 0.m × 2^-14
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Decodes one weight from `view` at `offset`. DataView because offsets need not be aligned. */
function decodeWeight(spec: TfjsWeightSpec, view: DataView, offset: number): TfjsTensor {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  const q = spec.quantization;
  if (spec.dtype !== "float32") {
    throw new Error(`${spec.name}: dtype ${spec.dtype} is not supported (only float32 weights)`);
  }
  if (!q) {
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    return { shape: [...spec.shape], data, storage: "float32" };
  }
  if (q.dtype === "float16") {
    for (let i = 0; i < size; i++) data[i] = float16ToNumber(view.getUint16(offset + 2 * i, true));
    return { shape: [...spec.shape], data, storage: "float16" };
  }
  if (q.dtype !== "uint8" && q.dtype !== "uint16") {
    throw new Error(`${spec.name}: unknown quantization dtype ${q.dtype}`);
  }
  if (q.scale === undefined || q.min === undefined) {
    throw new Error(`${spec.name}: ${q.dtype} quantization needs scale and min`);
  }
  // Same arithmetic as TF.js: q * scale + min in float64, rounded once when stored as float32.
  const read =
    q.dtype === "uint8"
      ? (i: number) => view.getUint8(offset + i)
      : (i: number) => view.getUint16(offset + 2 * i, true);
  for (let i = 0; i < size; i++) data[i] = read(i) * q.scale + q.min;
  return { shape: [...spec.shape], data, storage: `${q.dtype} (scale, min)` };
}

/**
 * Concatenates the shard files in manifest order (groups in order, each group's paths in order),
 * which is the byte stream `decodeTfjsWeights` expects.
 */
export function concatShards(manifest: TfjsManifest, read: (path: string) => Uint8Array) {
  const parts = manifest.flatMap((group) => group.paths.map(read));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Decodes every weight of `manifest` from `bytes`, all shards concatenated in manifest order.
 * Each group's weights are contiguous, so one running offset walks the whole stream; a total
 * that differs from the stream's length means the shards do not belong to this manifest.
 */
export function decodeTfjsWeights(
  manifest: TfjsManifest,
  bytes: Uint8Array,
): Map<string, TfjsTensor> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, TfjsTensor>();
  let offset = 0;
  for (const group of manifest) {
    for (const spec of group.weights) {
      const length = storedByteLength(spec);
      if (offset + length > bytes.byteLength) {
        throw new Error(
          `${spec.name}: needs bytes ${offset}..${offset + length}, have ${bytes.byteLength}`,
        );
      }
      out.set(spec.name, decodeWeight(spec, view, offset));
      offset += length;
    }
  }
  if (offset !== bytes.byteLength) {
    throw new Error(`manifest describes ${offset} bytes but the shards hold ${bytes.byteLength}`);
  }
  return out;
}
