// init(): pick a backend. WebGPU by default (a real GPU, else lavapipe, else SwiftShader);
// the cpu oracle on request. SHEEP_BACKEND and SHEEP_ADAPTER override the defaults.

import type { BackendInfo, DeviceLimits } from "./backend/backend.ts";
import { CpuBackend } from "./backend/cpu/cpu.ts";
import { createWebGPUBackend } from "./backend/webgpu/create.ts";
import { envVar } from "./debug.ts";
import { engine } from "./engine.ts";

export type AdapterChoice = "auto" | "gpu" | "lavapipe" | "swiftshader";

export interface InitOptions {
  /** "webgpu" (default) or "cpu" (the float64 reference). Env: SHEEP_BACKEND. */
  backend?: "webgpu" | "cpu";
  /** Which adapter in Node: "auto" tries gpu, lavapipe, swiftshader in turn. Env: SHEEP_ADAPTER. */
  adapter?: AdapterChoice;
  powerPreference?: GPUPowerPreference;
  /** Pretend the device has smaller limits (to exercise the big-tensor paths in tests). */
  limits?: Partial<DeviceLimits>;
  /** Make this backend the default for new tensors (default true). */
  makeDefault?: boolean;
  /** Start a new device even if one is working (default false). */
  fresh?: boolean;
}

/** Find and open a backend. Calling it again after a lost device opens a new one. */
export async function init(opts: InitOptions = {}): Promise<BackendInfo> {
  const kind = opts.backend ?? envVar("SHEEP_BACKEND") ?? "webgpu";
  const makeDefault = opts.makeDefault ?? true;
  if (kind === "cpu") {
    const cpu = engine.has("cpu") ? engine.backend("cpu") : new CpuBackend();
    engine.register(cpu, makeDefault);
    return cpu.info;
  }
  if (kind !== "webgpu") throw new Error(`init: unknown backend "${kind}" (use "webgpu" or "cpu")`);
  if (engine.has("webgpu") && !opts.fresh && !opts.limits && !opts.adapter) {
    const b = engine.backend("webgpu");
    engine.register(b, makeDefault);
    return b.info;
  }
  const adapter = opts.adapter ?? (envVar("SHEEP_ADAPTER") as AdapterChoice | undefined) ?? "auto";
  const backend = await createWebGPUBackend({ ...opts, adapter });
  engine.register(backend, makeDefault);
  return backend.info;
}

/** Release every device so a Node process can exit. */
export function release(): void {
  engine.release();
}
