// Any Caffe network a user brings — the VGG team's VGG_ILSVRC_16/19_layers (what neural-style
// uses), a BVLC model-zoo file, their own — as a DreamModel, from a built CaffeNet and its
// optional class labels. The prototxt says everything the adapter needs: which blob holds the
// class scores, the nominal input size, and a default layer to dream with.

import { BVLC_PREPROCESSING, type CaffeNet, type LoadedCaffeNet, synsetNames } from "@sheep/models";
import type { DreamModel } from "../model.ts";
import { caffeDreamModel } from "./googlenet.ts";

/**
 * The blob holding the class scores before softmax: the bottom of a final Softmax layer, else
 * the top of the last InnerProduct; undefined for a net with neither (no classifier).
 */
export function caffeLogitsTap(net: CaffeNet): string | undefined {
  const layers = net.spec.layers;
  const softmax = [...layers].reverse().find((l) => l.type === "Softmax");
  if (softmax) return softmax.bottoms[0];
  return [...layers].reverse().find((l) => l.type === "InnerProduct")?.tops[0];
}

/**
 * What a user's Caffe net dreams of by default: `conv4_3` in the VGG nets (the VGG counterpart of
 * GoogLeNet's inception_4c: deep enough for eyes and fur, still spatial), otherwise the feature
 * map two thirds of the way through the net's convolutions and concats.
 */
export function caffeDreamLayer(net: CaffeNet): string {
  const maps = net.spec.layers
    .filter((l) => l.type === "Convolution" || l.type === "Concat")
    .map((l) => l.tops[0]);
  if (maps.length === 0) throw new Error(`${net.spec.name}: no convolution to dream with`);
  if (maps.includes("conv4_3")) return "conv4_3";
  return maps[Math.min(maps.length - 1, Math.floor((maps.length * 2) / 3))];
}

/**
 * A user's Caffe net as a DreamModel, preprocessed as the BVLC and VGG ImageNet models were
 * trained (BGR, 0..255, minus the mean pixel). Class names come from the labels the file
 * carries (synset lines) when there is one per class score.
 */
export function userCaffeDreamModel(loaded: LoadedCaffeNet, name?: string): DreamModel {
  const { net } = loaded;
  const logitsTap = caffeLogitsTap(net);
  const input = net.spec.inputs[0];
  const side = input?.shape.length === 4 ? input.shape[3] : 0;
  let classes: string[] | undefined;
  if (logitsTap && loaded.synsets) {
    const scores = net.blobShapes([1, 3, side || 224, side || 224], [logitsTap]).get(logitsTap)!;
    if (scores[1] === loaded.synsets.length) classes = loaded.synsets.map(synsetNames);
  }
  return caffeDreamModel(
    {
      net,
      classes,
      preprocessing: BVLC_PREPROCESSING,
      info: {
        logitsTap: logitsTap ?? "logits",
        inputSize: side || 224,
        dreamLayers: { [caffeDreamLayer(net)]: 1 },
      },
    },
    name ?? (net.spec.name || "caffe"),
  );
}
