// safetensors ↔ engine tensors. Decoding widens F16/BF16 to float32 and integers to int32;
// a dtype the engine cannot hold is refused by name (decode.ts).

import { type BackendKind, type Tensor, tensor } from "@sheep/tensor";
import { decodeToF32OrI32 } from "./safetensors/decode.ts";
import { SafetensorsReader } from "./safetensors/reader.ts";
import type { SourceInput } from "./safetensors/source.ts";
import { writeSafetensors } from "./safetensors/writer.ts";

export interface LoadOptions {
  backend?: BackendKind;
  /** Rename on the way in (e.g. strip a "model." prefix). */
  rename?: (name: string) => string;
}

/**
 * Load the named tensors (all when `names` is omitted) from a safetensors source into engine
 * tensors. Only the requested byte ranges are read (a Node file source reads no more).
 */
export async function loadTensors(
  input: SourceInput | SafetensorsReader,
  names?: readonly string[],
  opts: LoadOptions = {},
): Promise<Map<string, Tensor>> {
  const reader = input instanceof SafetensorsReader ? input : await SafetensorsReader.open(input);
  const out = new Map<string, Tensor>();
  for (const name of names ?? reader.names) {
    const entry = reader.entry(name);
    const data = decodeToF32OrI32(entry, await reader.bytes(name));
    const dtype = data instanceof Int32Array ? "int32" : "float32";
    out.set(
      opts.rename?.(name) ?? name,
      tensor(data, { shape: entry.shape, dtype, backend: opts.backend }),
    );
  }
  return out;
}

/** Serialise engine tensors (read back from the device) as a safetensors file in memory. */
export async function saveTensors(
  tensors: ReadonlyMap<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const specs: Record<string, { dtype: string; shape: number[]; data: ArrayBufferView }> = {};
  for (const [name, t] of entries) {
    specs[name] = {
      dtype: t.dtype === "int32" ? "I32" : "F32",
      shape: [...t.shape],
      data: await t.data(),
    };
  }
  return writeSafetensors(specs, metadata);
}
