// What a Caffe model's weights are, whichever file they came from (a binary .caffemodel, the
// raw per-layer files in ../shared/weights, or a converted safetensors file), and the one naming
// rule that maps them to tensor names.

/** One Caffe blob: its shape (as Caffe gives it: OIHW for convolutions) and float data. */
export interface CaffeBlob {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A layer's learned blobs, in Caffe's order for its type. */
export interface CaffeLayerWeights {
  readonly name: string;
  readonly type: string;
  readonly blobs: readonly CaffeBlob[];
}

/**
 * The role of blob `index` of a layer of `type`, which becomes the tensor name
 * `${layer}.${role}` in a safetensors file: Convolution / Deconvolution / InnerProduct hold
 * weight, bias; BatchNorm holds mean, variance, scale_factor (Caffe divides the first two by the
 * third); Scale holds weight (gamma), bias (beta); PReLU holds weight (the slopes). Any other
 * type's blobs are named blob0, blob1, … so nothing is lost.
 */
export function caffeBlobRole(type: string, index: number): string {
  const roles: Record<string, readonly string[]> = {
    Convolution: ["weight", "bias"],
    Deconvolution: ["weight", "bias"],
    InnerProduct: ["weight", "bias"],
    BatchNorm: ["mean", "variance", "scale_factor"],
    Scale: ["weight", "bias"],
    PReLU: ["weight"],
  };
  return roles[type]?.[index] ?? `blob${index}`;
}

/** The tensor name of blob `index` of `layer`: `conv1/7x7_s2.weight`. */
export function caffeTensorName(layer: string, type: string, index: number): string {
  return `${layer}.${caffeBlobRole(type, index)}`;
}
