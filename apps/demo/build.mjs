// Build the demo into dist/: the app bundled for the browser by esbuild, the static files, and
// the face networks' weights (recognition, detector, landmarks), converted at build time from
// the npm package @vladmandic/face-api
// by the models package's own Node code, so the app works out of the box and offline.
//   node build.mjs            (npm start runs it through turbo)

import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { externalDeps, wgslEsbuild } from "../../scripts/wgsl.mjs";

const here = new URL(".", import.meta.url).pathname;
const FACE_FILE = "face-recognition.safetensors";
const SHIPPED_FILES = ["googlenet.safetensors", "squeezenet.safetensors"];
const DCGAN_FILES = [
  "dcgan-mnist.safetensors",
  "dcgan-fashion-mnist.safetensors",
  "lenet-mnist.safetensors",
  "fashion-cnn.safetensors",
];

/** Bundle the app, copy static files and make sure the face weights are in dist/models. */
export async function buildDemo({ outDir = join(here, "dist"), minify = true } = {}) {
  mkdirSync(join(outDir, "models"), { recursive: true });
  await build({
    entryPoints: [join(here, "src", "main.ts")],
    bundle: true,
    format: "esm",
    // WebGPU itself needs Chrome 113 / Safari 26 / Firefox 141: all speak ES2022.
    platform: "browser",
    target: "es2022",
    outfile: join(outDir, "app.js"),
    sourcemap: "linked",
    minify,
    plugins: [wgslEsbuild],
    // The engine finds Dawn ("webgpu") and node:fs only in Node, through dynamic imports that a
    // browser never reaches; marking them external keeps them out of the bundle.
    external: ["webgpu", "node:*"],
    logLevel: "warning",
  });
  cpSync(join(here, "static"), outDir, { recursive: true });
  await faceWeights(join(outDir, "models", FACE_FILE));
  await faceDetectWeights(join(outDir, "models"));
  // GoogLeNet and SqueezeNet are committed in the models package: served as they are.
  for (const file of SHIPPED_FILES) {
    cpSync(
      join(here, "..", "..", "packages", "models", "weights", file),
      join(outDir, "models", file),
    );
  }
  // The DCGAN page's generators and the classifiers its FID uses: committed in algorithms.
  for (const file of DCGAN_FILES) {
    cpSync(
      join(here, "..", "..", "packages", "algorithms", "weights", file),
      join(outDir, "models", file),
    );
  }
  // The attack page's Fashion-MNIST classifier, trained and committed in the algorithms package.
  cpSync(
    join(here, "..", "..", "packages", "algorithms", "weights", "fashion-cnn.safetensors"),
    join(outDir, "models", "fashion-cnn.safetensors"),
  );
  // The Embeddings page's shipped net, when the algorithms package has it (it may be arriving).
  const algoWeights = join(here, "..", "..", "packages", "algorithms", "weights");
  for (const file of ["embed-fashion-mnist.safetensors"]) {
    if (existsSync(join(algoWeights, file)))
      cpSync(join(algoWeights, file), join(outDir, "models", file));
  }
  // face-api's demo group photos (MIT, in the npm package) for the page's face comparison.
  const faceDemo = join(here, "..", "..", "node_modules", "@vladmandic", "face-api", "demo");
  mkdirSync(join(outDir, "faces"), { recursive: true });
  for (let n = 1; n <= 6; n++) {
    const file = join(faceDemo, `sample${n}.jpg`);
    if (existsSync(file)) cpSync(file, join(outDir, "faces", `sample${n}.jpg`));
  }
  return outDir;
}

/**
 * Convert face-api's TF.js weights to safetensors unless dist already holds the file whose
 * digest the weights registry records (the conversion is deterministic).
 */
async function faceWeights(dest) {
  const models = await nodeModels();
  const expected = models.findWeights("face")?.sha256;
  if (existsSync(dest) && sha256(dest) === expected) return;
  await models.convertFaceApiWeights(dest);
  const got = sha256(dest);
  if (expected && got !== expected) {
    rmSync(dest, { force: true });
    throw new Error(
      `face weights: converted file has sha256 ${got}, the registry expects ${expected}`,
    );
  }
}

/**
 * The face detector's and the 68-point landmark net's weights, converted from the same npm
 * package (deterministic: FACE_DETECT_SHA256) unless dist already holds those bytes.
 */
async function faceDetectWeights(dir) {
  const models = await nodeModels();
  const files = { detector: models.FACE_DETECTOR_FILE, landmarks: models.FACE_LANDMARKS_FILE };
  for (const [which, file] of Object.entries(files)) {
    const dest = join(dir, file);
    const expected = models.FACE_DETECT_SHA256[which];
    if (existsSync(dest) && sha256(dest) === expected) continue;
    await models.convertFaceApiModel(which, dest);
    const got = sha256(dest);
    if (got !== expected) {
      rmSync(dest, { force: true });
      throw new Error(`${file}: converted file has sha256 ${got}, expected ${expected}`);
    }
  }
}

function sha256(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** @sheep/models/node is TypeScript: bundle what we need of it for Node and import it. */
async function nodeModels() {
  const cache = join(here, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const outfile = join(cache, `models-node-${process.pid}.mjs`);
  await build({
    stdin: {
      contents:
        "export { convertFaceApiModel, convertFaceApiWeights, FACE_DETECT_SHA256, " +
        "FACE_DETECTOR_FILE, FACE_LANDMARKS_FILE, findWeights } from '@sheep/models/node';",
      resolveDir: here,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    plugins: [wgslEsbuild, externalDeps],
    logLevel: "warning",
    banner: {
      // Bundled CommonJS dependencies call require(); ESM output has none of its own.
      js:
        "import { createRequire as __cr } from 'node:module'; " +
        "const require = __cr(import.meta.url);",
    },
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  const out = await buildDemo();
  console.log(`demo built into ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
