// VGG16/VGG19 (the models package's Vgg) as a DreamModel: its taps, the preprocessing of the
// weights' dialect, the ImageNet class names when the classifier is loaded.

import { imagenetLabels, type Vgg } from "@sheep/models";
import type { DreamModel } from "../model.ts";

/**
 * What VGG dreams of by default: block4_conv3, the layer the measurements use, deep
 * enough for eyes, fur and arches, shallow enough to stay in the image's own geometry. (The
 * original notebook used GoogLeNet's inception_4c; VGG has no equivalent layer to copy.)
 */
export const VGG_DREAM_LAYERS = { block4_conv3: 1 } as const;

export function vggDreamModel(vgg: Vgg): DreamModel {
  const reachable = vgg.tapNames.filter((t) => vgg.resolveTap(t).step <= vgg.depth);
  const classes = vgg.config.classes;
  return {
    name: vgg.arch,
    taps: reachable,
    classes: vgg.hasClassifier && classes === 1000 ? imagenetLabels() : undefined,
    logitsTap: "logits",
    inputSize: 224,
    // loaded short of block4_conv3: the deepest conv there is, by its Keras name
    dreamLayers: reachable.includes("block4_conv3")
      ? VGG_DREAM_LAYERS
      : { [reachable.filter((t) => /^block\d_conv\d$/.test(t)).at(-1)!]: 1 },
    // each 2×2 pool before the deepest tap halves the image: 2^pools pixels leave one position
    minSize(taps) {
      const deepest = Math.max(...taps.map((t) => vgg.resolveTap(t).step));
      const pools = vgg.steps.slice(0, deepest + 1).filter((s) => s.kind === "pool").length;
      return 2 ** Math.min(pools, 5);
    },
    preprocess: (x01) => vgg.preprocessing.normalize(x01),
    forward: (x, taps) => vgg.forward(x, taps),
  };
}
