import { defineConfig } from "vitest/config";
import { sheepVitest } from "../../vitest.shared.mjs";

// One browser at a time: WebGPU runs on SwiftShader (the CPU) here, and parallel browsers would
// only slow each other down. The global setup builds the app once and starts its server.
export default defineConfig(
  sheepVitest({ fileParallelism: false, globalSetup: ["test/global-setup.ts"] }),
);
