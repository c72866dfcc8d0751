// The Caffe net builder's public names: prototxt parsing, CaffeNet, the shipped GoogLeNet
// and SqueezeNet.

export type { CaffeOp, LayerBuilder, WeightLookup } from "./layers.ts";
export {
  type LoadCaffeOptions,
  type LoadedCaffeNet,
  loadCaffeSafetensors,
  readableLabel,
  synsetNames,
} from "./load.ts";
export { CAFFE_LAYERS, CaffeNet } from "./net.ts";
export {
  type CaffeInput,
  type CaffeLayerSpec,
  type CaffeNetSpec,
  caffeNetSpec,
  V1_LAYER_TYPE_NUMBERS,
  V1_LAYER_TYPES,
} from "./net-spec.ts";
export * from "./nets.ts";
export { type CaffePooling, caffePool, caffePooledLength, caffePoolShape } from "./pool.ts";
export { PbIdent, PbMessage, type PbValue, PrototxtError, parsePrototxt } from "./prototxt.ts";
export { ohwiToOihw, readRawCaffeWeights } from "./raw.ts";
