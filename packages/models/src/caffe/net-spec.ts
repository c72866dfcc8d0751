// A Caffe net description read out of a parsed prototxt: the inputs with their shapes and the
// layers in order, whichever of Caffe's dialects the file speaks:
//   - `layer { type: "Convolution" … }` (current) or legacy `layers { type: CONVOLUTION … }`
//     (V1, enum types, mapped to the current names);
//   - inputs as `input: "data"` + four `input_dim`s or an `input_shape { dim … }`, or as an
//     `Input` layer with `input_param { shape { dim … } }`.
// Layers a deploy net does not run (include { phase: TRAIN }) are dropped here.

import { type PbMessage, parsePrototxt } from "./prototxt.ts";

export interface CaffeInput {
  readonly name: string;
  /** As written (N, C, H, W for images); may be empty when the file gives none. */
  readonly shape: readonly number[];
}

export interface CaffeLayerSpec {
  readonly name: string;
  /** The current type name ("Convolution"), V1 enum names already mapped. */
  readonly type: string;
  readonly bottoms: readonly string[];
  readonly tops: readonly string[];
  /** The whole layer message: the builder reads its `<type>_param` from here. */
  readonly message: PbMessage;
}

export interface CaffeNetSpec {
  readonly name: string;
  readonly inputs: readonly CaffeInput[];
  readonly layers: readonly CaffeLayerSpec[];
}

/** V1 `layers { type: … }` enum (caffe.proto's V1LayerParameter.LayerType) → current name. */
export const V1_LAYER_TYPES: Readonly<Record<string, string>> = {
  ABSVAL: "AbsVal",
  ACCURACY: "Accuracy",
  ARGMAX: "ArgMax",
  BNLL: "BNLL",
  CONCAT: "Concat",
  CONTRASTIVE_LOSS: "ContrastiveLoss",
  CONVOLUTION: "Convolution",
  DATA: "Data",
  DECONVOLUTION: "Deconvolution",
  DROPOUT: "Dropout",
  DUMMY_DATA: "DummyData",
  EUCLIDEAN_LOSS: "EuclideanLoss",
  ELTWISE: "Eltwise",
  EXP: "Exp",
  FLATTEN: "Flatten",
  HDF5_DATA: "HDF5Data",
  HDF5_OUTPUT: "HDF5Output",
  HINGE_LOSS: "HingeLoss",
  IM2COL: "Im2col",
  IMAGE_DATA: "ImageData",
  INFOGAIN_LOSS: "InfogainLoss",
  INNER_PRODUCT: "InnerProduct",
  LRN: "LRN",
  MEMORY_DATA: "MemoryData",
  MULTINOMIAL_LOGISTIC_LOSS: "MultinomialLogisticLoss",
  MVN: "MVN",
  POOLING: "Pooling",
  POWER: "Power",
  RELU: "ReLU",
  SIGMOID: "Sigmoid",
  SIGMOID_CROSS_ENTROPY_LOSS: "SigmoidCrossEntropyLoss",
  SILENCE: "Silence",
  SOFTMAX: "Softmax",
  SOFTMAX_LOSS: "SoftmaxWithLoss",
  SPLIT: "Split",
  SLICE: "Slice",
  TANH: "TanH",
  WINDOW_DATA: "WindowData",
  THRESHOLD: "Threshold",
};

/** The same enum by number, as a binary V1 caffemodel stores it. */
export const V1_LAYER_TYPE_NUMBERS: Readonly<Record<number, string>> = {
  35: "AbsVal",
  1: "Accuracy",
  30: "ArgMax",
  2: "BNLL",
  3: "Concat",
  37: "ContrastiveLoss",
  4: "Convolution",
  5: "Data",
  39: "Deconvolution",
  6: "Dropout",
  32: "DummyData",
  7: "EuclideanLoss",
  25: "Eltwise",
  38: "Exp",
  8: "Flatten",
  9: "HDF5Data",
  10: "HDF5Output",
  28: "HingeLoss",
  11: "Im2col",
  12: "ImageData",
  13: "InfogainLoss",
  14: "InnerProduct",
  15: "LRN",
  29: "MemoryData",
  16: "MultinomialLogisticLoss",
  34: "MVN",
  17: "Pooling",
  26: "Power",
  18: "ReLU",
  19: "Sigmoid",
  27: "SigmoidCrossEntropyLoss",
  36: "Silence",
  20: "Softmax",
  21: "SoftmaxWithLoss",
  22: "Split",
  33: "Slice",
  23: "TanH",
  24: "WindowData",
  31: "Threshold",
};

/** Whether a layer runs in the TEST phase (what a deploy net is), by its include/exclude rules. */
function runsAtTest(layer: PbMessage): boolean {
  const phase = (rule: PbMessage) => rule.enumName("phase", "");
  const includes = layer.msgs("include");
  if (includes.length > 0 && !includes.some((r) => ["TEST", "1", ""].includes(phase(r)))) {
    return false;
  }
  return !layer.msgs("exclude").some((r) => ["TEST", "1"].includes(phase(r)));
}

function layerType(layer: PbMessage, legacy: boolean, where: string): string {
  const t = layer.get("type");
  if (t === undefined) throw new Error(`${where} has no type`);
  if (typeof t === "string") return t;
  if (typeof t === "number") {
    const name = V1_LAYER_TYPE_NUMBERS[t];
    if (!name) throw new Error(`${where} has the unknown V1 layer type number ${t}`);
    return name;
  }
  const name = String(t);
  if (legacy || name in V1_LAYER_TYPES) {
    const mapped = V1_LAYER_TYPES[name];
    if (!mapped) throw new Error(`${where} has the unknown V1 layer type ${name}`);
    return mapped;
  }
  return name;
}

/** Read a parsed prototxt (or its text) as a net description. Errors name the layer. */
export function caffeNetSpec(input: PbMessage | string): CaffeNetSpec {
  const net = typeof input === "string" ? parsePrototxt(input) : input;
  const inputs: CaffeInput[] = [];
  // Legacy inputs: `input` names, then `input_shape { dim }` per input, or 4 `input_dim`s each.
  const names = net.strs("input");
  const shapes = net.msgs("input_shape").map((s) => s.nums("dim"));
  const dims = net.nums("input_dim");
  names.forEach((name, i) => {
    const shape = shapes[i] ?? dims.slice(4 * i, 4 * i + 4);
    inputs.push({ name, shape });
  });

  const layers: CaffeLayerSpec[] = [];
  const current = net.msgs("layer");
  const legacy = net.msgs("layers");
  if (current.length > 0 && legacy.length > 0) {
    throw new Error("a prototxt mixes `layer { }` and legacy `layers { }`: use one of them");
  }
  (current.length > 0 ? current : legacy).forEach((m, i) => {
    const name = m.str("name", `layer ${i}`);
    const where = `layer "${name}"`;
    if (!runsAtTest(m)) return;
    const type = layerType(m, legacy.length > 0, where);
    const tops = m.strs("top");
    if (type === "Input") {
      const shapesOf = m.msg("input_param")?.msgs("shape") ?? [];
      tops.forEach((top, j) => {
        inputs.push({ name: top, shape: (shapesOf[j] ?? shapesOf[0])?.nums("dim") ?? [] });
      });
      return;
    }
    layers.push({ name, type, bottoms: m.strs("bottom"), tops, message: m });
  });
  if (inputs.length === 0) {
    throw new Error('the prototxt declares no input: expected `input: "data"` or an `Input` layer');
  }
  return { name: net.str("name", "net"), inputs, layers };
}
