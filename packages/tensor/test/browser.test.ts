// The engine in a real browser: headless Chromium (system package, WebGPU on SwiftShader) loads
// a page from 127.0.0.1 that runs a matmul and its gradient on WebGPU and on the cpu oracle.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, serveDir } from "../../../scripts/chromium.mjs";
import { wgslEsbuild } from "../../../scripts/wgsl.mjs";
import { closeness } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-browser-"));
let server: Awaited<ReturnType<typeof serveDir>>;

beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, "browser", "page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: join(dir, "page.js"),
    plugins: [wgslEsbuild],
    external: ["webgpu", "node:*"],
    logLevel: "warning",
  });
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><script type="module" src="page.js"></script>',
  );
  server = await serveDir(dir);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("matmul and its gradient on the browser's WebGPU match the cpu oracle", async () => {
  const browser = await launchChromium("swiftshader");
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForFunction("window.__sheep !== undefined", { timeout: 120_000 });
    const r = (await page.evaluate("window.__sheep")) as {
      ok: boolean;
      error?: string;
      info: { backend: string; source: string; adapter: string };
      out: Record<string, number[]>;
      dispatches: number;
    };
    expect(r.ok, r.error).toBe(true);
    expect(r.info.backend).toBe("webgpu");
    expect(r.info.source).toBe("navigator.gpu");
    for (const k of ["y", "gx", "gw"]) {
      const c = closeness(r.out[`webgpu.${k}`], r.out[`cpu.${k}`], { rtol: 1e-4, atol: 1e-4 });
      expect(c.ok, `${k}: ${c.detail}`).toBe(true);
    }
    expect(r.dispatches).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
