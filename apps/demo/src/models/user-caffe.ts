// The user's own Caffe network, opened from files on their disk: a .caffemodel (converted to
// safetensors here, in the browser) or an already converted .safetensors, its deploy prototxt,
// and optionally the synset words that name its classes. What the Models card summarises and
// what the dream and feature-visualisation pages dream with as the model "caffe".

import { type DreamModel, userCaffeDreamModel } from "@sheep/algorithms";
import {
  caffemodelToSafetensors,
  type LoadedCaffeNet,
  loadCaffeSafetensors,
  SafetensorsReader,
} from "@sheep/models";

/** The files as the user gave them. */
export interface UserCaffeFiles {
  weights: File;
  prototxt?: File;
  synsets?: File;
}

/** A user's Caffe net on the GPU, with what people should know about it. */
export interface UserCaffe {
  /** For people: the weight file's name. */
  origin: string;
  /** The net's name (from the file, else the prototxt). */
  name: string;
  layers: number;
  params: number;
  dreamLayer: string;
  /** Class names come with it (synset lines, one per class score). */
  hasClasses: boolean;
  /** Feature maps (convolutions, concats, poolings, LRN), in forward order. */
  taps: string[];
  /** The weights as safetensors, kept to upload again after a lost device. */
  safetensors: Uint8Array;
  prototxt?: string;
  synsets?: string[];
  /** The weight tensors' names (what to dispose). */
  tensors: readonly string[];
}

/** Read and convert the files, build the net once to check it, and summarise it. */
export async function openUserCaffe(
  files: UserCaffeFiles,
): Promise<{ info: UserCaffe; loaded: LoadedCaffeNet; model: DreamModel }> {
  const prototxt = files.prototxt ? await files.prototxt.text() : undefined;
  const labels = files.synsets ? (await files.synsets.text()).trimEnd() : undefined;
  const bytes = new Uint8Array(await files.weights.arrayBuffer());
  const isCaffemodel = !/\.safetensors$/i.test(files.weights.name);
  if (isCaffemodel && prototxt === undefined) {
    throw new Error(
      `${files.weights.name}: a .caffemodel needs its deploy .prototxt (the net's layers are not in it)`,
    );
  }
  // A .caffemodel becomes the same safetensors file `sheep weights convert` writes.
  const safetensors = isCaffemodel ? caffemodelToSafetensors(bytes, { prototxt, labels }) : bytes;
  const info: UserCaffe = {
    origin: files.weights.name,
    name: "",
    layers: 0,
    params: 0,
    dreamLayer: "",
    hasClasses: false,
    taps: [],
    safetensors,
    prototxt,
    synsets: labels?.split("\n"),
    tensors: [],
  };
  const { loaded, model } = await buildUserCaffe(info);
  const reader = await SafetensorsReader.open(safetensors);
  info.tensors = reader.names;
  info.params = reader.names.reduce(
    (n, k) => n + reader.entry(k).shape.reduce((a, b) => a * b, 1),
    0,
  );
  info.name = loaded.net.spec.name || reader.metadata.net || files.weights.name;
  info.layers = loaded.net.spec.layers.length;
  info.dreamLayer = Object.keys(model.dreamLayers ?? {})[0] ?? "";
  info.hasClasses = (model.classes?.length ?? 0) > 0;
  const mapTypes = new Set(["Convolution", "Concat", "Pooling", "LRN"]);
  const tops = loaded.net.spec.layers.filter((l) => mapTypes.has(l.type)).map((l) => l.tops[0]);
  info.taps = [...new Set(tops)];
  return { info, loaded, model };
}

/** Upload the weights and build the DreamModel (again, after a lost device). */
export async function buildUserCaffe(
  info: UserCaffe,
): Promise<{ loaded: LoadedCaffeNet; model: DreamModel }> {
  const fromFile = await loadCaffeSafetensors(info.safetensors, { prototxt: info.prototxt });
  // Synset words given beside a converted file name its classes too.
  const loaded: LoadedCaffeNet = info.synsets ? { ...fromFile, synsets: info.synsets } : fromFile;
  try {
    return { loaded, model: userCaffeDreamModel(loaded) };
  } catch (e) {
    const reader = await SafetensorsReader.open(info.safetensors);
    disposeUserCaffe(loaded, reader.names);
    throw e;
  }
}

/** Free the net's weights on the GPU. */
export function disposeUserCaffe(loaded: LoadedCaffeNet, tensors: readonly string[]): void {
  for (const name of tensors) loaded.net.weight(name)?.dispose();
}
