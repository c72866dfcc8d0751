// VGG16 and VGG19 as data: the layer sequence, the channel widths, and every name a point of the
// forward pass goes by (Keras, the style-transfer literature, torchvision's module indices).
//
// Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition"
// (2014), configurations D (VGG16) and E (VGG19): 3×3 convolutions with padding 1, each followed
// by a ReLU, five 2×2 max-pools, then three fully connected layers on the 7×7×512 map.

export type VggArch = "vgg16" | "vgg19";

/** Convolutions per block. */
export const VGG_BLOCKS: Record<VggArch, readonly number[]> = {
  vgg16: [2, 2, 3, 3, 3],
  vgg19: [2, 2, 4, 4, 4],
};

/** The real networks' sizes. */
export const VGG_WIDTHS = [64, 128, 256, 512, 512] as const;
export const VGG_HIDDEN = 4096;
export const VGG_CLASSES = 1000;
/** The classifier reads a 7×7 map (adaptive average pooling makes one from any input size). */
export const VGG_POOL = 7;

/** The sizes of one VGG: the real one, or a narrower one for tests. */
export interface VggConfig {
  arch: VggArch;
  /** Output channels of each block's convolutions. */
  widths: readonly number[];
  /** Width of fc1 and fc2. */
  hidden: number;
  classes: number;
}

/**
 * The real network, or a narrower one: `divisor` divides every width and the hidden size
 * (16 gives channels 4, 8, 16, 32, 32 and fc 256; pass `hidden` to shrink fc further).
 */
export function vggConfig(
  arch: VggArch,
  opts: { divisor?: number; hidden?: number; classes?: number } = {},
): VggConfig {
  const d = opts.divisor ?? 1;
  return {
    arch,
    widths: VGG_WIDTHS.map((w) => Math.max(1, Math.round(w / d))),
    hidden: opts.hidden ?? Math.max(1, Math.round(VGG_HIDDEN / d)),
    classes: opts.classes ?? VGG_CLASSES,
  };
}

/** One 3×3 convolution: block b (1-based), index i within it (1-based), torchvision module n. */
export interface VggConv {
  kind: "conv";
  block: number;
  index: number;
  /** Its index in torchvision's `features` Sequential (its ReLU is n + 1). */
  feature: number;
  cin: number;
  cout: number;
}

export interface VggPool {
  kind: "pool";
  block: number;
  feature: number;
}

/** The `features` part in torchvision's order: conv, ReLU, …, pool per block. */
export function vggFeatureLayers(config: VggConfig): (VggConv | VggPool)[] {
  const layers: (VggConv | VggPool)[] = [];
  let feature = 0;
  let cin = 3;
  VGG_BLOCKS[config.arch].forEach((convs, b) => {
    const cout = config.widths[b];
    for (let i = 1; i <= convs; i++) {
      layers.push({ kind: "conv", block: b + 1, index: i, feature, cin, cout });
      feature += 2; // the conv and its ReLU
      cin = cout;
    }
    layers.push({ kind: "pool", block: b + 1, feature: feature++ });
  });
  return layers;
}

/**
 * A point in the forward pass where taps can be taken: each feature layer, then the adaptive
 * pool and the three fully connected layers. `pre` names the value before the layer's ReLU
 * (convs, fc1, fc2); `post` the value after it (or the layer's only output).
 */
export interface VggStep {
  kind: "conv" | "pool" | "avgpool" | "fc";
  /** For convs and pools: the feature layer. */
  layer?: VggConv | VggPool;
  /** For fc: 1, 2 or 3 (3 = the logits, no ReLU). */
  fc?: 1 | 2 | 3;
  pre: string[];
  post: string[];
}

export function vggSteps(config: VggConfig): VggStep[] {
  const steps: VggStep[] = vggFeatureLayers(config).map((layer) => {
    if (layer.kind === "pool") {
      const b = layer.block;
      return {
        kind: "pool",
        layer,
        pre: [],
        post: [`pool${b}`, `block${b}_pool`, `features.${layer.feature}`],
      };
    }
    const { block: b, index: i, feature: n } = layer;
    return {
      kind: "conv",
      layer,
      // Keras's conv layers include the activation, so block{b}_conv{i} is the ReLU's output.
      pre: [`conv${b}_${i}`, `features.${n}`],
      post: [`relu${b}_${i}`, `block${b}_conv${i}`, `features.${n + 1}`],
    };
  });
  steps.push({ kind: "avgpool", pre: [], post: ["avgpool"] });
  // torchvision's classifier: Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear. Dropout is
  // off in eval mode, so classifier.2 and classifier.5 equal the ReLU outputs before them.
  steps.push({
    kind: "fc",
    fc: 1,
    pre: ["classifier.0"],
    post: ["fc1", "classifier.1", "classifier.2"],
  });
  steps.push({
    kind: "fc",
    fc: 2,
    pre: ["classifier.3"],
    post: ["fc2", "classifier.4", "classifier.5"],
  });
  steps.push({ kind: "fc", fc: 3, pre: [], post: ["logits", "classifier.6"] });
  return steps;
}

/** Where a tap name points: a step, before (pre) or after (post) its ReLU. */
export interface TapRef {
  step: number;
  pre: boolean;
}

/** Every tap name of a VGG, in forward order. */
export function vggTapTable(config: VggConfig): Map<string, TapRef> {
  const table = new Map<string, TapRef>();
  vggSteps(config).forEach((s, step) => {
    for (const name of s.pre) table.set(name, { step, pre: true });
    for (const name of s.post) table.set(name, { step, pre: false });
  });
  return table;
}

/** The shape of each step's output for an input of [n, 3, h, w] (null where a size hits 0). */
export function vggStepShapes(config: VggConfig, input: readonly number[]): number[][] {
  const [n, , h0, w0] = input;
  let [c, h, w] = [3, h0, w0];
  return vggSteps(config).map((s) => {
    if (s.kind === "conv") c = (s.layer as VggConv).cout;
    else if (s.kind === "pool") [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    else if (s.kind === "avgpool") [h, w] = [VGG_POOL, VGG_POOL];
    else return [n, s.fc === 3 ? config.classes : config.hidden];
    return [n, c, h, w];
  });
}
