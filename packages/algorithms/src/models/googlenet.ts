// The shipped Caffe ImageNet networks (the models package's GoogLeNet and SqueezeNet) as
// DreamModels: every blob of the deploy prototxt is a tap, the classes have readable names
// ("hen", "sports car"), and the input is Caffe's BGR 0..255 minus the mean pixel.

import type { ImageNetCaffeModel } from "@sheep/models";
import { conv2d, flatten, reshape, type Tensor } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";

/**
 * What GoogLeNet dreams of by default: inception_4c/output, the layer of Google's DeepDream
 * notebook (2015) — dogs, eyes, pagodas and birds growing out of the picture.
 */
export const GOOGLENET_DREAM_LAYERS = { "inception_4c/output": 1 } as const;

/**
 * What caffeDreamModel needs of a Caffe network: the shipped ImageNetCaffeModel has it all, and
 * a user's own Caffe model (models/caffe.ts) provides the same from its prototxt.
 */
export interface CaffeDreamSource {
  readonly net: ImageNetCaffeModel["net"];
  readonly classes?: readonly string[];
  readonly preprocessing: ImageNetCaffeModel["preprocessing"];
  readonly info: Pick<
    ImageNetCaffeModel["info"],
    "logitsTap" | "classifierInput" | "inputSize" | "dreamLayers"
  >;
}

/** Any Caffe ImageNet network as a DreamModel. */
export function caffeDreamModel(m: CaffeDreamSource, name: string): DreamModel {
  const taps = m.net.tapNames.filter((t) => !m.net.inputs.includes(t));
  const sizes = new Map<string, number>();
  const { logitsTap, classifierInput } = m.info;
  // The taps the net itself must compute: the classifier's input in place of the logits.
  const netTaps = (want: readonly string[]) =>
    classifierInput && want.includes(logitsTap)
      ? [...new Set(want.map((t) => (t === logitsTap ? classifierInput : t)))]
      : want;
  return {
    name,
    taps,
    classes: m.classes,
    logitsTap: m.info.logitsTap,
    inputSize: m.info.inputSize,
    dreamLayers: m.info.dreamLayers,
    // The smallest square side for which the net's own shape rules (Caffe's pooling included)
    // leave every tap at least one position: computed from the prototxt, no tensors involved.
    minSize(want) {
      const key = [...want].sort().join("\n");
      const known = sizes.get(key);
      if (known !== undefined) return known;
      let side = 1;
      for (; side < 1024; side++) {
        try {
          const shapes = m.net.blobShapes([1, 3, side, side], netTaps(want));
          if ([...shapes.values()].every((s) => s.every((d) => d >= 1))) break;
        } catch {
          // too small for some layer on the way: try a larger side
        }
      }
      sizes.set(key, side);
      return side;
    },
    preprocess: (x01) => m.preprocessing.normalize(x01),
    forward(x, want) {
      const out = m.net.forward(x, netTaps(want));
      if (classifierInput && want.includes(logitsTap)) {
        out.set(logitsTap, convolutionalLogits(m, out.get(classifierInput)!));
        if (!want.includes(classifierInput)) out.delete(classifierInput);
      }
      return out;
    },
  };
}

/**
 * GoogLeNet's classifier (an InnerProduct over pool5's 1×1 map at 224²) applied at every
 * position of pool5's map, as a 1×1 convolution: [N, 1000] at 224², [N, 1000, h, w] on larger
 * dreams (class objectives average the positions). The same weights; Caffe's own flatten would
 * refuse any size but 224².
 */
function convolutionalLogits(m: CaffeDreamSource, features: Tensor): Tensor {
  const w = m.net.weight(`${m.info.logitsTap}.weight`)!;
  const bias = m.net.weight(`${m.info.logitsTap}.bias`) ?? null;
  const out = conv2d(features, reshape(w, [w.shape[0], w.shape[1], 1, 1]), bias);
  return out.shape[2] === 1 && out.shape[3] === 1 ? flatten(out, 1) : out;
}

export function googLeNetDreamModel(m: ImageNetCaffeModel): DreamModel {
  return caffeDreamModel(m, "googlenet");
}
