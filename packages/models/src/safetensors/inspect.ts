// What is in a safetensors file, without reading its tensors: the data behind
// `sheep weights inspect` (its --json output is exactly `InspectResult`) and the text table.

import { DTYPE_BITS, elementCount, isDtype } from "./dtypes.ts";
import type { SafetensorsHeader } from "./header.ts";
import { parseHeader } from "./reader.ts";
import type { SourceInput } from "./source.ts";

export interface InspectedTensor {
  dtype: string;
  shape: number[];
}

export interface InspectResult {
  tensors: Record<string, InspectedTensor>;
  metadata: Record<string, string>;
}

/** Reads and validates the header only (two small reads), and lists tensors in file order. */
export async function inspect(input: SourceInput): Promise<InspectResult> {
  return inspectHeader(await parseHeader(input));
}

export function inspectHeader(header: SafetensorsHeader): InspectResult {
  const tensors = [...header.tensors.values()].map((e): [string, InspectedTensor] => [
    e.name,
    { dtype: e.dtype, shape: [...e.shape] },
  ]);
  return { tensors: Object.fromEntries(tensors), metadata: { ...header.metadata } };
}

/**
 * A table of name, dtype and shape, then the totals. For example:
 *
 *   name               dtype  shape
 *   features.0.weight  F32    [64, 3, 3, 3]
 *   features.0.bias    F32    [64]
 *
 *   2 tensors, 1,792 parameters, 7,168 bytes
 */
export function formatInspect(result: InspectResult): string {
  const rows = Object.entries(result.tensors).map(([name, t]) => [
    name,
    t.dtype,
    `[${t.shape.join(", ")}]`,
  ]);
  const table = [["name", "dtype", "shape"], ...rows];
  const widths = [0, 1].map((col) => Math.max(...table.map((row) => row[col].length)));
  const lines = table.map((row) =>
    `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`.trimEnd(),
  );

  let params = 0;
  let bytes = 0;
  for (const [name, t] of Object.entries(result.tensors)) {
    const n = elementCount(t.shape, name);
    params += n;
    bytes += (n * bitsOf(t.dtype)) / 8;
  }
  const count = rows.length;
  const tensorWord = count === 1 ? "tensor" : "tensors";
  const totals = `${fmt(count)} ${tensorWord}, ${fmt(params)} parameters, ${fmt(bytes)} bytes`;
  const meta = Object.entries(result.metadata).map(([k, v]) => `  ${k}: ${v}`);
  const metaBlock = meta.length > 0 ? ["", "metadata:", ...meta] : [];
  return [...lines, "", totals, ...metaBlock].join("\n");
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Bits per element; 0 for a dtype this table does not know (a hand-built result). */
function bitsOf(dtype: string): number {
  return isDtype(dtype) ? DTYPE_BITS[dtype] : 0;
}
