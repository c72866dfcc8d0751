// The suite inside headless Chromium: the page reads its options from the URL, runs the same
// suite as the Node runner on navigator.gpu, and leaves the result on window for the runner
// (node/chrome.ts) to collect. Progress goes to the console, which the runner forwards.

import { runSuite, type SuiteOptions } from "../suite/suite.ts";
import type { BenchResult } from "../suite/types.ts";

export interface PageOptions extends SuiteOptions {
  commit: string;
  /** Whether the runner serves the face network's weights at /face.safetensors. */
  face: boolean;
}

declare global {
  interface Window {
    __benchResult?: BenchResult;
    __benchError?: string;
  }
}

async function start(): Promise<void> {
  const o = JSON.parse(new URLSearchParams(location.search).get("opts") ?? "{}") as PageOptions;
  const log = (line: string) => console.log(line);
  const isolated = globalThis.crossOriginIsolated === true;
  window.__benchResult = await runSuite(
    {
      runner: "chrome",
      commit: o.commit,
      env: () => ({
        platform: navigator.platform,
        userAgent: navigator.userAgent,
        cpus: navigator.hardwareConcurrency,
      }),
      beforePeers: () => {},
      tfjsWasmPath: "/tfjs-wasm/",
      ortWasmPath: "/ort/",
      // Wasm threads need SharedArrayBuffer, which needs a cross-origin-isolated page.
      ortThreads: isolated ? Math.min(4, navigator.hardwareConcurrency) : 1,
      importOrtWebgpu: () => import("onnxruntime-web/webgpu"),
      importOrtWasm: () => import("onnxruntime-web"),
      latePeers: [],
      faceWeights: o.face
        ? async () => new Uint8Array(await (await fetch("/face.safetensors")).arrayBuffer())
        : undefined,
      log,
    },
    o,
  );
}

start().catch((e: Error) => {
  window.__benchError = `${e.message}\n${e.stack ?? ""}`;
});
