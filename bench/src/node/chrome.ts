// The Chrome runner: serve the browser bundle (dist/browser/, built by build.mjs) from
// 127.0.0.1 with the peers' wasm files, open it in headless Chromium through puppeteer with the
// WebGPU flags of scripts/chromium.mjs (SwiftShader, or the GPU through Vulkan), forward the
// page's console, and collect the result the page leaves on window.

import { existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromiumArgs, launchChromium, serveDir } from "../../../scripts/chromium.mjs";
import type { PageOptions } from "../browser/page.ts";
import type { BenchResult } from "../suite/types.ts";
import type { CliOptions } from "./args.ts";
import { commit, dirtyFiles, nodeHost } from "./host.ts";

const here = dirname(fileURLToPath(import.meta.url));
const PAGE_DIR = join(here, "browser");

export async function runChrome(o: CliOptions, log: (line: string) => void): Promise<BenchResult> {
  if (!existsSync(join(PAGE_DIR, "bench.js"))) {
    throw new Error(
      `${PAGE_DIR}/bench.js is missing: build the bench first (npm run bench builds it)`,
    );
  }
  const mode = (o.adapter ?? "swiftshader") as "swiftshader" | "gpu";
  // The face network's weights, converted in Node, served beside the page.
  let face = false;
  try {
    const host = nodeHost(log);
    const bytes = await host.faceWeights?.();
    if (bytes) {
      writeFileSync(join(PAGE_DIR, "face.safetensors"), bytes);
      face = true;
    }
  } catch (e) {
    log(`chrome: face weights not available (${(e as Error).message})`);
  }
  const server = await serveDir(PAGE_DIR);
  // Cross-origin isolation lets the wasm peers use threads (SharedArrayBuffer), as in Node.
  server.server.prependListener("request", (_req, res) => {
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
  });
  const load0 = +loadavg()[0].toFixed(2);
  const browser = await launchChromium(mode);
  try {
    const page = await browser.newPage();
    page.on("console", (m) => log(`  [page] ${m.text()}`));
    page.on("pageerror", (e) => log(`  [page error] ${(e as Error).message}`));
    const opts: PageOptions = {
      mode: o.mode,
      only: o.only,
      peers: o.peers,
      timeBoxS: o.timeBoxS,
      runs: o.runs,
      corrupt: o.corrupt,
      flags: o.flags,
      commit: commit(),
      face,
    };
    await page.goto(`${server.url}index.html?opts=${encodeURIComponent(JSON.stringify(opts))}`);
    // Poll with short evaluates: puppeteer's waitForFunction is one protocol call for the whole
    // wait, and a CPU-adapter run outlasts its protocol timeout (10 minutes).
    let crashed: Error | null = null;
    page.on("error", (e) => {
      crashed = e;
    });
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      if (crashed) throw new Error(`the page crashed: ${(crashed as Error).message}`);
      if (await page.evaluate("!!(window.__benchResult || window.__benchError)")) break;
    }
    const error = await page.evaluate("window.__benchError");
    if (error) throw new Error(`the page failed: ${error}`);
    const result = (await page.evaluate("window.__benchResult")) as BenchResult;
    result.env.browser = await browser.version();
    result.env.dirtyFiles = dirtyFiles();
    result.env.loadavg = [load0, +loadavg()[0].toFixed(2)];
    result.flags = [...o.flags, `chromium: ${chromiumArgs(mode).join(" ")}`];
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}
