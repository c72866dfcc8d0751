// Compiled pipelines, one per (entry point, override constants, WGSL source), each with the
// Params layout read from its source (params.ts). Compiling is the slow part of a first call
// (tens of milliseconds per shader on lavapipe), so a pipeline is built once and kept.

import { DEBUG_WGSL, debugLog, debugState } from "../../debug.ts";
import { sharedOverrides } from "./constants.ts";
import type { Launch } from "./launch.ts";
import { type ParamsLayout, parseParams } from "./params.ts";

export interface Compiled {
  pipeline: GPUComputePipeline;
  layout: ParamsLayout;
}

export class Pipelines {
  private readonly cache = new Map<string, Compiled>();

  constructor(private readonly device: GPUDevice) {}

  get count(): number {
    return this.cache.size;
  }

  /** The pipeline that runs launch `l`, compiled on first use. */
  get(l: Launch): Compiled {
    const key = `${l.entry}|${JSON.stringify(l.constants)}|${l.source}`;
    let hit = this.cache.get(key);
    if (!hit) {
      if (debugState.level >= DEBUG_WGSL)
        debugLog(`new pipeline ${l.kernel} (${l.entry}):\n${l.source}`);
      const module = this.device.createShaderModule({ label: l.kernel, code: l.source });
      // The sizes a shader shares with the planners (WG_1D…) come from their one table.
      const constants = { ...sharedOverrides(l.source), ...l.constants };
      // "auto" layouts: each pipeline's bind group layout is read from its shader, so a binding
      // an entry point never uses is dropped (planners bind only what each entry reads).
      const pipeline = this.device.createComputePipeline({
        label: l.kernel,
        layout: "auto",
        compute: { module, entryPoint: l.entry, constants },
      });
      hit = { pipeline, layout: parseParams(l.source) };
      this.cache.set(key, hit);
    }
    return hit;
  }
}
