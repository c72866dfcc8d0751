import type { Plugin } from "esbuild";
export const wgslEsbuild: Plugin;
export const wgslVite: { name: string; enforce: "pre"; load(id: string): Promise<string | null> };
export const externalDeps: Plugin;
