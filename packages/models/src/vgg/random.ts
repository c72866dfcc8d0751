// Random VGG weights written as a safetensors file in any dialect: what tests use instead of the
// real 550 MB files (which the CI machines cannot download), at reduced width.
//
// Weights are He-normal (std √(2 / fan-in)), so activations keep their scale through 16 ReLU
// layers and the comparisons against other implementations stay meaningful at the last layer.

import { transpose } from "../face/convert.ts";
import { mulberry32 } from "../face/inputs.ts";
import { writeSafetensors } from "../safetensors/writer.ts";
import { VGG_POOL, type VggConfig } from "./architecture.ts";
import { type VggDialect, vggParams } from "./dialects.ts";

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Our-layout (torchvision) random weights for a config: name → tensor. Seeded. */
export function randomVggWeights(config: VggConfig, seed = 1): Map<string, HostTensor> {
  const next = mulberry32(seed);
  const uniform = () => (next() + 0.5) / 2 ** 32; // in (0, 1): log() stays finite
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const out = new Map<string, HostTensor>();
  for (const p of vggParams(config, "torchvision")) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const fanIn = n / p.shape[0];
    const std = p.shape.length === 1 ? 0.1 : Math.sqrt(2 / fanIn);
    out.set(p.name, {
      shape: p.shape,
      data: Float32Array.from({ length: n }, () => std * normal()),
    });
  }
  return out;
}

/** One of our tensors in a dialect's layout (the inverse of what loadVgg does). */
function toDialect(t: HostTensor, keyShape: number[], layout: string): Float32Array {
  if (layout === "same" || layout === "reshape") return t.data;
  if (layout === "io") return transpose(t.data, t.shape, [1, 0]);
  // OIHW → HWIO; fc1's [out, C·7·7] columns are read as [out, C, 7, 7] first, so the rows of
  // Keras's kernel come out in H, W, C order.
  const oihw =
    t.shape.length === 2
      ? [t.shape[0], keyShape[0] / (VGG_POOL * VGG_POOL), VGG_POOL, VGG_POOL]
      : t.shape;
  return transpose(t.data, oihw, [2, 3, 1, 0]);
}

/**
 * A safetensors file of `weights` (ours, as randomVggWeights makes) named and laid out as
 * `dialect` does. `classifier: false` leaves out fc1, fc2 and the logits layer.
 */
export function vggSafetensors(
  config: VggConfig,
  dialect: VggDialect,
  weights: ReadonlyMap<string, HostTensor>,
  opts: { classifier?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const specs = new Map<string, { dtype: string; shape: number[]; data: Float32Array }>();
  for (const p of vggParams(config, dialect)) {
    if (p.classifier && opts.classifier === false) continue;
    const t = weights.get(p.name);
    if (!t) throw new Error(`vggSafetensors: no weights for ${p.name}`);
    specs.set(p.key, { dtype: "F32", shape: p.keyShape, data: toDialect(t, p.keyShape, p.layout) });
  }
  return writeSafetensors(specs, { format: dialect === "keras" ? "tf" : "pt" });
}
