// Loading VGG weights from a safetensors file in any of the three dialects: detect the dialect
// and the network from the names, check every name and shape against the full table (one error
// listing all problems), then read only the tensors the requested taps need, convert them to
// our layout, cut big ones into parts that fit one storage binding, and build the model.

import { type BackendKind, engine, type Tensor, tensor } from "@sheep/tensor";
import { transpose } from "../face/convert.ts";
import { decodeToF32OrI32 } from "../safetensors/decode.ts";
import { DTYPE_BITS } from "../safetensors/dtypes.ts";
import { SafetensorsReader } from "../safetensors/reader.ts";
import type { SourceInput } from "../safetensors/source.ts";
import { checkWeights } from "../weights-check.ts";
import { VGG_POOL, type VggArch, vggSteps, vggTapTable } from "./architecture.ts";
import {
  detectVggArch,
  detectVggDialect,
  inferVggConfig,
  normalizeKerasKey,
  type VggDialect,
  type VggParam,
  vggParams,
} from "./dialects.ts";
import { rowParts } from "./layers.ts";
import { type LayerParts, Vgg } from "./model.ts";

export interface LoadVggOptions {
  /**
   * The taps the model must serve: only the layers up to the deepest one are read (fc1's
   * 392 MiB only for fc1, fc2, logits). Default: every layer the file has.
   */
  taps?: readonly string[];
  /** Skip detection. */
  arch?: VggArch;
  dialect?: VggDialect;
  backend?: BackendKind;
  /**
   * The most bytes one weight tensor may hold; bigger ones are split by rows. Default: the
   * backend's maxStorageBufferBindingSize (and maxBufferSize, if smaller).
   */
  maxPartBytes?: number;
}

const DIALECT_NAMES: Record<VggDialect, string> = {
  timm: "timm names",
  torchvision: "torchvision names",
  keras: "Keras names",
};

/** Builds a VGG from safetensors weights (a file source, bytes, a Blob, or an open reader). */
export async function loadVgg(
  input: SourceInput | SafetensorsReader,
  opts: LoadVggOptions = {},
): Promise<Vgg> {
  const reader = input instanceof SafetensorsReader ? input : await SafetensorsReader.open(input);
  // Keras names are compared in normal form; reads go to the file's own names.
  const fileKey = new Map<string, string>();
  for (const name of reader.names) fileKey.set(normalizeKerasKey(name), name);
  const dialect = opts.dialect ?? detectVggDialect(reader.names);
  const names = dialect === "keras" ? [...fileKey.keys()] : reader.names;
  const shapes = new Map(names.map((k) => [k, reader.entry(fileKey.get(k) ?? k).shape]));
  const arch = opts.arch ?? detectVggArch(names, dialect);
  const config = inferVggConfig(arch, dialect, shapes);
  const params = vggParams(config, dialect);

  // A file without any classifier tensor is a feature extractor; one with some has all.
  const hasClassifier = params.some((p) => p.classifier && shapes.has(p.key));
  const optional = new Set(params.filter((p) => p.classifier && !hasClassifier).map((p) => p.key));
  const what = `${arch.toUpperCase()} (${DIALECT_NAMES[dialect]})`;
  checkWeights(what, new Map(params.map((p) => [p.key, p.keyShape])), shapes, optional);

  const steps = vggSteps(config);
  const table = vggTapTable(config);
  const lastFeature = steps.findIndex((s) => s.kind === "avgpool") - 1;
  let depth = hasClassifier ? steps.length - 1 : lastFeature;
  if (opts.taps?.length) {
    depth = Math.max(
      ...opts.taps.map((t) => {
        const ref = table.get(t);
        if (!ref) throw new Error(`${what}: no tap "${t}" (see vggTapTable)`);
        return ref.step;
      }),
    );
    if (depth > lastFeature && !hasClassifier) {
      throw new Error(
        `${what}: this file has no classifier weights (fc1, fc2, logits), which the taps ` +
          `[${opts.taps.join(", ")}] need`,
      );
    }
  }

  const limits = engine.backend(opts.backend).info.limits;
  const maxBytes =
    opts.maxPartBytes ?? Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const weights = new Map<number, LayerParts>();
  for (const p of params) {
    if (p.step > depth || !p.name.endsWith(".weight")) continue;
    // The weight's rows decide the parts; its bias (the next param) is cut the same way.
    const b = params[params.indexOf(p) + 1];
    const ranges = rowParts(p.shape[0], (4 * sizeOf(p.shape)) / p.shape[0], maxBytes, p.name);
    const read = (q: VggParam) =>
      readParts(reader, fileKey.get(q.key) ?? q.key, q, ranges, opts.backend);
    weights.set(p.step, { weights: await read(p), biases: await read(b) });
  }
  return new Vgg(config, dialect, weights, depth);
}

/**
 * One tensor in our layout, as parts of at most maxBytes. Same-layout tensors are read part by
 * part straight from the file (fc1 never sits in memory whole); Keras tensors need a transpose,
 * so they are read whole, converted, then cut.
 */
async function readParts(
  reader: SafetensorsReader,
  key: string,
  p: VggParam,
  ranges: readonly [number, number][],
  backend: BackendKind | undefined,
): Promise<Tensor[]> {
  const rest = p.shape.slice(1);
  const rowElems = sizeOf(rest);
  const upload = (data: Float32Array, count: number) =>
    tensor(data, { shape: [count, ...rest], backend });
  if (p.layout === "same" || p.layout === "reshape") {
    const out: Tensor[] = [];
    for (const [start, count] of ranges) {
      out.push(upload(await readRows(reader, key, start, count, rowElems), count));
    }
    return out;
  }
  const whole = await readRows(reader, key, 0, 1, sizeOf(p.shape));
  // Keras fc1's rows are (h, w, c) positions of the 7×7 map: read them as a [7, 7, C, out]
  // kernel, and the same HWIO → OIHW permutation puts the columns in C, H, W order.
  const from =
    p.layout === "hwio" && p.keyShape.length === 2
      ? [VGG_POOL, VGG_POOL, p.keyShape[0] / (VGG_POOL * VGG_POOL), p.keyShape[1]]
      : p.keyShape;
  const converted = transpose(whole, from, p.layout === "io" ? [1, 0] : [3, 2, 0, 1]);
  return ranges.map(([start, count]) =>
    upload(converted.subarray(start * rowElems, (start + count) * rowElems), count),
  );
}

/** Rows [start, start + count) of a tensor whose rows hold rowElems elements, as float32. */
async function readRows(
  reader: SafetensorsReader,
  key: string,
  start: number,
  count: number,
  rowElems: number,
): Promise<Float32Array> {
  const e = reader.entry(key);
  const bits = DTYPE_BITS[e.dtype];
  if (bits % 8 !== 0)
    throw new Error(`${key}: ${e.dtype} weights are not supported (F32, F16, BF16, F64 are)`);
  const rowBytes = (rowElems * bits) / 8;
  const offset = reader.header.dataStart + e.begin + start * rowBytes;
  const bytes = await reader.source.read(offset, count * rowBytes);
  if (bytes.length !== count * rowBytes) {
    throw new Error(`${key}: file is truncated (wanted ${count * rowBytes} bytes at ${offset})`);
  }
  const data = decodeToF32OrI32({ name: key, dtype: e.dtype, shape: [count * rowElems] }, bytes);
  if (!(data instanceof Float32Array)) {
    throw new Error(`${key}: VGG weights must be floating point, this tensor is ${e.dtype}`);
  }
  return data;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
