// Bad input gets a clear error: shape mismatches name the op and both shapes, disposed tensors
// say so, oversized tensors name the limit, non-finite values are found, and a lost device is
// reported and recovered from.

import { expect, test } from "vitest";
import type { WebGPUBackend } from "../src/backend/webgpu/webgpu.ts";
import * as F from "../src/index.ts";
import {
  assertFinite,
  DeviceError,
  DisposedError,
  engine,
  init,
  NonFiniteError,
  ShapeError,
  tensor,
} from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

test("shape mismatches name the op and both shapes", () => {
  const a = F.zeros([2, 3]);
  const b = F.zeros([4, 5]);
  expect(() => F.add(a, b)).toThrow(ShapeError);
  expect(() => F.add(a, b)).toThrow(
    "add: shapes cannot be broadcast together at dim 0 (got [2, 3] and [4, 5])",
  );
  expect(() => F.matmul(a, b)).toThrow(
    "matmul: inner dims differ (3 vs 4) (got [2, 3] and [4, 5])",
  );
  expect(() => F.reshape(a, [4, 2])).toThrow(/reshape: cannot hold 6 elements/);
  expect(() => F.concat([a, b], 0)).toThrow(/concat: sizes must match except in dim 0/);
  expect(() => F.sum(a, 5)).toThrow(/sum: dim 5 is out of range for rank 2/);
  expect(() => F.max(F.zeros([0, 3]), 0)).toThrow(/max: reducing an empty dim has no identity/);
  expect(() => F.pad(F.zeros([3]), [3, 0], { mode: "reflect" })).toThrow(/reflect padding/);
  expect(() => F.gather(a, 1, F.zeros([2, 2]))).toThrow(/index must be int32/);
});

test("use after dispose says which tensor", async () => {
  const t = tensor([1, 2, 3]);
  t.dispose();
  expect(() => F.exp(t)).toThrow(DisposedError);
  expect(() => F.exp(t)).toThrow(/tensor #\d+ \(tensor, shape \[3\]\) was used after dispose\(\)/);
  await expect(t.data()).rejects.toThrow(/after dispose/);
});

test("a tensor over the device's buffer limit names the limit", async () => {
  const limit = engine.backend("webgpu").info.limits.maxBufferSize;
  const n = Math.floor(limit / 4) + 16;
  expect(() => F.matmul(F.ones([1, 1]), F.ones([1, n]))).toThrow(DeviceError);
  expect(() => F.matmul(F.ones([1, 1]), F.ones([1, n]))).toThrow(
    /matmul: .* over this device's maxBufferSize/,
  );
});

test("a forced small binding limit is reported by name", async () => {
  await init({ backend: "webgpu", limits: { maxStorageBufferBindingSize: 4096 }, fresh: true });
  const big = F.ones([2048]);
  expect(() => F.sum(F.matmul(F.reshape(big, [1, 2048]), F.ones([2048, 1])))).toThrow(
    /maxStorageBufferBindingSize/,
  );
  await init({ backend: "webgpu", fresh: true });
});

test("a routine that fails on a device limit loses nothing: no buffer, no tensor left behind", async () => {
  await init({ backend: "webgpu", limits: { maxStorageBufferBindingSize: 4096 }, fresh: true });
  try {
    const a = F.ones([1, 2048]);
    const b = F.ones([2048, 3]);
    // conv2d too: its packs allocate scratch before the limit is found
    const x = F.ones([1, 4, 40, 40]);
    const w = F.ones([2, 4, 3, 3]);
    for (const f of [() => F.matmul(a, b), () => F.conv2d(x, w)]) {
      // The first call realises the lazy inputs into buffers (they stay with a, b, x, w).
      expect(f).toThrow(/maxStorageBufferBindingSize/);
      const before = engine.memory();
      expect(f).toThrow(/maxStorageBufferBindingSize/);
      const after = engine.memory();
      expect(after.tensors).toBe(before.tensors);
      expect(after.storages).toBe(before.storages);
      expect(after.bytes).toBe(before.bytes);
    }
    // and the engine still works
    expect(Array.from(await F.add(F.ones([4]), 1).data())).toEqual([2, 2, 2, 2]);
  } finally {
    await init({ backend: "webgpu", fresh: true });
  }
});

test("assertFinite finds NaN and infinity", async () => {
  await assertFinite(tensor([1, 2, 3]));
  const bad = F.div(tensor([1, 0, -1]), tensor([0, 0, 1]));
  await expect(assertFinite(bad, "ratio")).rejects.toThrow(NonFiniteError);
  await expect(assertFinite(bad, "ratio")).rejects.toThrow(
    /ratio has 2 non-finite values of 3; the first is Infinity at flat index 0/,
  );
});

test("gather with an out-of-range index: an error on cpu, NaN on the GPU", async () => {
  const x = tensor([[1, 2, 3]]);
  const idx = tensor(new Int32Array([0, 5]), { shape: [1, 2] });
  expect(Array.from(await F.gather(x, 1, idx).data()).map(Number.isNaN)).toEqual([false, true]);
  const xc = tensor([[1, 2, 3]], { backend: "cpu" });
  const ic = tensor(new Int32Array([0, 5]), { shape: [1, 2], backend: "cpu" });
  expect(() => F.gather(xc, 1, ic)).toThrow(/gather: index 5 is out of range for dim 1 of size 3/);
});

test("a lost device makes the next op throw clearly, and init() recovers", async () => {
  const old = tensor([1, 2, 3]);
  const backend = engine.backend("webgpu") as WebGPUBackend;
  backend.device.destroy();
  await backend.device.lost;
  expect(() => F.exp(old)).toThrow(/lost/);
  expect(() => tensor([1])).toThrow(/the GPU device was lost .*call init\(\)/);
  const info = await init();
  expect(info.backend).toBe("webgpu");
  expect(Array.from(await F.add(tensor([1, 2]), 1).data())).toEqual([2, 3]);
  expect(() => F.exp(old)).toThrow(/lives on a GPU device that was lost/);
});

test("engine.onLost reports a lost device, not a deliberate release", async () => {
  const seen: string[] = [];
  const off = engine.onLost((reason, kind) => seen.push(`${kind}: ${reason}`));
  const backend = engine.backend("webgpu") as WebGPUBackend;
  const t = F.exp(tensor([1, 2, 3]));
  backend.device.destroy();
  await expect(t.data()).rejects.toThrow(/lost/);
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatch(/^webgpu: destroyed/);
  await init({ backend: "webgpu", fresh: true }); // replaces the lost one: no second report
  await init({ backend: "webgpu", fresh: true }); // replaces a working one on purpose: none either
  await new Promise((r) => setTimeout(r, 50));
  expect(seen).toHaveLength(1);
  off();
});
