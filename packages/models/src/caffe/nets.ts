// The two real ImageNet networks the project ships (packages/models/weights/, see its README):
// BVLC GoogLeNet, the network of the original DeepDream, and SqueezeNet v1.1. Browser-safe: give
// the file's bytes, a Blob or a source; Node's loadGoogLeNetFile finds the shipped file itself.

import {
  add,
  type BackendKind,
  div,
  flatten,
  flip,
  mul,
  sub,
  type Tensor,
  tensor,
} from "@sheep/tensor";
import { PREPROCESSING, type Preprocessing } from "../preprocess.ts";
import type { SafetensorsReader } from "../safetensors/reader.ts";
import type { SourceInput } from "../safetensors/source.ts";
import { loadCaffeSafetensors, synsetNames } from "./load.ts";
import type { CaffeNet } from "./net.ts";

export type ShippedCaffeNet = "googlenet" | "squeezenet";

/** What each shipped network is and expects. */
export interface CaffeNetInfo {
  readonly id: ShippedCaffeNet;
  /** The file under packages/models/weights/ (and the demo's models/). */
  readonly file: string;
  /** `name:` in its prototxt. */
  readonly netName: string;
  readonly inputSize: number;
  /** The class scores before softmax. */
  readonly logitsTap: string;
  /**
   * Where the logits come from when they are an InnerProduct over a pooled map: the blob it
   * reads. A dream on a larger image applies the classifier at every position of that map.
   */
  readonly classifierInput?: string;
  /** What a dream maximises by default. */
  readonly dreamLayers: Readonly<Record<string, number>>;
  /** The feature maps worth offering in a layer menu, in forward order (every blob is a tap). */
  readonly featureTaps: readonly string[];
}

const inception = (names: string) => names.split(" ").map((n) => `inception_${n}/output`);

export const CAFFE_NETS: Readonly<Record<ShippedCaffeNet, CaffeNetInfo>> = {
  googlenet: {
    id: "googlenet",
    file: "googlenet.safetensors",
    netName: "GoogleNet",
    inputSize: 224,
    logitsTap: "loss3/classifier",
    classifierInput: "pool5/7x7_s1",
    // The layer of Google's DeepDream notebook (2015): dogs, eyes and pagodas.
    dreamLayers: { "inception_4c/output": 1 },
    featureTaps: [
      "conv1/7x7_s2",
      "conv2/3x3",
      ...inception("3a 3b"),
      ...inception("4a 4b 4c 4d 4e"),
      ...inception("5a 5b"),
    ],
  },
  squeezenet: {
    id: "squeezenet",
    file: "squeezenet.safetensors",
    netName: "SqueezeNet",
    inputSize: 227,
    // conv10 → ReLU (in place) → global average pool: pool10 holds the class scores.
    logitsTap: "pool10",
    dreamLayers: { "fire7/concat": 1 },
    featureTaps: ["conv1", ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => `fire${i}/concat`)],
  },
};

/**
 * Caffe's ImageNet preprocessing as the BVLC models were trained: BGR, 0..255, minus the mean
 * pixel (B, G, R) = (104, 117, 123), no division. (Keras's "caffe" preset uses the mean image's
 * per-channel average, 103.939, 116.779, 123.68; the BVLC deploy files use these rounded ones.)
 */
export const BVLC_PREPROCESSING: Preprocessing = {
  ...PREPROCESSING.caffe,
  mean: [104, 117, 123],
  normalize(image) {
    return withMean(image, [104, 117, 123], true);
  },
  denormalize(x) {
    return withMean(x, [104, 117, 123], false);
  },
};

function withMean(x: Tensor, mean: readonly number[], forward: boolean): Tensor {
  if ((x.rank !== 4 && x.rank !== 3) || x.shape[x.rank - 3] !== 3) {
    throw new Error(`BVLC preprocessing: expected [N, 3, H, W] or [3, H, W], got [${x.shape}]`);
  }
  const m = tensor(mean, { like: x, shape: x.rank === 4 ? [1, 3, 1, 1] : [3, 1, 1] });
  const bgr = (t: Tensor) => flip(t, [x.rank - 3]);
  return forward ? sub(mul(bgr(x), 255), m) : bgr(div(add(x, m), 255));
}

/** A shipped network, loaded, with its readable class names. */
export interface ImageNetCaffeModel {
  readonly info: CaffeNetInfo;
  readonly net: CaffeNet;
  /**
   * Readable class names with their synonyms ("hen", "sports car, sport car"), index-aligned
   * with the logits: the synset lines without the WordNet id, as the VGG labels read.
   */
  readonly classes: readonly string[];
  /** The full synset lines ("n01514859 hen"). */
  readonly synsets: readonly string[];
  readonly preprocessing: Preprocessing;
  /** The class scores [N, 1000] (before softmax) of x [N, 3, H, W], preprocessed. */
  logits(x: Tensor): Tensor;
}

/** Load GoogLeNet or SqueezeNet from its shipped file's bytes (or a Blob / source). */
export async function loadShippedCaffeNet(
  id: ShippedCaffeNet,
  input: SourceInput | SafetensorsReader,
  opts: { backend?: BackendKind } = {},
): Promise<ImageNetCaffeModel> {
  const info = CAFFE_NETS[id];
  const { net, synsets } = await loadCaffeSafetensors(input, opts);
  if (net.spec.name !== info.netName) {
    throw new Error(
      `expected the ${info.netName} file (${info.file}), got a net named "${net.spec.name}"`,
    );
  }
  if (!synsets || synsets.length !== 1000) {
    throw new Error(`${info.file} must carry its 1000 ImageNet labels in its metadata`);
  }
  return {
    info,
    net,
    synsets,
    classes: synsets.map(synsetNames),
    preprocessing: BVLC_PREPROCESSING,
    // SqueezeNet's scores come out of a global pool as [N, 1000, 1, 1].
    logits: (x) => flatten(net.forward(x, [info.logitsTap]).get(info.logitsTap)!, 1),
  };
}

export const loadGoogLeNet = (
  input: SourceInput | SafetensorsReader,
  opts?: { backend?: BackendKind },
) => loadShippedCaffeNet("googlenet", input, opts);

export const loadSqueezeNet = (
  input: SourceInput | SafetensorsReader,
  opts?: { backend?: BackendKind },
) => loadShippedCaffeNet("squeezenet", input, opts);
