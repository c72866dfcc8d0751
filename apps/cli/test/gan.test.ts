// `sheep gan xy` and `sheep gan toy` end to end: real processes, the files they write, and
// one-line errors for bad flags.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeImage } from "@sheep/io";
import { describe, expect, test } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "sheep.mjs");
const dir = mkdtempSync(join(tmpdir(), "sheep-gan-"));

async function sheep(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], {
      env: { ...process.env, SHEEP_DEBUG: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const errLines = (s: string) =>
  s.split("\n").filter((l) => l.trim() && !l.startsWith("Warning: max") && !/[█░]/.test(l));

describe("sheep gan", () => {
  test("xy: simultaneous GD's path and its closed form", async () => {
    const out = join(dir, "gd.json");
    const r = await sheep(
      "gan",
      "xy",
      "--method",
      "gd",
      "--lr",
      "0.1",
      "--steps",
      "50",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.path).toHaveLength(51);
    expect(doc.radius[50]).toBeCloseTo(doc.predicted[50], 10);
    expect(doc.radius[50]).toBeGreaterThan(doc.radius[0]);
    expect(r.stderr).toMatch(/gd η=0.1: distance to \(0, 0\) 1.4142 → /);
  });

  test("toy: frames, an animation and metrics for a 4-step run", async () => {
    const out = join(dir, "toy");
    const r = await sheep(
      "gan",
      "toy",
      "--steps",
      "4",
      "--every",
      "2",
      "--size",
      "32",
      "--width",
      "16",
      "--loss",
      "hinge",
      "--data",
      "moons",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(out, "frames"))).toEqual(["step-000002.png", "step-000004.png"]);
    const frame = decodeImage(readFileSync(join(out, "frames", "step-000004.png")));
    expect([frame.width, frame.height]).toEqual([32, 32]);
    expect(existsSync(join(out, "samples.gif"))).toBe(true);
    const m = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(m.steps).toBe(4);
    expect(m.config.loss).toBe("hinge");
    expect(m.records.map((x: { step: number }) => x.step)).toEqual([2, 4]);
    expect(readdirSync(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("bad flags: one line on stderr, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["gan", "toy", "--loss", "gan", "--out", dir], /--loss must be one of minimax, ns/],
      [["gan", "toy", "--steps", "0", "--out", dir], /--steps must be an integer ≥ 1/],
      [["gan", "xy", "--method", "sgd", "--out", "x.json"], /--method must be one of gd/],
      [["gan", "xy", "--out", "x.txt"], /--out must end in .json/],
      [["gan", "nope"], /unknown gan experiment "nope"/],
    ];
    for (const [args, msg] of cases) {
      const r = await sheep(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(errLines(r.stderr)).toHaveLength(1);
      expect(errLines(r.stderr)[0]).toMatch(msg);
    }
  });
});
