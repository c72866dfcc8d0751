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

/**
 * esbuild plugin for Node bundles: third-party packages stay in node_modules (native addons,
 * large libraries), while the workspace's own @sheep/* packages — TypeScript sources — are
 * bundled.
 */
export const externalDeps = {
  name: "external-deps",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@sheep/") || args.path.startsWith("node:")) return null;
      return { path: args.path, external: true };
    });
  },
};
