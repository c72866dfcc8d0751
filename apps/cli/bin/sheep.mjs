#!/usr/bin/env node
// The `sheep` command: runs the bundled CLI, rebuilding it first when a source file is newer
// than the bundle (so `npx sheep` works straight after a clone or an edit).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const app = fileURLToPath(new URL("..", import.meta.url));
const root = join(app, "..", "..");
const bundle = join(app, "dist", "sheep.mjs");

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = ["apps/cli/src", "packages", "shaders"].map((d) => newest(join(root, d)));
if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(...sources)) {
  try {
    await import(pathToFileURL(join(app, "build.mjs")).href);
  } catch (e) {
    console.error(`sheep: could not build the CLI (${e.message}); run \`npm install\` first`);
    process.exit(1);
  }
}
process.env.XDG_RUNTIME_DIR ??= "/tmp";
await import(pathToFileURL(bundle).href);
