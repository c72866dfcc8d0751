// @sheep/algorithms for Node: everything in index.ts, plus loading a network from weight files
// as a DreamModel — GoogLeNet and SqueezeNet shipped in the repo (GoogLeNet is the default),
// VGG16/VGG19 from safetensors in any dialect, or the face network converted from the
// @vladmandic/face-api package. The CLI's model flags are this function's options.

import { existsSync, readFileSync } from "node:fs";
import { imageToNCHW, nchwToImage, readImageFile, writeImageFile } from "@sheep/io";
import {
  caffemodelToSafetensors,
  loadCaffeSafetensors,
  loadFaceNetFile,
  loadGoogLeNetFile,
  loadSqueezeNetFile,
  loadVggFile,
  shippedWeightsPath,
  type VggArch,
  weightsPath,
} from "@sheep/models/node";
import { type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "./model.ts";
import { userCaffeDreamModel } from "./models/caffe.ts";
import { faceDreamModel } from "./models/face.ts";
import { googLeNetDreamModel } from "./models/googlenet.ts";
import { squeezeNetDreamModel } from "./models/squeezenet.ts";
import { vggDreamModel } from "./models/vgg.ts";

export { folderPictures, readIndexFile, writeIndexFile } from "./embed/search-node.ts";
export { galleryItemsFromFolder, personFromFile } from "./faces/gallery-node.ts";
export { loadFaceModels } from "./faces/models-node.ts";
export * from "./index.ts";

export type ModelName = "googlenet" | "squeezenet" | "face" | VggArch | "caffe";

/** Every network loadDreamModel knows, the default first. */
export const MODEL_NAMES: readonly ModelName[] = [
  "googlenet",
  "squeezenet",
  "face",
  "vgg16",
  "vgg19",
  "caffe",
];

export interface LoadModelOptions {
  /**
   * Which network. Default: GoogLeNet (shipped with the project); VGG16 when only `weights` is
   * given (a VGG file, as before GoogLeNet shipped).
   */
  model?: ModelName;
  /** A weights file (safetensors); default: the registry's cached file for the model. */
  weights?: string;
  /** For VGG: the taps that will be used, so that only the layers up to them are read. */
  taps?: readonly string[];
  /**
   * For `caffe`: the deploy prototxt of `weights` (a .caffemodel, or a safetensors file converted
   * without one; a file converted with `--prototxt` carries its own).
   */
  prototxt?: string;
  /** For `caffe`: class labels, one per line (synset_words.txt), for class names. */
  labels?: string;
}

export interface LoadedModel {
  model: DreamModel;
  /** The weights file it came from. */
  path: string;
  /** Why this network was chosen, when the caller did not name one (to show the user). */
  note?: string;
}

/** Load a DreamModel from weight files, choosing the network as the options say. */
export async function loadDreamModel(o: LoadModelOptions = {}): Promise<LoadedModel> {
  if (o.model !== undefined && !MODEL_NAMES.includes(o.model)) {
    throw new Error(`unknown model "${o.model}" (${MODEL_NAMES.join(", ")})`);
  }
  if (o.weights !== undefined && !existsSync(o.weights)) {
    throw new Error(`no weights file at ${o.weights}`);
  }
  const name: ModelName = o.model ?? (o.weights ? "vgg16" : "googlenet");
  const note: string | undefined = undefined;
  if (name === "googlenet" || name === "squeezenet") {
    const m =
      name === "googlenet"
        ? await loadGoogLeNetFile(o.weights)
        : await loadSqueezeNetFile(o.weights);
    const model = name === "googlenet" ? googLeNetDreamModel(m) : squeezeNetDreamModel(m);
    return { model, path: o.weights ?? shippedWeightsPath(m.info.file), note };
  }
  if (name === "caffe") return { model: await loadUserCaffe(o), path: o.weights ?? "", note };
  if (name === "face") {
    const net = await loadFaceNetFile(o.weights);
    return { model: faceDreamModel(net), path: o.weights ?? "face-api (converted)", note };
  }
  const path = o.weights ?? weightsPath(name);
  if (!existsSync(path)) {
    throw new Error(
      `no ${name.toUpperCase()} weights at ${path}: run \`sheep weights pull ${name}\``,
    );
  }
  // Without --model, the file's own names say VGG16 or VGG19.
  const vgg = await loadVggFile(path, { taps: o.taps, arch: o.model as VggArch | undefined });
  return { model: vggDreamModel(vgg), path, note };
}

/**
 * A user's Caffe model: a .caffemodel with its deploy prototxt (converted in memory), or a
 * safetensors file from `sheep weights convert`; labels, when given, name the classes.
 */
async function loadUserCaffe(o: LoadModelOptions): Promise<DreamModel> {
  const file = o.weights;
  if (!file) {
    throw new Error(
      "--model caffe needs --weights FILE (a .caffemodel or a converted .safetensors)",
    );
  }
  for (const [what, path] of [
    ["prototxt", o.prototxt],
    ["labels", o.labels],
  ] as const) {
    if (path !== undefined && !existsSync(path)) throw new Error(`no ${what} file at ${path}`);
  }
  const prototxt = o.prototxt === undefined ? undefined : readFileSync(o.prototxt, "utf8");
  const labels = o.labels === undefined ? undefined : readFileSync(o.labels, "utf8").trimEnd();
  let bytes = new Uint8Array(readFileSync(file));
  if (file.toLowerCase().endsWith(".caffemodel")) {
    if (prototxt === undefined) {
      throw new Error(`${file} is a .caffemodel: its deploy prototxt is needed too (--prototxt)`);
    }
    bytes = caffemodelToSafetensors(bytes, { prototxt, labels }) as Uint8Array<ArrayBuffer>;
  }
  const loaded = await loadCaffeSafetensors(bytes, { prototxt });
  const synsets = labels?.split("\n") ?? loaded.synsets;
  return userCaffeDreamModel({ ...loaded, synsets });
}

/** An image file (PNG or JPEG, EXIF orientation applied) as a [1, 3, H, W] tensor in [0, 1]. */
export async function readImageTensor(path: string): Promise<Tensor> {
  const { shape, data } = imageToNCHW(await readImageFile(path));
  return tensor(data, { shape });
}

/** Write a [1, 3, H, W] tensor in [0, 1] as PNG or JPEG (by extension), atomically. */
export async function writeImageTensor(path: string, image: Tensor): Promise<void> {
  await writeImageFile(path, nchwToImage(await image.data(), image.shape));
}
export { type DigitSplit, loadMnistDigits, MNIST_TRAIN_SHARE } from "./classifiers/mnist.ts";
export { loadSmallClassifierFile, shippedWeightsPath } from "./classifiers/node.ts";
export {
  type EmbedData,
  type EmbedDataOptions,
  loadEmbedData,
  loadEmbeddingNet,
} from "./embed/node.ts";
export {
  DATASETS,
  type DatasetName,
  type LoadSetOptions,
  loadImageSet,
} from "./gan/dcgan/load.ts";
