// The one error type of the safetensors reader and writer: a stable `code` for programs, a
// message for people that names the problem, the tensor and the numbers involved.

/** Every way a safetensors file (or a request for its data) can be wrong. */
export type SafetensorsErrorCode =
  /** Fewer than the 8 bytes that hold the header length. */
  | "FILE_TOO_SMALL"
  /** The header length is over the format's 100,000,000-byte limit. */
  | "HEADER_TOO_LARGE"
  /** The header length points past the end of the file. */
  | "HEADER_EXCEEDS_FILE"
  /** The header bytes are not valid UTF-8. */
  | "INVALID_UTF8"
  /** The header is not JSON (or nests deeper than any header needs). */
  | "INVALID_JSON"
  /** The header, or a tensor's entry in it, is JSON but not an object. */
  | "NOT_AN_OBJECT"
  /** The same key twice in one JSON object: JSON.parse would silently keep the last. */
  | "DUPLICATE_KEY"
  /** `__metadata__` is not an object of string values. */
  | "INVALID_METADATA"
  /** A tensor entry lacks `dtype`, `shape` or `data_offsets`. */
  | "MISSING_FIELD"
  /** A field has the wrong JSON type (a dtype that is not a string, ...). */
  | "INVALID_FIELD"
  /** A dtype the format does not define. */
  | "UNKNOWN_DTYPE"
  /** A dimension that is negative, fractional or too large. */
  | "INVALID_SHAPE"
  /** `data_offsets` is not two non-negative integers [begin, end] with begin <= end. */
  | "INVALID_OFFSETS"
  /** Offsets beyond the data section, or too large to address. */
  | "OFFSET_OUT_OF_BOUNDS"
  /** Two tensors claim the same bytes. */
  | "OFFSETS_OVERLAP"
  /** Bytes that no tensor claims (the format forbids them: no polyglot files). */
  | "OFFSETS_HOLE"
  /** end - begin differs from product(shape) x dtype size. */
  | "SIZE_MISMATCH"
  /** A sub-byte dtype (F4, F6) whose element count does not fill whole bytes. */
  | "MISALIGNED_SUBBYTE"
  /** The file ends before the data the header describes. */
  | "TRUNCATED_FILE"
  /** The file goes on after the last tensor's data. */
  | "TRAILING_BYTES"
  /** A tensor name that the header does not list. */
  | "TENSOR_NOT_FOUND"
  /** Decoding asked for a dtype this reader can parse but not turn into numbers. */
  | "UNSUPPORTED_DTYPE"
  /** A value that does not fit the decoded type (an I64 beyond int32). */
  | "VALUE_OUT_OF_RANGE"
  /** The writer was handed a tensor whose data does not match its dtype and shape. */
  | "INVALID_TENSOR";

export class SafetensorsError extends Error {
  constructor(
    readonly code: SafetensorsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SafetensorsError";
  }
}

/** Throws a SafetensorsError; an expression, so it fits after `??` and in ternaries. */
export function fail(code: SafetensorsErrorCode, message: string): never {
  throw new SafetensorsError(code, message);
}
