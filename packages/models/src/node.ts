// @sheep/models for Node: everything in index.ts plus files, the cache and the downloader.

export {
  type ConvertResult,
  convertCaffemodelFile,
  readCaffemodelFile,
} from "./caffe/caffemodel-node.ts";
export { loadGoogLeNetFile, loadSqueezeNetFile, shippedWeightsPath } from "./caffe/node.ts";
export * from "./download/node.ts";
export {
  convertFaceApiModel,
  FACE_DETECT_SHA256,
  FACE_DETECTOR_FILE,
  FACE_LANDMARKS_FILE,
  faceDetectWeightsPath,
  loadFaceLandmarkNetFile,
  loadTinyFaceDetectorFile,
} from "./face/detect-weights-node.ts";
export { loadFaceNetFile } from "./face/node.ts";
export {
  convertFaceApiWeights,
  FACE_FILE,
  faceApiModelDir,
  faceWeightsPath,
} from "./face/weights-node.ts";
export * from "./index.ts";
export * from "./safetensors/node.ts";
export { loadVggFile } from "./vgg/node.ts";
