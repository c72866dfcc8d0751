// Run a TypeScript file of this repo in Node: bundle it with esbuild (the same WGSL loader as
// every other build) into a temporary .mjs next to it, then import that.
//   node scripts/run-ts.mjs path/to/file.ts [args…]
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { externalDeps, wgslEsbuild } from "./wgsl.mjs";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs FILE.ts [args…]");
  process.exit(2);
}
const outDir = join(resolve("node_modules"), ".cache", "run-ts");
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${Date.now()}-${process.pid}.mjs`);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile,
  sourcemap: "inline",
  plugins: [wgslEsbuild, externalDeps],
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
process.argv.splice(1, 2, resolve(entry));
process.env.XDG_RUNTIME_DIR ??= "/tmp";
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outfile, { force: true });
}
