// Bundle the bench with esbuild: dist/run.js (Node runner and CLI; TF.js and ONNX Runtime inlined,
// only Dawn's `webgpu` and puppeteer stay outside), dist/report.js, and dist/browser/ (the page
// the Chrome runner serves, with links to the peers' wasm files).
//
// The models and algorithms packages are written while the bench runs against them: when their
// sources do not bundle, they are replaced by an empty module that says why, and the pipelines
// that need them are reported as skipped instead of the whole bench failing to build.

import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { wgslEsbuild } from "../scripts/wgsl.mjs";

const here = new URL(".", import.meta.url).pathname;
const dist = join(here, "dist");
const require = createRequire(import.meta.url);
const GROWING = /^@sheep\/(models|algorithms)(\/node)?$/;

/** esbuild plugin: the growing packages become `export const __unavailable = reason`. */
const stubGrowing = (reason) => ({
  name: "stub-growing",
  setup(b) {
    b.onResolve({ filter: GROWING }, (a) => ({ path: a.path, namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: `export const __unavailable = ${JSON.stringify(reason)};`,
      loader: "js",
    }));
  },
});

const common = {
  bundle: true,
  format: "esm",
  sourcemap: true,
  logLevel: "silent",
  plugins: [wgslEsbuild],
};
const nodeOptions = {
  ...common,
  platform: "node",
  target: "node20",
  // Dawn is a native addon loaded by name; puppeteer drives a browser and is only for --runner chrome.
  external: ["webgpu", "puppeteer"],
  // TF.js's Node build and ONNX Runtime use require() and __dirname: give the ES module both.
  banner: {
    js: [
      "import { createRequire as __cr } from 'node:module';",
      "import { fileURLToPath as __fu } from 'node:url';",
      "const require = __cr(import.meta.url);",
      "const __filename = __fu(import.meta.url);",
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join(" "),
  },
};

/** Build; if the growing packages break it, build again without them and say so. */
async function buildGuarded(options, label) {
  try {
    await build(options);
  } catch (e) {
    const first = e.errors?.[0];
    const where = first?.location?.file ?? "";
    if (!/packages\/(models|algorithms)\//.test(where)) throw e;
    const reason = `${where}: ${first.text}`;
    console.warn(
      `bench build (${label}): models/algorithms do not bundle (${reason}); pipelines that need them will be skipped`,
    );
    await build({ ...options, plugins: [...options.plugins, stubGrowing(reason)] });
  }
}

mkdirSync(dist, { recursive: true });
await buildGuarded(
  { ...nodeOptions, entryPoints: { run: join(here, "src/node/run.ts") }, outdir: dist },
  "node",
);
await build({
  ...nodeOptions,
  entryPoints: { report: join(here, "src/report/main.ts") },
  outdir: dist,
});

const page = join(dist, "browser");
mkdirSync(page, { recursive: true });
await buildGuarded(
  {
    ...common,
    platform: "browser",
    target: "chrome120",
    entryPoints: { bench: join(here, "src/browser/page.ts") },
    outdir: page,
    external: ["webgpu", "node:*"],
  },
  "browser",
);
copyFileSync(join(here, "src/browser/index.html"), join(page, "index.html"));
// The peers load their wasm files at run time from these two folders.
for (const [name, pkg] of [
  ["tfjs-wasm", "@tensorflow/tfjs-backend-wasm"],
  ["ort", "onnxruntime-web"],
]) {
  const link = join(page, name);
  if (existsSync(link)) rmSync(link, { recursive: true });
  symlinkSync(dirname(require.resolve(pkg)), link);
}
