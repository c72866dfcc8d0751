// The safetensors reader and writer, browser-safe: nothing here imports Node modules.
// Node's file source and atomic file writer are in ./node.ts.

export {
  type DecodedTensor,
  decodeTensor,
  decodeToF32OrI32,
  FLOAT_DTYPES,
  INT_DTYPES,
  type TensorInfo,
} from "./decode.ts";
export { byteSize, DTYPE_BITS, DTYPES, type Dtype, elementCount, isDtype } from "./dtypes.ts";
export { SafetensorsError, type SafetensorsErrorCode } from "./errors.ts";
export {
  bf16BitsToF32,
  encodeBF16,
  encodeF16,
  f16BitsToF32,
  f32ToBF16Bits,
  f32ToF16Bits,
} from "./half.ts";
export {
  checkDataLength,
  LENGTH_PREFIX_BYTES,
  MAX_HEADER_BYTES,
  parseHeaderJson,
  readHeaderLength,
  type SafetensorsHeader,
  type TensorEntry,
} from "./header.ts";
export { formatInspect, type InspectResult, inspect, inspectHeader } from "./inspect.ts";
export { loadSafetensors, parseHeader, parseHeaderBytes, SafetensorsReader } from "./reader.ts";
export {
  blobSource,
  bytesSource,
  type SourceInput,
  type TensorSource,
  toSource,
} from "./source.ts";
export { type StreamedTensor, type StreamOptions, streamTensors } from "./stream.ts";
export {
  compareUtf8,
  type NamedTensors,
  type PlannedTensor,
  planSafetensors,
  type SafetensorsPlan,
  type TensorSpec,
  type TensorToWrite,
  tensorBytes,
  writeSafetensors,
} from "./writer.ts";
