// @sheep/algorithms: the "networks that dream" pipelines as plain functions — DeepDream and
// feature visualisation — over any network that implements DreamModel. Browser-safe: reading
// weight files is in ./node.ts.

export {
  ATTACK_METHODS,
  type AttackMethod,
  type AttackOptions,
  type AttackProgress,
  attack,
  attackAsync,
  checkAttackOptions,
  flatLogits,
  type Norm,
  predict,
  project,
} from "./adversarial/attack.ts";
// the attack & attribution demo page: a shipped test batch, brush occlusion, top classes
export { labelledBatchFile, readLabelledBatch } from "./adversarial/batch.ts";
export { classIndex } from "./adversarial/classes.ts";
export { classLoss, type Labels, labelTensor } from "./adversarial/loss.ts";
export {
  epsilonSweep,
  type LabelledImages,
  type SweepOptions,
  type SweepPoint,
} from "./adversarial/sweep.ts";
export { BrushOcclusion, type BrushScore } from "./attribution/brush.ts";
export { type GradCam, type GradCamOptions, gradCam } from "./attribution/gradcam.ts";
export {
  type Attribution,
  type GradientOptions,
  type IntegratedGradients,
  type IntegratedGradientsOptions,
  integratedGradients,
  type SmoothGradOptions,
  saliency,
  smoothGrad,
} from "./attribution/gradients.ts";
export { inferno, type OverlayOptions, overlayHeatmap } from "./attribution/heatmap.ts";
export {
  type OcclusionMap,
  type OcclusionOptions,
  occlusion,
  windowStarts,
} from "./attribution/occlusion.ts";
export { classScore, type RankedClass, topClasses } from "./attribution/score.ts";
export {
  type LoadedClassifier,
  loadSmallClassifier,
  SMALL_CLASSIFIERS,
  type SmallClassifierName,
} from "./classifiers/load.ts";
export {
  DIGIT_CLASSES,
  FASHION_CLASSES,
  fashionCnn,
  lenet,
  type SmallClassifier,
  smallClassifierModel,
  TappedNet,
} from "./classifiers/small.ts";
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
  type DreamStepOptions,
  dream,
  dreamStep,
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
export { clusteringNmi, kMeans, nmi } from "./embed/clustering.ts";
export {
  cosineDistances,
  cosineSimilarity,
  distances,
  euclideanDistances,
  eyeLike,
  l2Normalize,
  METRICS,
  type Metric,
  safeSqrt,
  squaredDistances,
} from "./embed/distances.ts";
export { type Eigen, jacobiEigen, subspaceEigen } from "./embed/eigen.ts";
export {
  type EmbedMetrics,
  type EvaluateOptions,
  evaluateEmbedding,
  formatMetrics,
} from "./embed/evaluate.ts";
export { parseHoldout, subsetByClass, trainClasses } from "./embed/holdout.ts";
export { kMeansGpu } from "./embed/kmeans-gpu.ts";
export {
  type BufferLimits,
  type KnnOptions,
  type KnnResult,
  knn,
  knnChunks,
  topK,
} from "./embed/knn.ts";
export {
  type EmbeddingInfo,
  type EmbeddingName,
  type LoadedEmbedding,
  loadEmbeddingNetBytes,
  SHIPPED_EMBEDDINGS,
  saveEmbeddingNet,
} from "./embed/load.ts";
export {
  contrastiveLoss,
  crossEntropy,
  type MarginKind,
  type MarginOptions,
  marginSoftmaxLoss,
  softmaxLoss,
  type TripletOptions,
  type TripletResult,
  tripletLoss,
} from "./embed/losses.ts";
export {
  type LabelMasks,
  labelMasks,
  MININGS,
  type Mined,
  type Mining,
  mine,
  mineAll,
  mineHard,
  mineSemiHard,
} from "./embed/mining.ts";
export {
  CollapseMonitor,
  type CollapseRecord,
  type MonitorOptions,
} from "./embed/monitor.ts";
export {
  EMBED_SIDE,
  EMBEDDING_DEFAULTS,
  EmbeddingNet,
  type EmbeddingShape,
  embedImages28,
} from "./embed/net.ts";
export {
  type PcaOptions,
  type PcaResult,
  type Projection,
  type ProjectMethod,
  type ProjectOptions,
  pca,
  projectEmbeddings,
  trustworthiness,
} from "./embed/projector.ts";
export {
  cmcCurve,
  mapAtR,
  precisionAt1,
  rankLabels,
  recallAtK,
  rPrecision,
} from "./embed/retrieval.ts";
export { type PKOptions, pkSampler } from "./embed/sampler.ts";
export {
  type BuildIndexOptions,
  buildIndex,
  decodeIndex,
  encodeIndex,
  type FeatureExtractor,
  googLeNetFeatures,
  type IndexProgress,
  type PictureIndex,
  type PictureSource,
  pictureTensor,
  queryFeatures,
  type SearchHit,
  searchIndex,
} from "./embed/search.ts";
export {
  checkEmbedConfig,
  EMBED_LOSSES,
  EMBED_TRAIN_DEFAULTS,
  EmbeddingTrainer,
  type EmbedLoss,
  type EmbedStepRecord,
  type EmbedTrainConfig,
  type EmbedTrainResult,
  trainEmbedding,
} from "./embed/train.ts";
export {
  calibrateRow,
  type TsneOptions,
  type TsneProgress,
  type TsneResult,
  tsne,
} from "./embed/tsne.ts";
export {
  auc,
  eer,
  type FoldResult,
  kFoldAccuracy,
  type RocPoint,
  roc,
  tarAtFar,
} from "./embed/verification.ts";
export * from "./faces/align.ts";
export { drawFaces } from "./faces/draw.ts";
export * from "./faces/faces.ts";
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
export { SavableAdam } from "./gan/dcgan/adam-state.ts";
export {
  type LoadedGenerator,
  loadCheckpoint,
  loadGenerator,
  saveCheckpoint,
  saveGenerator,
} from "./gan/dcgan/checkpoint.ts";
export { gather, type ImageSet, imageSet, PIXELS, SIDE, tileGrid } from "./gan/dcgan/data.ts";
export { type Scores, scoreImages } from "./gan/dcgan/evaluate.ts";
export { embedImages, FEATURE_TAPS, featureTap } from "./gan/dcgan/features.ts";
export {
  arithmetic,
  codeOf,
  generate,
  type InvertOptions,
  ink,
  inkExemplars,
  invert,
  lerp,
  meanCode,
  slerp,
  walk,
} from "./gan/dcgan/latent.ts";
export {
  type Features,
  features,
  fid,
  frechetDistance,
  inceptionScore,
  kid,
  meanCov,
  precisionRecall,
  sqrtPsd,
} from "./gan/dcgan/metrics.ts";
export {
  checkDcganShape,
  DCGAN_DEFAULTS,
  type DcganShape,
  Discriminator,
  dcganInit,
  Generator,
  oneHotRows,
} from "./gan/dcgan/nets.ts";
export { type RunOptions, runDcgan, sampleImages } from "./gan/dcgan/run.ts";
export {
  checkDcganConfig,
  DCGAN_LOSSES,
  DCGAN_TRAIN_DEFAULTS,
  Dcgan,
  type DcganConfig,
  type DcganLoss,
  type DcganRecord,
  generatorLoss,
  nsDiscriminatorLoss,
  wganGpCriticLoss,
} from "./gan/dcgan/train.ts";
export {
  drawnData,
  TOY_DATA,
  type ToyData,
  type ToyDataName,
  type ToyDataOptions,
  toyData,
} from "./gan/toy/data.ts";
export {
  dLoss,
  GAN_LOSSES,
  type GanLoss,
  gLoss,
  gradientPenalty,
  r1Penalty,
  softplus,
} from "./gan/toy/losses.ts";
export { type Coverage, coverage, type ToyRecord } from "./gan/toy/metrics.ts";
export { ACTIVATIONS, type Activation, Mlp, type MlpShape } from "./gan/toy/mlp.ts";
export {
  OPTIMIZERS,
  type OptimizerKind,
  type OptimizerSpec,
  TOY_DEFAULTS,
  ToyGan,
  type ToyGanConfig,
  type TrainOptions,
  trainToy,
} from "./gan/toy/train.ts";
export {
  discriminatorArrows,
  discriminatorMap,
  type FrameImage,
  type FrameInput,
  generatorGrid,
  planeGrid,
  renderFrame,
} from "./gan/toy/view.ts";
export {
  altInvariant,
  egRate,
  gdRadius,
  XY_METHODS,
  type XyArrow,
  type XyMethod,
  type XyOptions,
  type XyPoint,
  type XyResult,
  xyField,
  xyGame,
} from "./gan/xy.ts";
export { checkTap, type DreamModel, logitsTapOf, tapsOf } from "./model.ts";
export { caffeDreamLayer, caffeLogitsTap, userCaffeDreamModel } from "./models/caffe.ts";
export { FACE_DREAM_LAYERS, faceDreamModel, faceTapSides } from "./models/face.ts";
export {
  caffeDreamModel,
  GOOGLENET_DREAM_LAYERS,
  googLeNetDreamModel,
} from "./models/googlenet.ts";
export { squeezeNetDreamModel } from "./models/squeezenet.ts";
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
export { lossChartSvg } from "./style/chart.ts";
export {
  colourStats,
  luminanceImage,
  luminanceInputs,
  matchColours,
  RGB_TO_YIQ,
  rgbToYiq,
  symmetricEigen,
  withChromaOf,
  yiqToRgb,
} from "./style/colour.ts";
export {
  contentTargets,
  type Evaluation,
  evaluate,
  type LossSetup,
  type LossTargets,
  type LossWeights,
  styleGrams,
} from "./style/evaluate.ts";
export { STYLE_LAYERS, type StyleLayers, styleLayersOf } from "./style/layers.ts";
export {
  contentPart,
  GRAM_NORMALIZATIONS,
  type GramNormalization,
  gramFactor,
  gramPart,
  styleLayerLoss,
  totalVariation,
} from "./style/losses.ts";
export { fourierParam, type Parameterization, pixelParam, type StyleParam } from "./style/param.ts";
export {
  blendWeights,
  type StyleOptions,
  type StyleProgress,
  type StyleResult,
  type StyleStep,
  stylize,
} from "./style/stylize.ts";
