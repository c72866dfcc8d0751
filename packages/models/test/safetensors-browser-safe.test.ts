// The browser entry points (safetensors/index.ts, download/index.ts) must never reach a Node
// module, or the demo's bundle breaks. This follows their relative imports and looks at every
// module specifier on the way.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
const IMPORT = /(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g;

/** Every file reachable from `entry` through relative imports, with what each imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const specifiers = [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => m[1]);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith(".")) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return graph;
}

describe("browser entry points", () => {
  for (const entry of ["safetensors/index.ts", "download/index.ts"]) {
    it(`${entry} imports no Node module`, () => {
      const graph = importGraph(join(SRC, entry));
      expect(graph.size).toBeGreaterThan(3);
      const external = [...graph.values()].flat().filter((s) => !s.startsWith("."));
      expect(external).toEqual([]);
    });
  }

  it("the Node entry points do reach Node modules (the check can fail)", () => {
    const graph = importGraph(join(SRC, "download/node.ts"));
    const external = [...graph.values()].flat().filter((s) => !s.startsWith("."));
    expect(external).toContain("node:crypto");
  });
});
