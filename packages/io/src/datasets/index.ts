// Datasets: the IDX format and Fashion-MNIST (Node: they read files).

export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  type FashionMnist,
  type FashionMnistOptions,
  loadFashionMnist,
} from "./fashion-mnist.ts";
export {
  encodeIdx,
  type IdxArray,
  type IdxData,
  IdxError,
  type IdxErrorCode,
  type IdxType,
  parseIdx,
} from "./idx.ts";
export { readIdxFile } from "./idx-file.ts";
