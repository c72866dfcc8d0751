// Imports every module of packages/tensor/src first, alone, in a fresh module graph, then the
// public index, and runs a small forward + backward through it — twice: as native ES modules
// (Node's own evaluation order) and as an esbuild bundle whose entry imports the module first
// (the order a bundler picks). Prints one JSON line: the modules that failed and why.
//   node packages/tensor/test/layers/import-each.mjs [module.ts …]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { externalDeps, wgslEsbuild } from "../../../../scripts/wgsl.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "../..");
const src = join(pkg, "src");
const index = join(src, "index.ts");
register("./ts-hooks.mjs", import.meta.url);

function modulesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return modulesUnder(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The same small problem every time: conv2d → relu → sum of squares, and its gradients. */
async function workload(T) {
  await T.init({ backend: "cpu" });
  const x = T.div(T.reshape(T.arange(0, 32, 1, { dtype: "float32" }), [1, 2, 4, 4]), 16);
  x.requiresGrad = true;
  const w = T.div(T.sub(T.reshape(T.arange(0, 36, 1, { dtype: "float32" }), [2, 2, 3, 3]), 17), 20);
  w.requiresGrad = true;
  const y = T.conv2d(x, w, undefined, { padding: 1 }).relu();
  const loss = T.sum(T.mul(y, y)).add(T.logsumexp(T.flatten(x)));
  loss.backward();
  const out = {
    ops: T.OP_NAMES.length,
    loss: (await loss.data())[0],
    gx: Array.from(await x.grad.data()),
    gw: Array.from(await w.grad.data()),
  };
  T.release();
  return out;
}

/**
 * One esbuild bundle per module, each from an entry that imports that module before the index
 * (one build call: esbuild bundles the entries in parallel). Returns the bundle files in order.
 */
async function bundles(firsts) {
  const dir = resolve(pkg, "../../node_modules/.cache/import-each", String(process.pid));
  mkdirSync(dir, { recursive: true });
  for (const [i, m] of firsts.entries()) {
    const entry = `import ${JSON.stringify(m)};\nexport * from ${JSON.stringify(index)};\n`;
    writeFileSync(join(dir, `entry${i}.ts`), entry);
  }
  await build({
    entryPoints: firsts.map((_, i) => join(dir, `entry${i}.ts`)),
    bundle: true,
    platform: "node",
    format: "esm",
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    plugins: [wgslEsbuild, externalDeps],
    logLevel: "silent",
  });
  return { dir, files: firsts.map((_, i) => join(dir, `entry${i}.mjs`)) };
}

const only = process.argv.slice(2).map((m) => resolve(m));
const modules = only.length ? only : modulesUnder(src).sort();
const built = await bundles(modules);
let gen = 0;
const reference = await workload(await import(`${pathToFileURL(index).href}?gen=${++gen}`));
const failures = [];
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
for (const [i, m] of modules.entries()) {
  const name = relative(pkg, m);
  for (const how of ["esm", "bundle"]) {
    try {
      let T;
      if (how === "esm") {
        const g = ++gen;
        const mod = await import(`${pathToFileURL(m).href}?gen=${g}`);
        for (const k of Object.keys(mod)) void mod[k]; // every export is initialised
        T = await import(`${pathToFileURL(index).href}?gen=${g}`);
      } else {
        T = await import(pathToFileURL(built.files[i]).href);
      }
      const got = await workload(T);
      if (!same(got, reference))
        failures.push({ module: name, how, error: `different result: ${JSON.stringify(got)}` });
    } catch (e) {
      failures.push({ module: name, how, error: String(e?.message ?? e).split("\n")[0] });
    }
  }
}
rmSync(built.dir, { recursive: true, force: true });
console.log(JSON.stringify({ modules: modules.length, reference, failures }));
process.exit(0);
