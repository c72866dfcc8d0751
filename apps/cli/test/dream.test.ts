// `sheep dream` end to end, as a user runs it: a real process on a tiny random VGG file (timm
// names, widths ÷16), real images, exit codes, one-line errors, and Ctrl-C keeping the result.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, encodeImage, type RgbaImage } from "@sheep/io";
import { randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import { beforeAll, describe, expect, test } from "vitest";
import { bin, sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-dream-"));
// an empty cache: no VGG16 is pulled there (GoogLeNet ships in the repo)
const env = { ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: join(dir, "cache") };

const sheep = sheepRunner(env);

/** stderr without Dawn's start-up warnings and progress lines. */
const errLines = (s: string) =>
  s.split("\n").filter(
    (l) =>
      l.trim() &&
      !l.startsWith("Warning: max") &&
      !/^\S+ \(\S+\) [█░]/.test(l) &&
      !/^sheep: .*…$/.test(l), // the phases: "decoding …", "loading the network…"
  );

/** A test photo (40×32 unless asked): smooth colour waves. */
function photo(w = 40, h = 32): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      data[i] = 128 + 100 * Math.sin(x / 5);
      data[i + 1] = 128 + 100 * Math.cos(y / 4);
      data[i + 2] = 128 + 80 * Math.sin((x + y) / 7);
      data[i + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

const input = join(dir, "photo.png");
const weights = join(dir, "tiny-vgg16.safetensors");

beforeAll(() => {
  writeFileSync(input, encodeImage(photo(), "png"));
  const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
  writeFileSync(weights, vggSafetensors(config, "timm", randomVggWeights(config, 3)));
});

const read = (path: string) => decodeImage(readFileSync(path));
const differs = (a: RgbaImage, b: RgbaImage) => a.data.some((v, i) => v !== b.data[i]);

describe("sheep dream", () => {
  test("dreams with a VGG16 file: a PNG of the input's size that differs from it", async () => {
    const out = join(dir, "dream.png");
    const r = await sheep(
      "dream",
      input,
      "--out",
      out,
      "--weights",
      weights,
      "--layers",
      "block3_conv1:1,block4_conv3:0.5",
      "--octaves",
      "2",
      "--steps",
      "3",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/face network/);
    const img = read(out);
    expect([img.width, img.height]).toEqual([40, 32]);
    expect(differs(img, read(input))).toBe(true);
  });

  test("class mixtures by name, single channels and guides run", async () => {
    const guide = join(dir, "guide.png");
    writeFileSync(
      guide,
      encodeImage(
        { ...photo(), data: photo().data.map((v, i) => (i % 4 === 3 ? 255 : 255 - v)) },
        "png",
      ),
    );
    for (const flags of [
      ["--classes", "hen:0.5,sports car:0.5"],
      ["--layers", "block4_conv1", "--channel", "3"],
      ["--guide", guide, "--layers", "block3_conv3"],
    ]) {
      const out = join(dir, "variant.png");
      const r = await sheep(
        "dream",
        input,
        "--out",
        out,
        "--weights",
        weights,
        "--octaves",
        "1",
        "--steps",
        "2",
        ...flags,
      );
      expect(r.code, `${flags}: ${r.stderr}`).toBe(0);
      expect(differs(read(out), read(input))).toBe(true);
    }
  });

  test("an endless zoom writes a GIF and its frames", async () => {
    const out = join(dir, "zoom.gif");
    const frames = join(dir, "frames");
    const r = await sheep(
      "dream",
      input,
      "--out",
      out,
      "--weights",
      weights,
      "--octaves",
      "1",
      "--steps",
      "2",
      "--zoom-frames",
      "3",
      "--zoom",
      "1.1",
      "--rotate",
      "5",
      "--frames",
      frames,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 6).toString()).toBe("GIF89a");
    expect(readdirSync(frames).sort()).toEqual([
      "frame-0001.png",
      "frame-0002.png",
      "frame-0003.png",
    ]);
    expect(read(join(frames, "frame-0003.png")).width).toBe(40);
  });

  test("without --model or --weights it dreams with the shipped GoogLeNet", async () => {
    const square = join(dir, "square.png");
    writeFileSync(square, encodeImage(photo(40, 40), "png"));
    const out = join(dir, "googlenet.png");
    const r = await sheep("dream", square, "--out", out, "--octaves", "1", "--steps", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/dream \(googlenet\)/);
    expect(differs(read(out), read(square))).toBe(true);
  });

  test("bad flags and files: one line on stderr, exit 2 for usage and 1 for files", async () => {
    const bad = join(dir, "bad.png");
    writeFileSync(bad, "not an image");
    const cases: [string[], number, RegExp][] = [
      [[input, "--out", join(dir, "x.png"), "--steps", "abc"], 2, /--steps must be an integer/],
      [
        [input, "--out", join(dir, "x.png"), "--model", "alexnet"],
        2,
        /--model must be googlenet, squeezenet, face, vgg16, vgg19, caffe, got "alexnet"/,
      ],
      [[input, "--out", join(dir, "x.txt")], 2, /--out must end in/],
      [[input], 2, /needs --out/],
      [[input, "--out", join(dir, "x.png"), "--bogus"], 2, /unknown flag/],
      [[join(dir, "missing.png"), "--out", join(dir, "x.png")], 1, /missing\.png: no such image/],
      [[bad, "--out", join(dir, "x.png")], 1, /bad\.png: /],
      [[input, "--out", join(dir, "x.png"), "--weights", bad], 1, /bad\.png/],
      [
        [input, "--out", join(dir, "x.png"), "--weights", weights, "--layers", "nope"],
        2,
        /no tap "nope"|no layer "nope"/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const r = await sheep("dream", ...args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      const lines = errLines(r.stderr);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^sheep: /);
      expect(lines[0]).toMatch(message);
    }
    expect(existsSync(join(dir, "x.png"))).toBe(false);
  });

  test("Ctrl-C stops after the current step, writes the last result and exits 130", async () => {
    const out = join(dir, "interrupted.png");
    const child = spawn(
      "node",
      [
        bin,
        "dream",
        input,
        "--out",
        out,
        "--weights",
        weights,
        "--octaves",
        "1",
        "--steps",
        "10000",
      ],
      { env },
    );
    let stderr = "";
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        // the first progress line: a step has finished
        if (/dream \(vgg16\)/.test(stderr) && !child.killed) child.kill("SIGINT");
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopped after [1-9]\d* of 10000 steps; wrote what was finished/);
    expect(differs(read(out), read(input))).toBe(true);
  });
});
