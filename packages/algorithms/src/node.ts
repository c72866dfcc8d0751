// @sheep/algorithms for Node: everything in index.ts, plus loading a network from weight files
// as a DreamModel — VGG16/VGG19 from safetensors in any dialect, or the face network converted
// from the @vladmandic/face-api package. The CLI's model flags are this function's options.

import { existsSync } from "node:fs";
import { imageToNCHW, nchwToImage, readImageFile, writeImageFile } from "@sheep/io";
import { loadFaceNetFile, loadVggFile, type VggArch, weightsPath } from "@sheep/models/node";
import { type Tensor, tensor } from "@sheep/tensor";
import type { DreamModel } from "./model.ts";
import { faceDreamModel } from "./models/face.ts";
import { vggDreamModel } from "./models/vgg.ts";

export * from "./index.ts";

export type ModelName = "face" | VggArch;

export interface LoadModelOptions {
  /** Which network. Default: VGG16 when its weights are pulled (or given), else the face net. */
  model?: ModelName;
  /** A weights file (safetensors); default: the registry's cached file for the model. */
  weights?: string;
  /** For VGG: the taps that will be used, so that only the layers up to them are read. */
  taps?: readonly string[];
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
  const known: ModelName[] = ["face", "vgg16", "vgg19"];
  if (o.model !== undefined && !known.includes(o.model)) {
    throw new Error(`unknown model "${o.model}" (face, vgg16 or vgg19)`);
  }
  if (o.weights !== undefined && !existsSync(o.weights)) {
    throw new Error(`no weights file at ${o.weights}`);
  }
  let name = o.model;
  let note: string | undefined;
  if (!name) {
    if (o.weights) name = "vgg16";
    else if (existsSync(weightsPath("vgg16"))) name = "vgg16";
    else {
      name = "face";
      note =
        "no VGG16 weights (`sheep weights pull vgg16`, or --weights FILE): using the face " +
        "network instead";
    }
  }
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
