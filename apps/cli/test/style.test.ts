// `sheep style` end to end, as a user runs it: a real process on a tiny random VGG16 file (timm
// names, widths ÷16), real images, the progress line's per-layer losses, frames, and one-line
// errors for bad flags.

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, encodeImage, type RgbaImage } from "@sheep/io";
import { randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import { beforeAll, describe, expect, test } from "vitest";
import { sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-style-"));
const env = { ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: join(dir, "cache") };

const sheep = sheepRunner(env);

/** stderr without Dawn's start-up warnings. */
const errLines = (s: string) =>
  s.split("\n").filter((l) => l.trim() && !l.startsWith("Warning: max"));

/** A w × h picture of colour waves; `k` changes the pattern. */
function picture(w: number, h: number, k: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      data[i] = 128 + 100 * Math.sin((x * k) / 5);
      data[i + 1] = 128 + 100 * Math.cos((y + k) / 4);
      data[i + 2] = 128 + 80 * Math.sin((x + y * k) / 7);
      data[i + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

const content = join(dir, "content.png");
const style1 = join(dir, "style1.png");
const style2 = join(dir, "style2.png");
const weights = join(dir, "tiny-vgg16.safetensors");
const read = (path: string) => decodeImage(readFileSync(path));

beforeAll(() => {
  writeFileSync(content, encodeImage(picture(40, 32, 1), "png"));
  writeFileSync(style1, encodeImage(picture(32, 32, 3), "png"));
  writeFileSync(style2, encodeImage(picture(24, 32, 5), "png"));
  const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
  writeFileSync(
    weights,
    vggSafetensors(config, "timm", randomVggWeights(config, 3), { classifier: false }),
  );
});

const common = ["--model", "vgg16", "--weights", weights, "--steps", "3"];

describe("sheep style", () => {
  test("two styles with blend weights: a PNG of the content's size, per-layer losses on stderr, frames", async () => {
    const out = join(dir, "out.png");
    const frames = join(dir, "frames");
    const r = await sheep(
      "style",
      content,
      style1,
      style2,
      "--out",
      out,
      ...common,
      "--style-weights",
      "0.7,0.3",
      "--preserve-colour",
      "luminance",
      "--frames",
      frames,
      "--frame-every",
      "1",
      "--stats",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/relu1_1 \d\.\de[+-]\d+ · relu2_1/);
    // --stats: what ran, how long each step took, and the engine's memory high-water mark
    expect(r.stderr).toMatch(
      /stats: 40×32 in 1 tile · 3 steps in [\d.]+ s \(to the end of step 1: [\d.]+ s · then [\d.]+ s\/step\) · GPU peak [\d.]+ (kB|MB|GB)/,
    );
    expect(r.stderr).toMatch(/ETA/);
    const img = read(out);
    expect([img.width, img.height]).toEqual([40, 32]);
    expect(img.data.some((v, i) => v !== read(content).data[i])).toBe(true);
    expect(readdirSync(frames).sort()).toEqual([
      "frame-0001.png",
      "frame-0002.png",
      "frame-0003.png",
    ]);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  test("bad flags and inputs: one line naming the flag and what is valid", async () => {
    const out = join(dir, "bad.png");
    const cases: [string[], RegExp, number][] = [
      [[content, "--out", out], /needs a CONTENT image and at least one STYLE image/, 2],
      [
        [content, style1, "--out", out, "--optimizer", "sgd"],
        /--optimizer must be lbfgs, adam, got "sgd"/,
        2,
      ],
      [
        [content, style1, style2, "--out", out, "--style-weights", "1"],
        /--style-weights needs 2 numbers/,
        2,
      ],
      [
        [content, style1, "--out", join(dir, "x.gif")],
        /--out must end in \.png, \.jpg or \.jpeg/,
        2,
      ],
      [[content, join(dir, "none.png"), "--out", out], /none\.png: no such style image/, 1],
      [
        [content, style1, "--out", out, ...common, "--style-layers", "relu9_9"],
        /no (tap|layer) "relu9_9"/,
        1,
      ],
    ];
    for (const [args, message, code] of cases) {
      const r = await sheep("style", ...args);
      expect(r.code, args.join(" ")).toBe(code);
      expect(errLines(r.stderr), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });
});
