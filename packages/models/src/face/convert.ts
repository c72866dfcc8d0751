// Converts face-api's TF.js face-recognition weights to our names and PyTorch layouts (float32).
//
// Input: the manifest JSON and the shard bytes (face_recognition_model.bin). Output: one tensor
// per parameter, named as in architecture.ts (`layer2.0.conv1.weight`, ...), conv kernels OIHW
// and the fc matrix [out, in], each remembering its TF.js name. No tfjs dependency.

import { type FaceParam, faceParams } from "./architecture.ts";
import { decodeTfjsWeights, type TfjsManifest } from "./tfjs-weights.ts";

export interface FaceTensor {
  shape: number[];
  data: Float32Array;
  /** The TF.js weight this came from, its shape there, and how it was stored in the .bin. */
  tfName: string;
  tfShape: number[];
  storage: string;
}

/**
 * Permutes a dense row-major array: `out[perm applied]`. `perm[i]` is the input axis that
 * becomes output axis i, as in numpy.transpose; HWIO → OIHW is perm [3, 2, 0, 1].
 */
export function transpose(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  // Walking the output in order, each output axis steps the input by its source axis's stride.
  const step = perm.map((axis) => inStrides[axis]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    for (let a = rank - 1; a >= 0; a--) {
      index[a]++;
      src += step[a];
      if (index[a] < outShape[a]) break;
      src -= step[a] * outShape[a];
      index[a] = 0;
    }
  }
  return out;
}

const PERMUTATION: Record<FaceParam["layout"], number[] | null> = {
  "OIHW<-HWIO": [3, 2, 0, 1],
  "OI<-IO": [1, 0],
  vector: null,
};

/**
 * Decodes and renames every weight. Throws if the manifest holds a weight the architecture
 * does not know, lacks one it needs, or disagrees on a shape: the table in architecture.ts
 * and the file must describe the same network.
 */
export function convertFaceWeights(
  manifest: TfjsManifest,
  bytes: Uint8Array,
): Map<string, FaceTensor> {
  const decoded = decodeTfjsWeights(manifest, bytes);
  const params = faceParams();
  const known = new Set(params.map((p) => p.tfName));
  const unknown = [...decoded.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`weights not in the architecture: ${unknown.join(", ")}`);

  const out = new Map<string, FaceTensor>();
  for (const p of params) {
    const w = decoded.get(p.tfName);
    if (!w) throw new Error(`missing weight ${p.tfName} (for ${p.name})`);
    if (w.shape.join() !== p.tfShape.join()) {
      throw new Error(`${p.tfName}: shape [${w.shape}], architecture expects [${p.tfShape}]`);
    }
    const perm = PERMUTATION[p.layout];
    const data = perm ? transpose(w.data, w.shape, perm) : w.data;
    out.set(p.name, {
      shape: p.shape,
      data,
      tfName: p.tfName,
      tfShape: w.shape,
      storage: w.storage,
    });
  }
  return out;
}

/** What a safetensors writer needs: tensors by name plus string metadata. */
export interface SafetensorsInput {
  tensors: Record<string, { dtype: string; shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
}

/**
 * Packs converted weights for `writeSafetensors(tensors, metadata)`. The metadata keeps the
 * provenance and, as JSON, each tensor's TF.js name, so the file explains itself.
 */
export function faceSafetensorsInput(weights: Map<string, FaceTensor>): SafetensorsInput {
  const tensors: SafetensorsInput["tensors"] = {};
  const tfNames: Record<string, string> = {};
  for (const [name, t] of weights) {
    tensors[name] = { dtype: "F32", shape: t.shape, data: t.data };
    tfNames[name] = `${t.tfName} [${t.tfShape}] ${t.storage}`;
  }
  return {
    tensors,
    metadata: {
      format: "pt",
      model: "dlib face recognition ResNet (dlib_face_recognition_resnet_model_v1), 128-D",
      source: "@vladmandic/face-api model/face_recognition_model (TF.js, mostly uint8-quantised)",
      license: "weights: public domain (dlib); converted by packages/models/scripts",
      layout: "NCHW; conv weights OIHW; fc.weight [out, in]; see packages/models/FACE.md",
      preprocessing: "RGB 150x150, (pixel - [122.782, 117.001, 104.298]) / 255",
      tf_names: JSON.stringify(tfNames),
    },
  };
}
