// The browser entry (src/index.ts) must bundle for a page: no static import of a Node module
// anywhere in its graph, so the demo can import the pipelines. The engine loads Dawn and
// node:fs only through guarded dynamic imports in Node, hence those stay external, as in the
// tensor package's browser test. Node-only code (weight and image files) lives in src/node.ts.

import { build } from "esbuild";
import { describe, expect, test } from "vitest";
import { wgslEsbuild } from "../../../scripts/wgsl.mjs";

async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    external: ["webgpu", "node:*"],
    plugins: [wgslEsbuild],
  });
  return out.outputFiles[0].text;
}

const staticNodeImport = /^import[^;]*from\s*"node:[^"]+"/m;

describe("entry points", () => {
  test("index.ts bundles for the browser with no static Node import", async () => {
    const text = await bundle("../src/index.ts");
    expect(text).toContain("laplacianNormalize");
    expect(text).not.toMatch(staticNodeImport);
  });

  test("node.ts does import Node modules (the check can fail)", async () => {
    await expect(bundle("../src/node.ts")).rejects.toThrow(/Could not resolve/);
  });
});
