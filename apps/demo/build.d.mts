// Types for build.mjs (the tests import it).
export function buildDemo(options?: { outDir?: string; minify?: boolean }): Promise<string>;
