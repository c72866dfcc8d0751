// The `sheep` command end to end, as a user runs it: a real process, real files, exit codes.

import { execFile, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeSafetensors } from "@sheep/models";
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
/** stderr without Dawn's own start-up warnings. */
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("Warning: max"));

describe("sheep", () => {
  test("--help lists the commands; no command is a usage error", async () => {
    const help = await run("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/info .*adapter/);
    expect(help.stdout).toMatch(/weights/);
    expect((await run()).code).toBe(2);
  });

  test("info --json describes the adapter and its limits", async () => {
    const r = await run("info", "--json");
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe("webgpu");
    expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(Array.isArray(info.features)).toBe(true);
  });

  test("a run prints nothing on stderr: Dawn's two limit warnings are silenced", () => {
    // stderr into a file, as a shell's 2>file or a terminal gives it (a Node "pipe" is a socket,
    // which the silencing cannot reopen)
    const log = join(mkdtempSync(join(tmpdir(), "sheep-cli-")), "stderr.txt");
    const fd = openSync(log, "w");
    const r = spawnSync("node", [bin, "info"], {
      stdio: ["ignore", "pipe", fd],
      env: { ...process.env, SHEEP_DEBUG: "" },
    });
    closeSync(fd);
    expect(r.status).toBe(0);
    expect(readFileSync(log, "utf8")).toBe("");
  });

  test("bad flags and commands: one line on stderr, exit 2", async () => {
    for (const args of [["info", "--bogus"], ["nope"], ["weights", "frobnicate"]]) {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(errLines(r.stderr)).toHaveLength(1);
      expect(errLines(r.stderr)[0]).toMatch(/^sheep: /);
    }
  });

  test("weights inspect: a table, --json in the documented shape, and one-line errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sheep-cli-"));
    const file = join(dir, "tiny.safetensors");
    writeFileSync(
      file,
      writeSafetensors(
        {
          "a.weight": { dtype: "F32", shape: [2, 3], data: new Float32Array(6) },
          b: { dtype: "I64", shape: [4], data: new BigInt64Array(4) },
        },
        { note: "hi" },
      ),
    );
    const text = await run("weights", "inspect", file);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/a\.weight\s+F32\s+\[2, 3\]/);
    const json = await run("weights", "inspect", file, "--json");
    expect(JSON.parse(json.stdout)).toEqual({
      tensors: { "a.weight": { dtype: "F32", shape: [2, 3] }, b: { dtype: "I64", shape: [4] } },
      metadata: { note: "hi" },
    });
    const bad = join(dir, "bad.safetensors");
    writeFileSync(bad, "not a safetensors file at all");
    const r = await run("weights", "inspect", bad);
    expect(r.code).toBe(1);
    expect(errLines(r.stderr)).toHaveLength(1);
    expect(errLines(r.stderr)[0]).toContain("bad.safetensors: ");
  });

  test("weights verify checks a file's digest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sheep-cli-"));
    const r = await run("weights", "verify", join(dir, "missing.safetensors"));
    expect(r.code).toBe(1);
    expect(errLines(r.stderr)[0]).toMatch(/no weights file at/);
  });
});
