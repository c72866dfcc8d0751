// Node module hooks that run this package's TypeScript as native ES modules (no bundler), so
// import-order behaviour is exactly Node's. A `?gen=N` on a module's URL is passed on to
// everything it imports from this repo: each N is a fresh copy of the module graph.
import { readFile } from "node:fs/promises";
import { transform } from "esbuild";

export async function resolve(specifier, context, nextResolve) {
  const r = await nextResolve(specifier.replace(/\?gen=\d+$/, ""), context);
  const gen = context.parentURL?.match(/\?gen=\d+$/)?.[0] ?? specifier.match(/\?gen=\d+$/)?.[0];
  const ours = r.url.startsWith("file:") && /\.(ts|wgsl)$/.test(r.url);
  return gen && ours ? { ...r, url: r.url + gen } : r;
}

const cache = new Map();

export async function load(url, context, nextLoad) {
  const path = url.replace(/\?gen=\d+$/, "");
  if (path.endsWith(".wgsl")) {
    const text = await readFile(new URL(path), "utf8");
    return {
      format: "module",
      source: `export default ${JSON.stringify(text)};`,
      shortCircuit: true,
    };
  }
  if (!path.endsWith(".ts")) return nextLoad(url, context);
  let code = cache.get(path);
  if (code === undefined) {
    const ts = await readFile(new URL(path), "utf8");
    code = (await transform(ts, { loader: "ts", format: "esm", target: "node20" })).code;
    cache.set(path, code);
  }
  return { format: "module", source: code, shortCircuit: true };
}
