// The 1,000 ImageNet (ILSVRC 2012) class names, in the index order torchvision, timm and Keras
// models share. Attribution: the label strings as packaged in @tensorflow-models/mobilenet
// (Apache-2.0, Copyright 2019 Google LLC); see data/imagenet-labels.json.

import data from "../data/imagenet-labels.json" with { type: "json" };

/** Where the labels come from and under what license (shown wherever they are listed). */
export const IMAGENET_LABELS_ATTRIBUTION: string = data.attribution;

/** Class index → label, e.g. 281 → "tabby, tabby cat". */
export function imagenetLabels(): readonly string[] {
  return data.labels;
}
