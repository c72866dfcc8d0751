// TensorFlow's layer conventions on the engine, for the face-api networks: 'same' padding
// (TF puts the odd extra row/column at the bottom/right, and with stride 2 on an even size
// pads only there) and the separable conv (depthwise with the stride, then pointwise + bias).

import { conv2d, maxPool2d, pad, type Tensor } from "@sheep/tensor";

/** TF 'same' padding [top, bottom, left, right] for a k×k window at `stride` on x. */
export function samePadding(
  x: Tensor,
  k: number,
  stride: number,
): [number, number, number, number] {
  const side = (n: number) => {
    const out = Math.ceil(n / stride);
    const total = Math.max((out - 1) * stride + k - n, 0);
    return [total >> 1, total - (total >> 1)];
  };
  const [h, w] = x.shape.slice(-2);
  return [...side(h), ...side(w)] as [number, number, number, number];
}

/** tf.separableConv2d(x, depthwise, pointwise, stride, padding) + bias, NCHW / OIHW weights. */
export function separableConv(
  x: Tensor,
  w: (what: string) => Tensor,
  prefix: string,
  stride: number,
  padding: "same" | number,
): Tensor {
  const dw = w(`${prefix}.depthwise`);
  const p = padding === "same" ? samePadding(x, 3, stride) : padding;
  const h = conv2d(x, dw, null, { stride, padding: p, groups: dw.shape[0] });
  return conv2d(h, w(`${prefix}.pointwise`), w(`${prefix}.bias`));
}

/**
 * tf.maxPool(x, 2, stride, 'same'). Stride 2 matches PyTorch's ceil mode (the last window is
 * cut by the border); stride 1 needs one extra row and column at the bottom/right, and
 * repeating the edge there leaves every window's maximum unchanged (TF ignores the padding).
 */
export function maxPoolSame2(x: Tensor, stride: 1 | 2): Tensor {
  if (stride === 2) return maxPool2d(x, { kernelSize: 2, stride: 2, ceilMode: true });
  const grown = pad(x, [0, 1, 0, 1], { mode: "replicate" });
  return maxPool2d(grown, { kernelSize: 2, stride: 1 });
}
