// Headless Chromium for tests and benchmarks: Debian's system browser driven by puppeteer, with
// WebGPU on SwiftShader (no GPU needed) or on a real GPU, and a static server on 127.0.0.1
// (WebGPU needs a secure context; http://127.0.0.1 is one, about:blank is not).

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function chromiumPath() {
  const p = process.env.SHEEP_CHROMIUM ?? CANDIDATES.find((c) => existsSync(c));
  if (!p) {
    throw new Error(
      "no Chromium found: `apt-get install chromium` (or set SHEEP_CHROMIUM to a Chrome binary)",
    );
  }
  return p;
}

/** Flags per WebGPU mode: "swiftshader" (CPU), "gpu" (NVIDIA Vulkan), or "off". */
export function chromiumArgs(mode = "swiftshader") {
  const quiet = [
    "--no-sandbox",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
  ];
  if (mode === "off") return [...quiet, "--disable-gpu", "--disable-features=WebGPU,Vulkan"];
  if (mode === "gpu") {
    return [
      ...quiet,
      "--enable-unsafe-webgpu",
      "--enable-features=Vulkan",
      "--use-angle=vulkan",
      "--disable-vulkan-surface",
      "--enable-dawn-features=allow_unsafe_apis",
    ];
  }
  return [
    ...quiet,
    "--enable-unsafe-webgpu",
    "--enable-features=Vulkan",
    "--use-vulkan=swiftshader",
    "--use-webgpu-adapter=swiftshader",
    "--use-angle=swiftshader",
    "--disable-vulkan-surface",
    "--enable-dawn-features=allow_unsafe_apis",
  ];
}

export async function launchChromium(mode = "swiftshader") {
  const { default: puppeteer } = await import("puppeteer");
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: chromiumArgs(mode),
    protocolTimeout: 600_000,
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".map": "application/json",
  ".safetensors": "application/octet-stream",
};

/** Serve a directory on 127.0.0.1 (port 0 = any free one). Resolves to { url, close }. */
export function serveDir(dir, port = 0) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    let file = join(dir, path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": statSync(file).size,
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = server.address();
      resolve({
        url: `http://127.0.0.1:${p}/`,
        close: () => new Promise((r) => server.close(r)),
        server,
      });
    });
  });
}
