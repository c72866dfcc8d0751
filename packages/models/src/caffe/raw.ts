// The raw per-layer weight files of ../shared/weights (and any folder laid out like it) as
// Caffe blobs: `weights/<layer>_filter.bin` and `<layer>_bias.bin`, little-endian float32 with
// no header. Convolution filters there are stored [out, kh, kw, in] (OHWI); Caffe's own order,
// which caffemodels and our safetensors files use, is OIHW, so they are transposed here.

import type { CaffeLayerWeights } from "./blob.ts";
import type { CaffeNetSpec } from "./net-spec.ts";
import { PbMessage } from "./prototxt.ts";

/** [O, H, W, I] → [O, I, H, W]. */
export function ohwiToOihw(data: Float32Array, shape: readonly number[]): Float32Array {
  const [o, h, w, i] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < i; c++) {
          out[((a * i + c) * h + y) * w + x] = data[((a * h + y) * w + x) * i + c];
        }
  return out;
}

function floats(bytes: Uint8Array, what: string): Float32Array {
  if (bytes.byteLength % 4 !== 0)
    throw new Error(`${what}: ${bytes.byteLength} bytes is not whole float32s`);
  const copy = new Uint8Array(bytes); // aligned
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/**
 * The learned blobs of every Convolution and InnerProduct layer of `spec`, read with `read`
 * (path relative to the weights folder → bytes). Shapes come from the layer params and the
 * file sizes; every size is checked.
 */
export function readRawCaffeWeights(
  spec: CaffeNetSpec,
  read: (path: string) => Uint8Array,
): CaffeLayerWeights[] {
  const out: CaffeLayerWeights[] = [];
  // Input channels of each blob, to shape the filters: follow the net's channel counts.
  const channels = new Map<string, number>();
  for (const i of spec.inputs) channels.set(i.name, i.shape[1] ?? 3);
  for (const layer of spec.layers) {
    const p = (name: string) => layer.message.msg(name) ?? new PbMessage();
    const inC = channels.get(layer.bottoms[0]) ?? 0;
    let outC = inC;
    if (layer.type === "Convolution" || layer.type === "InnerProduct") {
      const param = p(layer.type === "Convolution" ? "convolution_param" : "inner_product_param");
      outC = param.num("num_output", 0);
      const filter = floats(read(`${layer.name}_filter.bin`), `${layer.name}_filter.bin`);
      const bias = floats(read(`${layer.name}_bias.bin`), `${layer.name}_bias.bin`);
      if (bias.length !== outC)
        throw new Error(`${layer.name}_bias.bin holds ${bias.length} floats, expected ${outC}`);
      if (layer.type === "Convolution") {
        const k = param.nums("kernel_size");
        const [kh, kw] = [param.num("kernel_h") ?? k[0], param.num("kernel_w") ?? k[1] ?? k[0]];
        const groupIn = filter.length / (outC * kh * kw);
        if (!Number.isInteger(groupIn))
          throw new Error(
            `${layer.name}_filter.bin: ${filter.length} floats do not fit [${outC}, ${kh}, ${kw}, ?]`,
          );
        out.push({
          name: layer.name,
          type: layer.type,
          blobs: [
            { shape: [outC, groupIn, kh, kw], data: ohwiToOihw(filter, [outC, kh, kw, groupIn]) },
            { shape: [outC], data: bias },
          ],
        });
      } else {
        out.push({
          name: layer.name,
          type: layer.type,
          blobs: [
            { shape: [outC, filter.length / outC], data: filter },
            { shape: [outC], data: bias },
          ],
        });
      }
    } else if (layer.type === "Concat") {
      outC = layer.bottoms.reduce((s, b) => s + (channels.get(b) ?? 0), 0);
    }
    for (const t of layer.tops) channels.set(t, outC);
  }
  return out;
}
