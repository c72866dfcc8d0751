// The relative-import graph of a source file: every module it reaches and what each imports,
// to prove that browser entry points never pull in a Node module.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const IMPORT = /(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g;

/** Every file reachable from `entry` through relative imports → the specifiers it imports. */
export function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const specifiers = file.endsWith(".ts")
      ? [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => m[1])
      : [];
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith(".")) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return graph;
}
