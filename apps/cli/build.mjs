// Bundle the CLI into dist/sheep.mjs with esbuild (the WGSL loader included).
import { build } from "esbuild";
import { externalDeps, wgslEsbuild } from "../../scripts/wgsl.mjs";

const here = new URL(".", import.meta.url).pathname;
await build({
  entryPoints: [`${here}src/main.ts`],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: `${here}dist/sheep.mjs`,
  sourcemap: true,
  plugins: [wgslEsbuild, externalDeps],
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
