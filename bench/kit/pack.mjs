// Pack the GPU kit: everything a bare x86-64 Linux machine with an NVIDIA driver (and no Node)
// needs to run the bench — this Node binary, Dawn's dawn.node, the Vulkan loader, the bundled
// bench with the peers' wasm files — into one gzip'd tar under 64 MiB.
//
//   node bench/kit/pack.mjs [--no-build] [--out FILE]     (default bench/kit/out/sheep-bench-kit.tar.gz)
//
// On the GPU machine:  tar xzf sheep-bench-kit.tar.gz && ./sheep-bench/run.sh
// The archive is a build output (git-ignored); this script and run.sh are the source.

import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

const here = dirname(new URL(import.meta.url).pathname);
const bench = resolve(here, "..");
const require = createRequire(join(bench, "package.json"));
const LIMIT = 64 * 1024 * 1024;
const args = process.argv.slice(2);
const outArg = args.indexOf("--out");
const out = resolve(outArg >= 0 ? args[outArg + 1] : join(here, "out", "sheep-bench-kit.tar.gz"));
const run = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { encoding: "utf8", ...opts });
const log = (s) => process.stderr.write(`kit: ${s}\n`);

if (!args.includes("--no-build")) {
  log("building the bench (bench/build.mjs)");
  run(process.execPath, [join(bench, "build.mjs")], { stdio: "inherit" });
}

/** A shared library as the dynamic linker resolves it for `binary` (from ldd). */
function linked(binary, name) {
  const line = run("ldd", [binary])
    .split("\n")
    .find((l) => l.trim().startsWith(name));
  const path = line?.split("=>")[1]?.trim().split(" ")[0];
  if (!path) throw new Error(`${binary} does not link ${name}`);
  return realpathSync(path);
}

/** The Vulkan loader (Debian's libvulkan1), found through ldconfig. */
function vulkanLoader() {
  const cache = run("/sbin/ldconfig", ["-p"]);
  const line = cache
    .split("\n")
    .find((l) => l.trim().startsWith("libvulkan.so.1 ") && l.includes("x86-64"));
  if (!line) throw new Error("no libvulkan.so.1 here: apt-get install libvulkan1");
  return realpathSync(line.split("=>")[1].trim());
}

const stage = mkdtempSync(join(tmpdir(), "sheep-kit-"));
const root = join(stage, "sheep-bench");
const put = (src, dest) => {
  mkdirSync(dirname(join(root, dest)), { recursive: true });
  copyFileSync(src, join(root, dest));
};
try {
  const dawnPkg = dirname(require.resolve("webgpu/package.json"));
  const dawnNode = join(dawnPkg, "dist", "linux-x64", "dawn.node");
  put(process.execPath, "bin/node");
  chmodSync(join(root, "bin/node"), 0o755);
  put(vulkanLoader(), "lib/libvulkan.so.1");
  // Used by run.sh only when the system's libstdc++ is older than dawn.node needs.
  put(linked(dawnNode, "libstdc++.so.6"), "lib/fallback/libstdc++.so.6");
  put(linked(dawnNode, "libgcc_s.so.1"), "lib/fallback/libgcc_s.so.1");

  // The bench: one bundle; Dawn stays a package because the engine loads it by name.
  put(join(bench, "dist", "run.js"), "bench/run.js");
  writeFileSync(
    join(root, "bench", "COMMIT"),
    `${run("git", ["rev-parse", "HEAD"], { cwd: bench }).trim()}\n`,
  );
  for (const f of ["package.json", "index.js"])
    put(join(dawnPkg, f), `bench/node_modules/webgpu/${f}`);
  put(dawnNode, "bench/node_modules/webgpu/dist/linux-x64/dawn.node");
  const tfWasm = dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  for (const f of [
    "tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm",
  ]) {
    put(join(tfWasm, f), `bench/wasm/${f}`);
  }
  const ortDist = dirname(require.resolve("onnxruntime-web"));
  for (const f of [
    "ort-wasm-simd-threaded.wasm",
    "ort-wasm-simd-threaded.mjs",
    "ort-wasm-simd-threaded.asyncify.wasm",
    "ort-wasm-simd-threaded.asyncify.mjs",
  ]) {
    put(join(ortDist, f), `bench/wasm/${f}`);
  }
  // The face network's weights come from face-api's TF.js files, converted on first use.
  const faceApi = dirname(require.resolve("@vladmandic/face-api/package.json"));
  put(join(faceApi, "package.json"), "bench/node_modules/@vladmandic/face-api/package.json");
  for (const f of ["face_recognition_model-weights_manifest.json", "face_recognition_model.bin"]) {
    put(join(faceApi, "model", f), `bench/node_modules/@vladmandic/face-api/model/${f}`);
  }
  put(join(here, "run.sh"), "run.sh");
  chmodSync(join(root, "run.sh"), 0o755);
  cpSync(join(here, "README.txt"), join(root, "README.txt"));

  const raw = Number(run("du", ["-sb", root]).split("\t")[0]);
  log(`staged ${(raw / 2 ** 20).toFixed(1)} MiB; compressing (gzip -9, about a minute)`);
  mkdirSync(dirname(out), { recursive: true });
  run("tar", ["-C", stage, "-cf", out, "--use-compress-program=gzip -9", "sheep-bench"]);
  const size = statSync(out).size;
  log(`${out}: ${(size / 2 ** 20).toFixed(1)} MiB (limit 64 MiB)`);
  if (size > LIMIT) {
    log("over the limit: the archive is too big to ship");
    process.exit(1);
  }
  log(`on the GPU machine: tar xzf ${basename(out)} && ./sheep-bench/run.sh`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
