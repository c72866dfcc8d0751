// Which layers carry content and style, per network. VGG's are the classic ones (Gatys et al.
// 2016; neural-style's defaults): content relu4_2, style relu1_1 … relu5_1 with equal weights.
// GoogLeNet's were chosen by experiment (see the style section of the README).

import { checkTap, type DreamModel } from "../model.ts";

export interface StyleLayers {
  /** The content layer (null: no content term, texture synthesis). */
  content: string | null;
  /** Style layers and their weights. */
  style: Readonly<Record<string, number>>;
  /** Default term weights where neural-style's (content 5, style 100, TV 1e-3) do not suit. */
  styleWeight?: number;
  tvWeight?: number;
}

const VGG: StyleLayers = {
  content: "relu4_2",
  style: { relu1_1: 1, relu2_1: 1, relu3_1: 1, relu4_1: 1, relu5_1: 1 },
};

export const STYLE_LAYERS: Readonly<Record<string, StyleLayers>> = {
  vgg16: VGG,
  vgg19: VGG,
  // The face network (the demo's built-in one): each stage's last block for style, the middle
  // stage for content, by analogy with VGG's choice; a starting point, not measured.
  // GoogLeNet, chosen by experiment (README, "Style transfer"): at 128², 30 L-BFGS steps,
  // astronaut × The Starry Night. Deep style layers alone (inception_3a … 4d) barely move the
  // picture (style loss ÷5.4); shallow-to-middle ones transfer brush strokes and colour. conv1's
  // Gram loss starts ~500× larger than the others', hence its weight 0.01; GoogLeNet's Gram
  // terms are smaller than VGG's, so style weighs 1000 and TV (on 0–255 pixels) only 1e-5.
  googlenet: {
    content: "inception_4a/output",
    style: {
      "conv1/7x7_s2": 0.01,
      "conv2/3x3": 1,
      "inception_3a/output": 1,
      "inception_3b/output": 1,
      "inception_4a/output": 1,
    },
    styleWeight: 1000,
    tvWeight: 1e-5,
  },
  face: {
    content: "layer2.3",
    style: { "stem.conv": 1, "layer1.2": 1, "layer2.3": 1, "layer3.2": 1 },
  },
};

/**
 * The layers to use: the caller's where given, else the table's for the model's name; a
 * one-line error naming the model when neither says.
 */
export function styleLayersOf(
  model: DreamModel,
  content?: string | null,
  style?: Readonly<Record<string, number>>,
): StyleLayers {
  const known = STYLE_LAYERS[model.name];
  const layers: StyleLayers = {
    content: content !== undefined ? content : (known?.content ?? null),
    style: style ?? known?.style ?? {},
    styleWeight: known?.styleWeight,
    tvWeight: known?.tvWeight,
  };
  if (!style && !known) {
    throw new Error(
      `no default style layers for ${model.name} (known: ${Object.keys(STYLE_LAYERS).join(", ")}): give styleLayers`,
    );
  }
  if (Object.keys(layers.style).length === 0) throw new Error("style transfer needs a style layer");
  for (const tap of Object.keys(layers.style)) checkTap(model, tap);
  for (const [tap, w] of Object.entries(layers.style)) {
    if (!(w >= 0)) throw new Error(`style layer ${tap}: weight must be ≥ 0, got ${w}`);
  }
  if (layers.content) checkTap(model, layers.content);
  return layers;
}
