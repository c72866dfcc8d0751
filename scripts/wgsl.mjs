// One WGSL loader for both build tools: `import src from "../../shaders/x.wgsl"` yields the file's
// text, whether esbuild bundles the code (CLI, demo, bench) or vitest runs it (tests).
import { readFile } from "node:fs/promises";

/** esbuild plugin: .wgsl files become string modules. */
export const wgslEsbuild = {
  name: "wgsl",
  setup(build) {
    build.onLoad({ filter: /\.wgsl$/ }, async (args) => ({
      contents: await readFile(args.path, "utf8"),
      loader: "text",
    }));
  },
};

/** vite/vitest plugin: the same transformation. */
export const wgslVite = {
  name: "wgsl",
  enforce: "pre",
  async load(id) {
    if (!id.endsWith(".wgsl")) return null;
    const text = await readFile(id, "utf8");
    return `export default ${JSON.stringify(text)};`;
  },
};
