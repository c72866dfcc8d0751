// Making the engine visible: traces list dispatches with costs and GPU times, elementwise chains
// fuse into one kernel, a step is one submit, and SHEEP_DEBUG levels print what they promise.

import { afterEach, expect, test, vi } from "vitest";
import type { WebGPUBackend } from "../src/backend/webgpu/webgpu.ts";
import * as F from "../src/index.ts";
import { engine, randn } from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();
afterEach(() => {
  engine.debug = 0;
  vi.restoreAllMocks();
});

test("an elementwise chain is one fused dispatch, timed by timestamp queries", async () => {
  const x = randn([1000], { seed: 1 });
  await x.data();
  const records = await engine.trace(() => F.add(F.mul(F.exp(x), 2), 1));
  expect(records).toHaveLength(1);
  const [r] = records;
  expect(r.kernel).toBe("elementwise(exp·mul·add)");
  // 1000 elements, 4 per thread (elementwise.wgsl: PER), 64 threads per workgroup.
  expect(r.workgroups).toEqual([4, 1, 1]);
  expect(r.bytes).toBe(8000);
  expect(r.wgsl).toContain("fn value(i: u32)");
  if (engine.info.features.includes("timestamp-query")) {
    expect(r.timing).toBe("timestamp");
    expect(r.timeMs).toBeGreaterThan(0);
  }
});

test("a matmul is one dispatch with 2·m·n·k FLOPs; a reduction fuses its input", async () => {
  const a = randn([33, 20], { seed: 2 });
  const b = randn([20, 7], { seed: 3 });
  const mm = await engine.trace(() => F.matmul(a, b));
  expect(mm.map((r) => [r.kernel, r.flops])).toEqual([["matmul", 2 * 33 * 7 * 20]]);
  const red = await engine.trace(() => F.sum(F.square(F.sub(a, 1)), 1));
  expect(red.map((r) => r.kernel)).toEqual(["sum(sub·square)"]);
});

test("a whole training step is recorded into one command buffer and submitted once", async () => {
  const w = randn([16, 8], { seed: 4, requiresGrad: true });
  const x = randn([32, 16], { seed: 5 });
  await w.data();
  await x.data();
  const backend = engine.backend() as WebGPUBackend;
  const before = backend.submits;
  const loss = F.tidy(() => {
    const l = F.mean(F.square(F.matmul(x, w).relu()));
    l.backward();
    return l;
  });
  await loss.item();
  expect(backend.submits - before).toBe(1);
});

test("SHEEP_DEBUG=1 prints ops, 3 prints new pipelines' WGSL", async () => {
  const lines: string[] = [];
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => {
    lines.push(a.join(" "));
  });
  engine.debug = 3;
  const t = F.sigmoid(F.mul(randn([5], { seed: 6 }), 3.25));
  await t.data();
  expect(lines.some((l) => l.includes("mul [5] [] → [5] float32 (fused, lazy)"))).toBe(true);
  expect(
    lines.some(
      (l) => l.includes("new pipeline elementwise(mul·sigmoid)") && l.includes("@compute"),
    ),
  ).toBe(true);
});

test("SHEEP_DEBUG=4 prints the autograd graph", () => {
  const lines: string[] = [];
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => {
    lines.push(a.join(" "));
  });
  engine.debug = 4;
  const w = randn([3], { seed: 7, requiresGrad: true });
  F.sum(F.exp(w)).backward();
  expect(lines.some((l) => l.includes("backward through 3 tensors"))).toBe(true);
  expect(lines.some((l) => /#\d+ exp \[3\] ← #\d+/.test(l))).toBe(true);
});
