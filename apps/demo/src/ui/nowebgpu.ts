// The page shown instead of the app when this browser gives no WebGPU: what is missing, which
// browsers have it, and the flags for the cases where it is there but switched off.

import { h } from "./dom.ts";

function why(reason: "missing" | "no-adapter" | "failed"): string {
  if (reason === "missing")
    return "This browser does not expose WebGPU (navigator.gpu is missing).";
  if (reason === "no-adapter") {
    return (
      "This browser has WebGPU, but it gave no adapter: the GPU may be blocklisted, hardware " +
      "acceleration may be off, or WebGPU is not enabled on this platform yet."
    );
  }
  return "WebGPU is here, but the engine could not start on it.";
}

export function noWebGPUPage(
  reason: "missing" | "no-adapter" | "failed",
  detail?: string,
): HTMLElement {
  return h(
    "section",
    { class: "page no-webgpu", id: "no-webgpu" },
    h("h2", null, "This app needs WebGPU"),
    h("p", { class: "lead" }, why(reason)),
    detail && h("p", { class: "muted" }, h("code", null, detail)),
    h("h3", null, "Browsers that have it"),
    h(
      "ul",
      null,
      h(
        "li",
        null,
        h("b", null, "Chrome or Edge 113+"),
        " on Windows, macOS and ChromeOS; Android 12+ with Chrome 121+.",
      ),
      h("li", null, h("b", null, "Safari 26+"), " on macOS, iOS and iPadOS."),
      h(
        "li",
        null,
        h("b", null, "Firefox 141+"),
        " on Windows (other platforms follow; on older versions set ",
        h("code", null, "dom.webgpu.enabled"),
        " in about:config).",
      ),
    ),
    h("h3", null, "Linux, and when WebGPU is switched off"),
    h(
      "ul",
      null,
      h(
        "li",
        null,
        "Chrome/Chromium on Linux: open ",
        h("code", null, "chrome://flags"),
        ", enable ",
        h("b", null, "Unsafe WebGPU Support"),
        " (",
        h("code", null, "#enable-unsafe-webgpu"),
        ") and, if needed, ",
        h("b", null, "Vulkan"),
        " (",
        h("code", null, "#enable-vulkan"),
        "), then restart the browser.",
      ),
      h(
        "li",
        null,
        "Or start it with flags: ",
        h("code", null, "chromium --enable-unsafe-webgpu --enable-features=Vulkan"),
      ),
      h(
        "li",
        null,
        "Check that hardware acceleration is on (Settings → System) and look at ",
        h("code", null, "chrome://gpu"),
        " for “WebGPU: Hardware accelerated”.",
      ),
      h(
        "li",
        null,
        "No GPU at all? Chromium can run WebGPU on the CPU (SwiftShader, slow): ",
        h("code", null, "--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader"),
      ),
    ),
    h(
      "p",
      { class: "muted" },
      "The page must come from https:// or http://localhost (127.0.0.1): WebGPU exists only " +
        "in secure contexts. ",
      "Without a browser, the same engine runs in Node: ",
      h("code", null, "npx sheep info"),
      ".",
    ),
  );
}
