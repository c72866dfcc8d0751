// Shared vitest settings for every package: the WGSL loader, forks (dawn.node is a native addon and
// is happiest in its own process), and generous timeouts because CI runs WebGPU on the CPU.
import { wgslVite } from "./scripts/wgsl.mjs";

export function sheepVitest(extra = {}) {
  return {
    plugins: [wgslVite],
    test: {
      pool: "forks",
      testTimeout: 120_000,
      hookTimeout: 120_000,
      include: ["test/**/*.test.ts"],
      ...extra,
    },
  };
}
