// `sheep info`: which backend and adapter the engine found, its limits and features.

import { type BackendInfo, engine, init } from "@sheep/tensor";
import type { Command } from "../args.ts";

function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

export function describeInfo(info: BackendInfo): string {
  const l = info.limits;
  const rows: [string, string][] = [
    ["backend", `${info.backend} (${info.source})`],
    [
      "adapter",
      `${info.adapter}${info.isFallbackAdapter ? " (a CPU adapter: correct, not fast)" : ""}`,
    ],
    ["device", [info.description, info.device].filter(Boolean).join(" — ") || "—"],
    ["vendor", [info.vendor, info.architecture].filter(Boolean).join(" / ") || "—"],
    ["features", info.features.length ? info.features.join(", ") : "none"],
    ["max buffer", bytes(l.maxBufferSize)],
    [
      "max binding",
      `${bytes(l.maxStorageBufferBindingSize)} per storage buffer, ${l.maxStorageBuffersPerShaderStage} per stage`,
    ],
    [
      "workgroups",
      `${l.maxComputeInvocationsPerWorkgroup} invocations, ${bytes(l.maxComputeWorkgroupStorageSize)} shared, ${l.maxComputeWorkgroupsPerDimension} per dim`,
    ],
  ];
  return rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join("\n");
}

export const info: Command = {
  name: "info",
  summary: "show the WebGPU adapter, backend, limits and features",
  usage: "sheep info [--json] [--backend webgpu|cpu] [--adapter auto|gpu|lavapipe|swiftshader]",
  options: {
    json: { type: "boolean" },
    backend: { type: "string" },
    adapter: { type: "string" },
  },
  async run(v) {
    const backend = v.backend as "webgpu" | "cpu" | undefined;
    const adapter = v.adapter as "auto" | "gpu" | "lavapipe" | "swiftshader" | undefined;
    const found = await init({ backend, adapter });
    if (v.json) console.log(JSON.stringify({ ...found, memory: engine.memory() }, null, 2));
    else console.log(describeInfo(found));
    return 0;
  },
};
