// WGSL files are imported as their source text (scripts/wgsl.mjs does it for esbuild and vitest).
declare module "*.wgsl" {
  const source: string;
  export default source;
}
