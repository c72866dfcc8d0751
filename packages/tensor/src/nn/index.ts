// nn: modules with named parameters, layers, initialisers and losses.

export { assign } from "./assign.ts";
export {
  Conv2d,
  type Conv2dLayerOptions,
  ConvTranspose2d,
  type ConvTranspose2dLayerOptions,
} from "./conv.ts";
export * as init from "./init.ts";
export {
  defaultInit,
  Flatten,
  Identity,
  type LayerOptions,
  LeakyReLU,
  Linear,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from "./layers.ts";
export * from "./loss.ts";
export { type Layer, type LoadResult, Module, StateDictError } from "./module.ts";
export { BatchNorm2d, type BatchNormLayerOptions, Dropout } from "./norm.ts";
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "./pool.ts";
