// Converts any face-api TF.js model described by a TfjsParam table (detect-architecture.ts) to
// our names and PyTorch layouts, and packs it for safetensors with its provenance. The
// recognition net keeps its own converter (convert.ts); this is the same recipe, table-driven.

import { type FaceTensor, type SafetensorsInput, transpose } from "./convert.ts";
import type { TfjsParam } from "./detect-architecture.ts";
import { decodeTfjsWeights, type TfjsManifest } from "./tfjs-weights.ts";

/**
 * Decodes, renames and permutes every weight. Throws, naming the model, if the manifest holds
 * a weight the table lacks, lacks one it needs, or disagrees on a shape.
 */
export function convertTfjsParams(
  model: string,
  params: readonly TfjsParam[],
  manifest: TfjsManifest,
  bytes: Uint8Array,
): Map<string, FaceTensor> {
  const decoded = decodeTfjsWeights(manifest, bytes);
  const known = new Set(params.map((p) => p.tfName));
  const unknown = [...decoded.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(`${model}: weights not in the table: ${unknown.join(", ")}`);
  const out = new Map<string, FaceTensor>();
  for (const p of params) {
    const w = decoded.get(p.tfName);
    if (!w) throw new Error(`${model}: missing weight ${p.tfName} (for ${p.name})`);
    if (w.shape.join() !== p.tfShape.join()) {
      throw new Error(
        `${model}: ${p.tfName} has shape [${w.shape}], the table expects [${p.tfShape}]`,
      );
    }
    const data = p.perm ? transpose(w.data, w.shape, p.perm) : w.data;
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

/** Tensors by name plus metadata that keeps each tensor's TF.js name and the file's origin. */
export function tfjsSafetensorsInput(
  weights: Map<string, FaceTensor>,
  about: { model: string; source: string; preprocessing: string },
): SafetensorsInput {
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
      model: about.model,
      source: about.source,
      license: "MIT (face-api's models and packaging); converted by @sheep/models",
      layout: "NCHW; conv weights OIHW; depthwise [C, 1, 3, 3] (groups = C); fc.weight [out, in]",
      preprocessing: about.preprocessing,
      tf_names: JSON.stringify(tfNames),
    },
  };
}
