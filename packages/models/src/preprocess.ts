// Preprocessing presets: from an image tensor (NCHW, RGB, values in [0, 1], as @sheep/io's
// imageToNCHW gives) to what a pretrained network was trained on, and back exactly.
//
// Every preset is one per-channel affine map,
//   net[c] = (image[perm c] · scale − mean[c]) / std[c],
// built from tensor ops so gradients flow through it: the dream and style pipelines optimise
// the image, not the network input.
//
//   torchvision / timm  RGB, values 0..1, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]
//   caffe (Keras VGG)   BGR, x · 255, minus [103.939, 116.779, 123.68] (B, G, R), no division
//   face (face-api)     RGB, x · 255, minus [122.782, 117.001, 104.298], divided by 255

import { add, div, flip, mul, sub, type Tensor, tensor } from "@sheep/tensor";
import { FACE_INPUT } from "./face/architecture.ts";

export type PresetName = "torchvision" | "caffe" | "face";

export interface Preprocessing {
  readonly name: PresetName;
  /** The channel order the network reads; "BGR" reverses the image's RGB. */
  readonly channels: "RGB" | "BGR";
  /** What image values in [0, 1] are multiplied by first (1, or 255 for 0..255 networks). */
  readonly scale: number;
  /** Per channel, in the network's channel order and units. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** [N, 3, H, W] (or [3, H, W]) image in [0, 1], RGB → network input. */
  normalize(image: Tensor): Tensor;
  /** Network input → image in [0, 1] (not clamped): the exact inverse of normalize. */
  denormalize(x: Tensor): Tensor;
}

function preset(
  name: PresetName,
  channels: "RGB" | "BGR",
  scale: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): Preprocessing {
  // A [1, 3, 1, 1] (or [3, 1, 1]) constant beside x, on x's backend.
  const perChannel = (x: Tensor, v: readonly number[]) =>
    tensor(v, { like: x, shape: x.rank === 4 ? [1, 3, 1, 1] : [3, 1, 1] });
  const channelDim = (x: Tensor) => {
    if ((x.rank !== 4 && x.rank !== 3) || x.shape[x.rank - 3] !== 3) {
      throw new Error(
        `${name} preprocessing: expected [N, 3, H, W] or [3, H, W], got [${x.shape}]`,
      );
    }
    return x.rank - 3;
  };
  // Reversing the channel dim is a view (a negative-stride slice): no copy.
  const order = (x: Tensor) => (channels === "BGR" ? flip(x, [channelDim(x)]) : x);
  return {
    name,
    channels,
    scale,
    mean,
    std,
    normalize(image) {
      channelDim(image);
      const x = order(image);
      return div(sub(mul(x, scale), perChannel(x, mean)), perChannel(x, std));
    },
    denormalize(x) {
      channelDim(x);
      return order(div(add(mul(x, perChannel(x, std)), perChannel(x, mean)), scale));
    },
  };
}

/** The presets by name. */
export const PREPROCESSING: Record<PresetName, Preprocessing> = {
  torchvision: preset("torchvision", "RGB", 1, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
  caffe: preset("caffe", "BGR", 255, [103.939, 116.779, 123.68], [1, 1, 1]),
  face: preset("face", "RGB", 255, FACE_INPUT.meanRgb, [
    FACE_INPUT.divisor,
    FACE_INPUT.divisor,
    FACE_INPUT.divisor,
  ]),
};

/** The preset a VGG weight dialect was trained with: Keras's VGG is the Caffe model. */
export function preprocessingFor(dialect: "timm" | "torchvision" | "keras"): Preprocessing {
  return dialect === "keras" ? PREPROCESSING.caffe : PREPROCESSING.torchvision;
}
