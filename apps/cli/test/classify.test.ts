// `sheep classify` end to end: a real process, a PNG on disk, a random-weight VGG16 (1/16 width,
// 1,000 classes) in safetensors; the text and JSON outputs, and the one-line errors.

import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeImageFile } from "@sheep/io";
import { imagenetLabels, randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import { beforeAll, describe, expect, test } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "sheep.mjs");
const dir = mkdtempSync(join(tmpdir(), "sheep-classify-"));
/** An empty cache, so "no --weights" never finds a pulled vgg16 on the machine running tests. */
const cache = mkdtempSync(join(tmpdir(), "sheep-cache-"));

const run = async (...args: string[]) => {
  try {
    const env = { ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: cache };
    const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
/** stderr without Dawn's own start-up warnings. */
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("Warning: max"));

const image = join(dir, "stripes.png");
const weights = join(dir, "vgg16-tiny.safetensors");

beforeAll(async () => {
  const [w, h] = [64, 48];
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const x = i % w;
    data.set([(x * 4) % 256, (x * 16) % 256, 255 - (((i / w) * 5) % 256), 255], i * 4);
  }
  await writeImageFile(image, { width: w, height: h, data });
  const config = vggConfig("vgg16", { divisor: 16, hidden: 64 });
  writeFileSync(weights, vggSafetensors(config, "torchvision", randomVggWeights(config, 5)));
});

describe("sheep classify", () => {
  test("lists the top classes with probabilities", async () => {
    const r = await run("classify", image, "--weights", weights, "--top", "3");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("VGG16 (torchvision weights), 64×48 → 224×224");
    expect(lines.slice(1)).toHaveLength(3);
    for (const [i, line] of lines.slice(1).entries())
      expect(line).toMatch(new RegExp(`^\\s+${i + 1}\\. +\\d+\\.\\d\\d% +.+ \\(\\d+\\)$`));
  });

  test("--json: the documented object", async () => {
    const r = await run("classify", image, "--weights", weights, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ image, weights, arch: "vgg16", dialect: "torchvision" });
    expect(out.predictions).toHaveLength(5);
    for (const p of out.predictions) {
      expect(p.label).toBe(imagenetLabels()[p.index]);
      expect(p.probability).toBeGreaterThan(0);
      expect(p.probability).toBeLessThanOrEqual(1);
    }
  });

  // A real photo shipped with the project (scikit-image's Chelsea, CC0; apps/demo/static/samples).
  const chelsea = join(import.meta.dirname, "..", "..", "demo", "static", "samples", "chelsea.png");
  test("by default, the shipped GoogLeNet: Chelsea is a cat", async () => {
    const r = await run("classify", chelsea, "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      model: string;
      predictions: { label: string; probability: number }[];
    };
    expect(out.model).toBe("googlenet");
    // The five domestic-cat classes (tabby, tiger, Persian, Siamese, Egyptian) hold most of the
    // probability (97% measured); "over half" leaves room for any backend's rounding.
    const cats = out.predictions.filter((p) =>
      /\b(tabby|tiger cat|Persian cat|Siamese cat|Egyptian cat)\b/.test(p.label),
    );
    expect(cats.reduce((a, p) => a + p.probability, 0)).toBeGreaterThan(0.5);
    expect(cats.map((p) => p.label)).toContain(out.predictions[0].label);
  });

  test("errors: one line, exit 2 for usage and 1 for everything else", async () => {
    const usage = [["classify"], ["classify", image, "--top", "0"], ["classify", image, "extra"]];
    for (const args of usage) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(errLines(r.stderr)).toHaveLength(1);
    }
    const noWeights = await run("classify", image, "--model", "vgg16");
    expect(noWeights.code).toBe(1);
    expect(errLines(noWeights.stderr)).toEqual([
      expect.stringMatching(
        /^sheep: no VGG weights: pass --weights FILE .*sheep weights pull vgg16/,
      ),
    ]);
    const bad = join(dir, "bad.safetensors");
    writeFileSync(bad, "not a weights file");
    const badWeights = await run("classify", image, "--weights", bad);
    expect(badWeights.code).toBe(1);
    expect(errLines(badWeights.stderr)).toEqual([
      expect.stringMatching(/^sheep: .*bad\.safetensors: /),
    ]);
    const missingImage = await run("classify", join(dir, "nope.png"), "--weights", weights);
    expect(missingImage.code).toBe(1);
    expect(errLines(missingImage.stderr)).toHaveLength(1);
  });
});
