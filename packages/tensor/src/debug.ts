// SHEEP_DEBUG levels: what the engine prints while it works.
//   1  every op as it is applied (name, shapes, whether it was fused)
//   2  every dispatch with its GPU time (timestamp queries when the adapter has them)
//   3  the WGSL source of each new pipeline
//   4  the autograd graph each backward() walks

export const DEBUG_OPS = 1;
export const DEBUG_TIMING = 2;
export const DEBUG_WGSL = 3;
export const DEBUG_GRAPH = 4;

export function envVar(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.[name];
}

export function debugLevelFromEnv(): number {
  const n = Number(envVar("SHEEP_DEBUG") ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The level in force. It lives here, not on the engine, so that the backends (which sit below
 * the engine) can read it; `engine.debug` reads and sets this same value.
 */
export const debugState = { level: debugLevelFromEnv() };

export function debugLog(...parts: unknown[]): void {
  console.error("[sheep]", ...parts);
}
