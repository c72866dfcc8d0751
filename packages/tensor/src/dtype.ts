// Element types. The engine computes in float32 and keeps int32 for indices and labels.

export type DType = "float32" | "int32";

/** Host-side arrays as they come back from `data()`. */
export type HostArray = Float32Array | Int32Array;

export const BYTES_PER_ELEMENT = 4;

/** The WGSL scalar type that stores a dtype. */
export function wgslType(dtype: DType): "f32" | "i32" {
  return dtype === "float32" ? "f32" : "i32";
}

/** Result type of mixing two dtypes, as PyTorch promotes them: int with float gives float. */
export function promote(a: DType, b: DType): DType {
  return a === "float32" || b === "float32" ? "float32" : "int32";
}
