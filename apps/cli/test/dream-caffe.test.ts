// `sheep dream --model caffe`: a Caffe net of the user's own, here the shipped SqueezeNet file
// opened as a plain converted Caffe model (it carries its deploy prototxt), dreams a sample photo
// end to end; --prototxt and --synsets are refused without --model caffe.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const bin = join(root, "apps", "cli", "bin", "sheep.mjs");
const photo = join(root, "apps", "demo", "static", "samples", "chelsea.png");
const weights = join(root, "packages", "models", "weights", "squeezenet.safetensors");
const dir = mkdtempSync(join(tmpdir(), "sheep-dream-caffe-"));

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

test("a converted Caffe model dreams with its own default layer", async () => {
  const out = join(dir, "dream.png");
  const r = await run(
    "dream",
    photo,
    "--out",
    out,
    "--model",
    "caffe",
    "--weights",
    weights,
    "--octaves",
    "1",
    "--steps",
    "1",
    "--max-side",
    "64",
  );
  expect(r.stderr).toContain("SqueezeNet");
  expect(r.code).toBe(0);
  expect(existsSync(out)).toBe(true);
});

test("--prototxt and --synsets go with --model caffe only", async () => {
  const r = await run("dream", photo, "--out", join(dir, "x.png"), "--synsets", "words.txt");
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--synsets goes with --model caffe");
  expect(existsSync(join(dir, "x.png"))).toBe(false);
});
