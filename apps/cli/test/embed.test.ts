// `sheep embed train|eval` as a user runs them: --help, bad flags exit 2 with one line before any
// work, a tiny training run writes the weights and the per-step metrics, and the shipped
// Fashion-MNIST net evaluates on its held-out classes.

import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { sheepRunner } from "./helpers.ts";

const run = sheepRunner({ ...process.env, SHEEP_DEBUG: "" });
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("Warning: max"));

describe("sheep embed", () => {
  test("--help lists the subcommands and the losses", async () => {
    const r = await run("embed", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sheep embed train/);
    expect(r.stdout).toMatch(/sheep embed eval/);
    expect(r.stdout).toMatch(/softmax\|cosface\|arcface\|contrastive\|triplet/);
  });

  test("bad flags and subcommands: exit 2 and one line naming the problem", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sheep-embed-bad-")), "run");
    const train = (...a: string[]) => ["embed", "train", "--out", out, ...a];
    const cases: [string[], RegExp][] = [
      [["embed"], /embed needs a subcommand: train, eval/],
      [["embed", "nope"], /unknown subcommand "embed nope": use train, eval/],
      [["embed", "train"], /embed train needs --out DIR/],
      [train("--loss", "hinge"), /--loss must be .*got "hinge"/],
      [train("--mining", "easy"), /--mining must be .*got "easy"/],
      [train("--loss", "softmax", "--mining", "hard"), /apply to --loss triplet, not softmax/],
      [train("--data", "cifar"), /--data must be .*got "cifar"/],
      [train("--holdout", "6-12"), /--holdout: .*class 12 does not exist/],
      [train("--holdout", "x"), /--holdout: .*not a class or a range/],
      [train("--holdout", "1-9"), /--holdout: .*leaves 1 class/],
      [train("--batch-p", "8"), /--batch-p 8: holdout 6-9 leaves only 6 classes/],
      [train("--batch-k", "1"), /--batch-k must be an integer from 2 to 64, got "1"/],
      [train("--steps", "-3"), /--steps must be an integer/],
      [train("--dim", "1.5"), /--dim must be an integer/],
      [train("--lr", "abc"), /--lr must be a number/],
      [train("--eval-limit", "1"), /--eval-limit must be 0 \(skip\) or at least 2/],
      [["embed", "eval", "--weights", "/no/such.safetensors"], /--weights \/no\/such/],
      [["embed", "eval", "--limit", "1"], /--limit must be an integer from 2 to 6000, got "1"/],
    ];
    for (const [args, msg] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      const lines = errLines(r.stderr);
      expect(lines, args.join(" ")).toHaveLength(1);
      expect(lines[0], args.join(" ")).toMatch(msg);
    }
    expect(existsSync(out)).toBe(false);
  });

  test("a 3-step run writes embed.safetensors and metrics.json; eval reads the file", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sheep-embed-")), "run");
    const r = await run(
      ...["embed", "train", "--out", out, "--data", "mnist", "--holdout", "6-9"],
      ...["--loss", "triplet", "--mining", "hard", "--soft-margin", "--steps", "3"],
      ...["--batch-p", "3", "--batch-k", "2", "--dim", "8", "--width", "4", "--limit", "300"],
      ...["--eval-limit", "40"],
    );
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(m.records).toHaveLength(3);
    expect(m.records[0].monitor.dimVariance).toHaveLength(8);
    expect(m.config).toMatchObject({ loss: "triplet", mining: "hard", softMargin: true, p: 3 });
    expect(m.trainClasses).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m.eval.n).toBe(40);
    const e = await run(
      "embed",
      "eval",
      "--weights",
      join(out, "embed.safetensors"),
      "--limit",
      "40",
      "--json",
    );
    expect(e.code, e.stderr).toBe(0);
    const got = JSON.parse(e.stdout);
    expect(got).toMatchObject({ data: "mnist", holdout: "6-9", n: 40 });
    // The same net on the same 40 images: eval agrees with what training measured.
    expect(got.mapAtR).toBeCloseTo(m.eval.mapAtR, 6);
  });

  test("eval of the shipped Fashion-MNIST net prints the metrics table", async () => {
    const r = await run("embed", "eval", "--data", "fashion-mnist", "--limit", "200");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/embed-fashion-mnist on fashion-mnist, held-out classes 6-9/);
    for (const k of ["Recall@1", "Recall@8", "MAP@R", "R-precision", "P@1", "NMI"])
      expect(r.stdout).toContain(k);
  });
});
