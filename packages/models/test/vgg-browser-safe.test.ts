// The package's browser entry (src/index.ts: VGG, the face network, presets, labels, classify)
// must reach no Node module: the demo bundles it. Node-only loaders live in src/node.ts.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importGraph } from "./helpers/import-graph.ts";

const SRC = join(import.meta.dirname, "..", "src");

describe("browser entry", () => {
  it("src/index.ts imports nothing but relative modules and @sheep/tensor", () => {
    const graph = importGraph(join(SRC, "index.ts"));
    const files = [...graph.keys()].map((f) => f.slice(SRC.length + 1));
    expect(files).toContain("vgg/load.ts");
    expect(files).toContain("face/model.ts");
    expect(files).toContain("classify.ts");
    expect(files.some((f) => f.endsWith("node.ts"))).toBe(false);
    const external = new Set([...graph.values()].flat().filter((s) => !s.startsWith(".")));
    expect([...external]).toEqual(["@sheep/tensor"]);
  });

  it("src/node.ts adds the file loaders (and so does reach Node modules)", () => {
    const graph = importGraph(join(SRC, "node.ts"));
    const files = [...graph.keys()].map((f) => f.slice(SRC.length + 1));
    expect(files).toContain("vgg/node.ts");
    expect(files).toContain("face/node.ts");
    expect([...graph.values()].flat()).toContain("node:fs/promises");
  });
});
