// VGG16 and VGG19 on the engine, browser-safe: the architecture and its tap names, the three
// weight dialects, the loader, and random-weight files for tests. Node's file loader: node.ts.

export {
  type TapRef,
  VGG_BLOCKS,
  VGG_CLASSES,
  VGG_HIDDEN,
  VGG_POOL,
  VGG_WIDTHS,
  type VggArch,
  type VggConfig,
  type VggConv,
  type VggPool,
  type VggStep,
  vggConfig,
  vggFeatureLayers,
  vggStepShapes,
  vggSteps,
  vggTapTable,
} from "./architecture.ts";
export {
  detectVggArch,
  detectVggDialect,
  inferVggConfig,
  normalizeKerasKey,
  type VggDialect,
  type VggLayout,
  type VggParam,
  vggParams,
  vggWeightTable,
} from "./dialects.ts";
export { rowParts, SplitConv2d, SplitLinear } from "./layers.ts";
export { type LoadVggOptions, loadVgg } from "./load.ts";
export { type LayerParts, Vgg } from "./model.ts";
export { type HostTensor, randomVggWeights, vggSafetensors } from "./random.ts";
