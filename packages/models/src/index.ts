// @sheep/models: safetensors in and out, model definitions, weights registry and downloads.
// Browser-safe: Node-only parts (files, the cache, the downloader) are in ./node.ts.

export { CaffeError, type Caffemodel, readCaffemodel } from "./caffe/caffemodel.ts";
export {
  type CaffeConversion,
  type CaffeToSafetensorsOptions,
  caffeConversion,
  caffemodelToSafetensors,
} from "./caffe/caffemodel-convert.ts";
export {
  type CaffemodelSummary,
  formatCaffemodelSummary,
  summarizeCaffemodel,
} from "./caffe/caffemodel-inspect.ts";
export {
  type CaffemodelToWrite,
  type WriteCaffemodelOptions,
  writeCaffemodel,
} from "./caffe/caffemodel-write.ts";
export * from "./caffe/net-index.ts";
export {
  type ClassifyOptions,
  classify,
  classifyBatch,
  classProbabilities,
  type Prediction,
} from "./classify.ts";
export * from "./download/index.ts";
export * from "./face/architecture.ts";
export { convertFaceWeights, type FaceTensor, faceSafetensorsInput } from "./face/convert.ts";
export * from "./face/detect-architecture.ts";
export { loadFaceLandmarkNet, loadTinyFaceDetector } from "./face/detect-load.ts";
export * from "./face/detector.ts";
export * from "./face/landmarks.ts";
export { loadFaceNet } from "./face/load.ts";
export { FACE_TAPS, FaceNet } from "./face/model.ts";
export {
  legacyBilinearMatrix,
  padToSquare,
  prepareFaceImage,
  resizeBilinearLegacy,
} from "./face/preprocess.ts";
export { convertTfjsParams, tfjsSafetensorsInput } from "./face/tfjs-convert.ts";
export { concatShards, decodeTfjsWeights, type TfjsManifest } from "./face/tfjs-weights.ts";
export { IMAGENET_LABELS_ATTRIBUTION, imagenetLabels } from "./labels.ts";
export {
  PREPROCESSING,
  type Preprocessing,
  type PresetName,
  preprocessingFor,
} from "./preprocess.ts";
export * from "./safetensors/index.ts";
export { type LoadOptions, loadTensors, saveTensors } from "./tensors.ts";
export * from "./vgg/index.ts";
export { checkWeights, type ShapeMismatch, WeightsError } from "./weights-check.ts";
