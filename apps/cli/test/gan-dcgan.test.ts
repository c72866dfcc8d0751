// `sheep gan train|sample|walk|arithmetic` as a user runs them: bad flags exit 2 with one line
// before any work, and tiny real runs write their files (the shipped MNIST generator; a 2-step
// training on 8 digits, then a resume).

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "sheep.mjs");
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], {
      env: { ...process.env, SHEEP_DEBUG: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("Warning: max"));

describe("sheep gan (DCGAN)", () => {
  test("bad flags: exit 2 and one line naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["gan", "train", "--epochs", "1", "--out", "x"],
        /--data must be one of fashion-mnist, mnist/,
      ],
      [["gan", "train", "--data", "cifar", "--epochs", "1", "--out", "x"], /got "cifar"/],
      [["gan", "train", "--data", "mnist", "--out", "x"], /needs --epochs N/],
      [["gan", "sample", "--n", "0", "--out", "a.png"], /--n/],
      [
        ["gan", "walk", "--from", "1", "--to", "2", "--out", "a.txt"],
        /--out must be FILE.gif or .png/,
      ],
      [["gan", "walk", "--from", "1", "--out", "a.gif"], /needs --from SEED and --to SEED/],
      [
        ["gan", "arithmetic", "--a", "1,2", "--out", "a.png", "--data", "mnist"],
        /--a must be three seeds/,
      ],
      [["gan", "eval", "--out", "x.csv"], /--out must end in .json/],
      [["gan", "nope"], /use toy, xy, train, sample, walk, arithmetic or eval/],
    ];
    for (const [args, msg] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(errLines(r.stderr).join("\n"), args.join(" ")).toMatch(msg);
    }
  });

  test("sample and walk with the shipped MNIST generator", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sheep-gan-"));
    const grid = join(dir, "grid.png");
    expect((await run("gan", "sample", "--data", "mnist", "--n", "4", "--out", grid)).code).toBe(0);
    expect(readFileSync(grid).subarray(1, 4).toString()).toBe("PNG");
    const gif = join(dir, "walk.gif");
    const w = await run(
      "gan",
      "walk",
      "--data",
      "mnist",
      "--from",
      "1",
      "--to",
      "2",
      "--frames",
      "3",
      "--out",
      gif,
    );
    expect(w.code).toBe(0);
    expect(readFileSync(gif).subarray(0, 6).toString()).toBe("GIF89a");
  });

  test("train 2 steps on 8 digits, then resume for 2 more", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sheep-gan-train-"));
    const flags = [
      "--data",
      "mnist",
      "--limit",
      "8",
      "--batch",
      "4",
      "--width",
      "2",
      "--z",
      "8",
      "--out",
      dir,
    ];
    const first = await run("gan", "train", ...flags, "--epochs", "1");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/2 steps \(epoch 1\.00\)/);
    for (const f of ["checkpoint.safetensors", "G.safetensors", "grid-epoch-1.png"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const again = await run("gan", "train", ...flags, "--epochs", "2", "--resume");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/4 steps \(epoch 2\.00\)/);
  });

  test("sample --class from a conditional generator; --class refused where it cannot apply", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sheep-gan-class-"));
    const flags = ["--data", "mnist", "--limit", "8", "--batch", "4", "--width", "2", "--z", "8"];
    const trained = await run(
      "gan",
      "train",
      ...flags,
      "--conditional",
      "--epochs",
      "1",
      "--out",
      dir,
    );
    expect(trained.code, trained.stderr).toBe(0);
    const weights = join(dir, "G.safetensors");
    const grid = join(dir, "sevens.png");
    const ok = await run(
      "gan",
      "sample",
      "--weights",
      weights,
      "--class",
      "7",
      "--n",
      "4",
      "--out",
      grid,
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(grid).subarray(1, 4).toString()).toBe("PNG");
    const bad = await run("gan", "sample", "--weights", weights, "--class", "12", "--out", grid);
    expect(bad.code).toBe(2);
    expect(errLines(bad.stderr)).toEqual([
      expect.stringMatching(/--class must be one of 0, 1, .*, 9 or 0–9, got "12"/),
    ]);
    const plain = await run("gan", "sample", "--data", "mnist", "--class", "3", "--out", grid);
    expect(plain.code).toBe(2);
    expect(errLines(plain.stderr)).toEqual([
      expect.stringMatching(/--class needs a conditional generator/),
    ]);
  });
});
