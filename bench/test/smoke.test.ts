// The bench's smoke test: run it in its tiniest mode on the CPU adapter, so it cannot rot. It
// checks the JSON's shape and the correctness guard (a corrupted kernel must fail and carry no
// time), never a time: timings belong to benchmarks, not tests.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { main } from "../src/node/run.ts";
import { checkResult } from "../src/suite/schema.ts";
import type { BenchResult } from "../src/suite/types.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-bench-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a tiny run writes a valid result, and the guard refuses a wrong kernel", async () => {
  const out = join(dir, "tiny.json");
  await main([
    "--tiny",
    "--peers",
    "tfjs-webgpu,tfjs-wasm",
    // Perturb our conv1_1 forward output: the guard must catch it.
    "--corrupt",
    "conv1_1 fwd",
    "--out",
    out,
  ]);
  const r = JSON.parse(readFileSync(out, "utf8")) as BenchResult;
  expect(checkResult(r)).toEqual([]);
  expect(r.mode).toBe("tiny");
  expect(r.runner).toBe("node");
  expect(r.commit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
  expect(r.probe?.fmaGflops).toBeGreaterThan(0);
  expect(r.probe?.bandwidthGBs).toBeGreaterThan(0);
  expect(r.peers.map((p) => [p.name, p.status])).toEqual([
    ["tfjs-webgpu", "ok"],
    ["tfjs-wasm", "ok"],
  ]);

  // Every kernel family is there.
  const families = new Set(r.kernels.map((k) => k.family));
  for (const f of [
    "matmul",
    "conv",
    "convGx",
    "convGw",
    "maxpool",
    "gram",
    "reduce",
    "elementwise",
  ]) {
    expect(families).toContain(f);
  }

  // The guard: the corrupted row failed, untimed; every other row was checked and timed.
  const bad = r.kernels.find((k) => k.name.startsWith("conv1_1 fwd"));
  expect(bad?.status).toBe("failed");
  expect(bad?.ours).toBeNull();
  expect(bad?.note).toMatch(/wrong result/);
  for (const k of r.kernels.filter((x) => x !== bad)) {
    expect(k.status, `${k.name}: ${k.note}`).toBe("ok");
    expect(k.check, k.name).not.toBeNull();
    expect(k.check!.relErr, k.name).toBeLessThanOrEqual(k.check!.tol);
    expect(k.ours!.runs, k.name).toBeGreaterThan(0);
    for (const cell of Object.values(k.peers)) {
      if (cell?.status === "ok") expect(cell.relErr, k.name).toBeLessThanOrEqual(k.check!.tol);
    }
  }

  // Pipelines: every registry entry has a row; the ones that ran were timed.
  expect(r.pipelines.map((p) => p.name)).toContain("vgg16-forward");
  for (const p of r.pipelines) {
    expect(["ok", "skipped", "failed"]).toContain(p.status);
    if (p.status === "ok") expect(p.time?.runs).toBeGreaterThan(0);
  }
  expect(r.pipelines.find((p) => p.name === "cnn-train-step")?.status).toBe("ok");
}, 180_000);
