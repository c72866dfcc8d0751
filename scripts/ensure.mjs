// Preflight for `npm test`, `npm start` and `npm run bench`: install the npm dependencies when
// they are missing or stale, and say precisely which system packages are missing. Uses only
// Node's standard library, because it runs before anything is installed.
//   node scripts/ensure.mjs [test|start|bench]

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const purpose = process.argv[2] ?? "build";
const problems = [];

// 1. Node itself.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  problems.push(
    `Node ${process.versions.node} is too old: install Node 20.19 or newer (https://nodejs.org)`,
  );
}

// 2. npm dependencies: reinstall when package-lock.json changed since the last install.
const lock = join(root, "package-lock.json");
const stamp = join(root, "node_modules", ".sheep-installed");
const digest = createHash("sha256").update(readFileSync(lock)).digest("hex");
if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== digest) {
  // `npm ci`: exactly the lockfile's versions, on any platform — the lock lists every platform's
  // builds of the packages that ship per platform (biome, esbuild, rollup, turbo, fsevents).
  console.error("sheep: installing npm dependencies (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: "1" },
  });
  if (r.status !== 0) {
    console.error(
      "sheep: `npm ci` failed — check your network access to the npm registry; if npm says " +
        "package.json and package-lock.json are out of sync, run `npm install` once to update the lock",
    );
    process.exit(1);
  }
  const after = createHash("sha256").update(readFileSync(lock)).digest("hex");
  writeFileSync(stamp, after);
}

// 3. System packages: WebGPU in Node needs a Vulkan loader and a driver; browser tests need
//    Chromium; the training test needs Fashion-MNIST.
const has = (file) => existsSync(file);
const ldconfig = (() => {
  try {
    return execFileSync("/sbin/ldconfig", ["-p"], { encoding: "utf8" });
  } catch {
    return "";
  }
})();
if (purpose === "test" || purpose === "bench") {
  const apt = [];
  if (!ldconfig.includes("libvulkan.so.1")) apt.push("libvulkan1 (from bookworm-backports)");
  const lavapipe = [
    "/usr/share/vulkan/icd.d/lvp_icd.json",
    "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json",
  ].some(has);
  if (!lavapipe && !process.env.SHEEP_ADAPTER)
    apt.push("mesa-vulkan-drivers (Mesa 25 from bookworm-backports: lavapipe, WebGPU on the CPU)");
  if (!["/usr/bin/chromium", "/usr/bin/chromium-browser"].some(has) && !process.env.SHEEP_CHROMIUM)
    apt.push("chromium (browser tests, SwiftShader)");
  if (purpose === "test" && !has("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    apt.push("dataset-fashion-mnist (training test)");
  if (apt.length) {
    problems.push(
      `missing system packages: ${apt.join("; ")}.\n  On Debian 12, as root:\n` +
        '    echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list\n' +
        "    apt-get update && apt-get install -y -t bookworm-backports mesa-vulkan-drivers libvulkan1\n" +
        "    apt-get install -y chromium dataset-fashion-mnist\n" +
        "  (.ci/run does exactly this.)",
    );
  }
}

if (problems.length) {
  for (const p of problems) console.error(`sheep: ${p}`);
  process.exit(1);
}
process.env.XDG_RUNTIME_DIR ??= "/tmp";
