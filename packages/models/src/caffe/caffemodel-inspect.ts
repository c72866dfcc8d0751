// What `sheep weights inspect FILE.caffemodel` prints: the net's name and format, then each
// layer's name, type and blob shapes (layers without weights included, so the list reads
// like the network).

import type { Caffemodel } from "./caffemodel.ts";

export interface CaffemodelSummary {
  name: string | null;
  format: "layer" | "v1";
  parameters: number;
  layers: { name: string; type: string; blobs: number[][] }[];
}

export function summarizeCaffemodel(model: Caffemodel): CaffemodelSummary {
  let parameters = 0;
  const layers = model.layers.map((l) => ({
    name: l.name,
    type: l.type,
    blobs: l.blobs.map((b) => {
      parameters += b.data.length;
      return [...b.shape];
    }),
  }));
  return { name: model.name ?? null, format: model.format, parameters, layers };
}

export function formatCaffemodelSummary(s: CaffemodelSummary): string {
  const format = s.format === "v1" ? "legacy V1 `layers`" : "current `layer`";
  const lines = [
    `net ${s.name === null ? "(unnamed)" : JSON.stringify(s.name)}: ${s.layers.length} layers ` +
      `(${format} format), ${s.parameters.toLocaleString("en-US")} parameters`,
  ];
  const nameWidth = Math.max(4, ...s.layers.map((l) => l.name.length));
  const typeWidth = Math.max(4, ...s.layers.map((l) => l.type.length));
  for (const l of s.layers) {
    const blobs = l.blobs.map((b) => `[${b.join(", ")}]`).join(" ");
    lines.push(`  ${l.name.padEnd(nameWidth)}  ${l.type.padEnd(typeWidth)}  ${blobs}`.trimEnd());
  }
  return lines.join("\n");
}
