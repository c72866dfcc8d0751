// `sheep viz` end to end on a tiny random VGG file: grid and ablation layouts in the written
// PNG, single targets, and one-line errors.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ABLATION_STAGES, textWidth } from "@sheep/algorithms";
import { decodeImage } from "@sheep/io";
import { randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import { beforeAll, describe, expect, test } from "vitest";
import { sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-viz-"));
const env = { ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: join(dir, "cache") };

const sheep = sheepRunner(env);

const errLines = (s: string) =>
  s.split("\n").filter(
    (l) =>
      l.trim() &&
      !l.startsWith("Warning: max") &&
      !/^\S+ \(\S+\) [█░]/.test(l) &&
      !/^sheep: .*…$/.test(l), // the phases: "decoding …", "loading the network…"
  );

const weights = join(dir, "tiny-vgg16.safetensors");

beforeAll(() => {
  const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
  writeFileSync(weights, vggSafetensors(config, "timm", randomVggWeights(config, 5)));
});

const size = (path: string) => {
  const img = decodeImage(readFileSync(path));
  return [img.width, img.height];
};

describe("sheep viz", () => {
  test("a channel grid: 2 × 2 cells of 16 px, 2 px apart", async () => {
    const out = join(dir, "grid.png");
    const r = await sheep(
      "viz",
      "--weights",
      weights,
      "--layer",
      "block3_conv1",
      "--channels",
      "0-3",
      "--size",
      "16",
      "--steps",
      "3",
      "--batch",
      "3",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(size(out)).toEqual([34, 34]);
  });

  test("the ablation: one labelled cell per stage in a row", async () => {
    const out = join(dir, "ablation.png");
    const r = await sheep(
      "viz",
      "--weights",
      weights,
      "--layer",
      "block4_conv3",
      "--channels",
      "5",
      "--ablation",
      "--size",
      "16",
      "--steps",
      "2",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const [w, h] = size(out);
    // columns widen to the longest label ("+ decorrelate"): no label is cut
    const cw = Math.max(16, ...ABLATION_STAGES.map((s) => textWidth(s.label) + 2));
    expect(w).toBe(6 * cw + 5 * 2);
    expect(h).toBeGreaterThan(16 + 7);
  });

  test("neurons, whole layers, classes and the naive recipe", async () => {
    for (const flags of [
      ["--layer", "block2_conv2", "--target", "neuron", "--channels", "0-1"],
      ["--layer", "block5_conv3", "--target", "layer"],
      ["--class", "hen", "--recipe", "naive"],
    ]) {
      const out = join(dir, "single.png");
      const r = await sheep(
        "viz",
        "--weights",
        weights,
        "--size",
        "32",
        "--steps",
        "2",
        "--out",
        out,
        ...flags,
      );
      expect(r.code, `${flags}: ${r.stderr}`).toBe(0);
      expect(size(out)[1]).toBe(32);
    }
  });

  test("bad flags and layers: one line on stderr", async () => {
    const out = join(dir, "x.png");
    const cases: [string[], number, RegExp][] = [
      [
        ["--layer", "block1_conv1", "--out", out, "--channels", "5-2"],
        2,
        /--channels: bad channel range "5-2"/,
      ],
      [
        ["--layer", "block1_conv1", "--out", out, "--recipe", "fancy"],
        2,
        /--recipe must be naive or robust/,
      ],
      [["--out", out], 2, /needs --layer/],
      [["--layer", "block1_conv1"], 2, /needs --out/],
      [["--layer", "nope", "--out", out, "--weights", weights], 2, /has no layer "nope"/],
      [
        [
          "--layer",
          "block1_conv1",
          "--channels",
          "99",
          "--out",
          out,
          "--weights",
          weights,
          "--size",
          "16",
        ],
        2,
        /--channels 99: vgg16's layer block1_conv1 has 4 channels, 0–3; 99 is out of range/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const r = await sheep("viz", ...args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      const lines = errLines(r.stderr);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
  });
});
