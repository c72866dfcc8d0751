// Caffe's legacy V1 layer types. A V1 file (`layers { type: CONVOLUTION }`, field 2 of
// NetParameter) names its type with an enum; the current format (`layer { type:
// "Convolution" }`, field 100) with a string. These are the enum numbers of
// caffe.proto's V1LayerParameter.LayerType and the strings Caffe's own upgrade gives them
// (UpgradeV1LayerType in upgrade_proto.cpp), so both formats come out with the same names.

export const V1_LAYER_TYPES: Readonly<Record<number, string>> = {
  0: "", // NONE
  1: "Accuracy",
  2: "BNLL",
  3: "Concat",
  4: "Convolution",
  5: "Data",
  6: "Dropout",
  7: "EuclideanLoss",
  8: "Flatten",
  9: "HDF5Data",
  10: "HDF5Output",
  11: "Im2col",
  12: "ImageData",
  13: "InfogainLoss",
  14: "InnerProduct",
  15: "LRN",
  16: "MultinomialLogisticLoss",
  17: "Pooling",
  18: "ReLU",
  19: "Sigmoid",
  20: "Softmax",
  21: "SoftmaxWithLoss",
  22: "Split",
  23: "TanH",
  24: "WindowData",
  25: "Eltwise",
  26: "Power",
  27: "SigmoidCrossEntropyLoss",
  28: "HingeLoss",
  29: "MemoryData",
  30: "ArgMax",
  31: "Threshold",
  32: "DummyData",
  33: "Slice",
  34: "MVN",
  35: "AbsVal",
  36: "Silence",
  37: "ContrastiveLoss",
  38: "Exp",
  39: "Deconvolution",
};

/** The V1 enum number of a type string, for writing legacy files; undefined if V1 had none. */
export function v1TypeNumber(type: string): number | undefined {
  for (const [n, name] of Object.entries(V1_LAYER_TYPES)) if (name === type) return Number(n);
  return undefined;
}
