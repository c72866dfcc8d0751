// @sheep/algorithms: the "networks that dream" pipelines as plain functions — DeepDream and
// feature visualisation — over any network that implements DreamModel. Browser-safe: reading
// weight files is in ./node.ts.

export { type Canvas, canvas, drawText } from "./common/canvas.ts";
export { textWidth } from "./common/font.ts";
export {
  autoTileSize,
  type ModelProfile,
  profileModel,
  type TapGeometry,
} from "./common/profile.ts";
export { type Rng, rng } from "./common/rng.ts";
export { closest, didYouMean, editDistance, groupedNames } from "./common/suggest.ts";
export { zoomRotate } from "./common/warp.ts";
export {
  checkImage,
  type DreamOptions,
  type DreamProgress,
  dream,
  type OnProgress,
  octaveSizes,
} from "./dream/dream.ts";
export { type DreamEstimate, estimateDream, measureStep } from "./dream/estimate.ts";
export {
  type GradientNormalization,
  laplacianNormalize,
  normalizeGradient,
} from "./dream/normalize.ts";
export {
  DEFAULT_DREAM_PRESET,
  DREAM_PRESET_NAMES,
  DREAM_PRESETS,
  type DreamPresetName,
  type DreamSchedule,
} from "./dream/presets.ts";
export { type Tile, tiledValueAndGrad, tileLayout } from "./dream/tiles.ts";
export { dreamZoom, type ZoomOptions, type ZoomProgress } from "./dream/zoom.ts";
export { colourMixing, decorrelate, imagenetColourCovariance } from "./featureviz/colour.ts";
export { dftTables, irfft2, spectrumScale } from "./featureviz/fourier.ts";
export {
  ABLATION_STAGES,
  type AblationStage,
  ablation,
  channelGrid,
  type GridCell,
  type GridOptions,
  type GridProgress,
  type GridResult,
  gridLayout,
  parseChannels,
} from "./featureviz/grid.ts";
export { type ImageParam, imageParam, type ParamOptions } from "./featureviz/param.ts";
export {
  NO_TRANSFORMS,
  ROBUST_TRANSFORMS,
  rotate,
  type TransformOptions,
  transform,
} from "./featureviz/transforms.ts";
export {
  renderBatch,
  type VizOptions,
  type VizProgress,
  type VizRecipe,
  type VizSettings,
  visualize,
  vizSettings,
} from "./featureviz/visualize.ts";
export { checkTap, type DreamModel, logitsTapOf, tapsOf } from "./model.ts";
export { FACE_DREAM_LAYERS, faceDreamModel, faceTapSides } from "./models/face.ts";
export { VGG_DREAM_LAYERS, vggDreamModel } from "./models/vgg.ts";
export {
  actualPositions,
  layerObjective,
  type Objective,
  type ObjectiveTerm,
  type PreparedObjective,
  parseClassMixture,
  parseLayerWeights,
  prepareObjective,
} from "./objective.ts";
export { type ObjectiveSpec, objectiveFromSpec, tapsOfSpec } from "./spec.ts";
