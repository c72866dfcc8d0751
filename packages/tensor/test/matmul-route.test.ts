// Which kernel a matmul takes: unbatched products of ≥ 128³ multiply-adds run as 1×1 convolutions
// through the conv kernels; a few rows take the matrix-vector kernel; batched ones matmul.wgsl.
// Each route must equal the float64 oracle (ops.test.ts checks values on all of them; here the
// routing itself, and the conv route's split over output channels under a small binding limit).

import { describe, expect, test } from "vitest";
import { matmulTuning } from "../src/backend/webgpu/kernels.ts";
import { engine, init, matmul, tensor, transpose } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

const pair = (shape: number[], seed: number) => {
  const data = sample({ shape }, seed);
  return { gpu: tensor(data, { shape }), cpu: tensor(data, { shape, backend: "cpu" }) };
};

async function kernels(f: () => ReturnType<typeof matmul>) {
  return (await engine.trace(() => [f()])).map((r) => r.kernel);
}

describe("matmul routes", () => {
  test("big unbatched products run as a 1×1 conv, in every transposition", async () => {
    // 70 × 131 × 245 multiply-adds: over the route's 128³
    const a = pair([70, 131], 1);
    const b = pair([131, 245], 2);
    const at = pair([131, 70], 3);
    const bt = pair([245, 131], 4);
    const cases = [
      [a, b, false, false],
      [at, b, true, false],
      [a, bt, false, true],
      [at, bt, true, true],
    ] as const;
    for (const [x, y, ta, tb] of cases) {
      const f = (u: typeof a, v: typeof b, side: "gpu" | "cpu") =>
        matmul(ta ? transpose(u[side], 0, 1) : u[side], tb ? transpose(v[side], 0, 1) : v[side]);
      const names = await kernels(() => f(x, y, "gpu"));
      expect(names, `transA ${ta} transB ${tb}`).toContain("matmul.packWeights");
      expect(names.some((n) => /^matmul (small )?\d+×\d+/.test(n))).toBe(true);
      const r = closeness(await f(x, y, "gpu").data(), await f(x, y, "cpu").data64(), {
        rtol: 1e-4,
        atol: 1e-5,
      });
      expect(r.ok, r.detail).toBe(true);
    }
  });

  test("small, few-row and batched products keep their kernels", async () => {
    expect(await kernels(() => matmul(pair([8, 8], 5).gpu, pair([8, 8], 6).gpu))).toEqual([
      "matmul",
    ]);
    expect(await kernels(() => matmul(pair([2, 64], 7).gpu, pair([64, 64], 8).gpu))).toEqual([
      "matvec",
    ]);
    expect(
      await kernels(() => matmul(pair([2, 40, 40], 9).gpu, pair([2, 40, 40], 10).gpu)),
    ).toEqual(["matmul"]);
  });

  test("the conv route and matmul.wgsl agree", async () => {
    const a = pair([150, 97], 11).gpu;
    const b = pair([97, 160], 12).gpu;
    const viaConv = await matmul(a, b).data();
    matmulTuning.viaConv = false;
    try {
      expect(await kernels(() => matmul(a, b))).toEqual(["matmul"]);
      const tiled = await matmul(a, b).data();
      const r = closeness(viaConv, Float64Array.from(tiled), { rtol: 1e-4, atol: 1e-5 });
      expect(r.ok, r.detail).toBe(true);
    } finally {
      matmulTuning.viaConv = true;
    }
  });
});

describe("under a 64 KiB binding limit", () => {
  test("A's rows are convolved in slices", async () => {
    await init({
      backend: "webgpu",
      limits: { maxStorageBufferBindingSize: 1 << 16 },
      fresh: true,
    });
    try {
      // A: 220 × 160 floats = 138 KiB, over the limit; B (40 KiB) and the output (55 KiB) fit.
      const a = pair([220, 160], 13);
      const b = pair([160, 64], 14);
      const names = await kernels(() => matmul(a.gpu, b.gpu));
      expect(names.filter((n) => n === "matmul.packWeights").length).toBeGreaterThan(1);
      const r = closeness(await matmul(a.gpu, b.gpu).data(), await matmul(a.cpu, b.cpu).data64(), {
        rtol: 1e-4,
        atol: 1e-5,
      });
      expect(r.ok, r.detail).toBe(true);
    } finally {
      await init({ backend: "webgpu", fresh: true });
    }
  });
});
