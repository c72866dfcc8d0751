// Imports a TypeScript module from a plain Node script: Node 20 cannot strip types and tsx is not
// installed, so esbuild bundles the module (and its TS imports) into one ESM file we import.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

/** Bundles `entry` (a .ts path) for Node and returns its exports. */
export async function importTs(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "warning",
  });
  // bundle: true inlines every import but Node built-ins, so the file can live anywhere; a temp
  // file rather than a data: URL keeps stack traces and `node:` imports ordinary.
  const dir = mkdtempSync(join(tmpdir(), "sheep-ts-"));
  const file = join(dir, "module.mjs");
  writeFileSync(file, result.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
