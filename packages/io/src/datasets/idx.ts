// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// number — two zero bytes, a type code, the number of dimensions — then each dimension as a
// big-endian int32, then the values, big-endian, in row-major order. Pure: no file system.

/**
 * Why an IDX file could not be read: `missing` (no such file), `truncated` (the bytes stop
 * before the header says they should), `corrupt` (not IDX, or bad gzip), `unsupported`.
 */
export type IdxErrorCode = "missing" | "truncated" | "corrupt" | "unsupported";

export class IdxError extends Error {
  constructor(
    readonly code: IdxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "IdxError";
  }
}

export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: IdxData;
}

/** Type code → element type and size in bytes. */
const TYPES: Record<number, [IdxType, number]> = {
  8: ["uint8", 1],
  9: ["int8", 1],
  11: ["int16", 2],
  12: ["int32", 4],
  13: ["float32", 4],
  14: ["float64", 8],
};

/** Parse an (already decompressed) IDX file; `name` goes into error messages. */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  if (bytes.length < 4) {
    throw new IdxError(
      "truncated",
      `${name}: ${bytes.length} bytes is too short for an IDX header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = bytes[2];
  const rank = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(
      " ",
    );
    throw new IdxError("corrupt", `${name}: not an IDX file (magic bytes ${magic}, want 00 00 …)`);
  }
  const type = TYPES[code];
  if (!type) {
    throw new IdxError("unsupported", `${name}: unknown IDX type code 0x${code.toString(16)}`);
  }
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new IdxError(
      "truncated",
      `${name}: the header declares ${rank} dims, but the file ends first`,
    );
  }
  const shape = Array.from({ length: rank }, (_, i) => view.getInt32(4 + 4 * i, false));
  if (shape.some((d) => d < 0)) {
    throw new IdxError("corrupt", `${name}: negative dimension in shape [${shape.join(", ")}]`);
  }
  const [kind, size] = type;
  const count = shape.reduce((a, b) => a * b, 1);
  const want = header + count * size;
  if (bytes.length < want) {
    throw new IdxError(
      "truncated",
      `${name}: shape [${shape.join(", ")}] of ${kind} needs ${want} bytes, ` +
        `the file has ${bytes.length}`,
    );
  }
  if (bytes.length > want) {
    throw new IdxError(
      "corrupt",
      `${name}: ${bytes.length - want} bytes after the data of shape [${shape.join(", ")}]`,
    );
  }
  return { type: kind, shape, data: readValues(view, header, count, kind) };
}

/** The values, converted from big-endian (IDX) to the platform's typed arrays. */
function readValues(view: DataView, at: number, n: number, type: IdxType): IdxData {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + at, n * sizeOf(type));
  switch (type) {
    case "uint8":
      return bytes.slice();
    case "int8":
      return new Int8Array(bytes.slice().buffer);
    case "int16":
      return Int16Array.from({ length: n }, (_, i) => view.getInt16(at + 2 * i, false));
    case "int32":
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(at + 4 * i, false));
    case "float32":
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(at + 4 * i, false));
    case "float64":
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(at + 8 * i, false));
  }
}

function sizeOf(type: IdxType): number {
  return Object.values(TYPES).find(([t]) => t === type)![1];
}

/** Encode an IDX file (big-endian), the inverse of parseIdx: for tests and small datasets. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = Number(Object.entries(TYPES).find(([, [t]]) => t === array.type)![0]);
  const size = sizeOf(array.type);
  const header = 4 + 4 * array.shape.length;
  const out = new Uint8Array(header + array.data.length * size);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, array.shape.length]);
  array.shape.forEach((d, i) => {
    view.setInt32(4 + 4 * i, d, false);
  });
  array.data.forEach((v, i) => {
    const at = header + i * size;
    if (array.type === "uint8") view.setUint8(at, v);
    else if (array.type === "int8") view.setInt8(at, v);
    else if (array.type === "int16") view.setInt16(at, v, false);
    else if (array.type === "int32") view.setInt32(at, v, false);
    else if (array.type === "float32") view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  });
  return out;
}
