// Pooling and resizing of tensors larger than one storage binding: the device is opened with
// maxStorageBufferBindingSize forced down to 64 KiB, so these routines must split their work
// between planes and bind 256-byte-aligned ranges. Results must equal the cpu oracle's.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  adaptiveAvgPool2d,
  avgPool2d,
  DeviceError,
  engine,
  init,
  maxPool2d,
  narrow,
  release,
  resize2d,
  type Tensor,
  tensor,
} from "../src/index.ts";
import { closeness, sample } from "./helpers.ts";

const LIMIT = 64 * 1024;

beforeAll(async () => {
  await init({ backend: "cpu", makeDefault: false });
  await init({ backend: "webgpu", limits: { maxStorageBufferBindingSize: LIMIT }, fresh: true });
});
afterAll(() => release());

// 3 × 5 planes of 63 × 65 (16 KiB each): 240 KiB in all, and plane offsets that are not
// multiples of 64 elements. Taking batch items 1…2 of the tensor adds a region offset too.
const SHAPE = [3, 5, 63, 65];

function pair(seed: number) {
  const data = sample({ shape: SHAPE }, seed);
  const make = (backend: "webgpu" | "cpu") =>
    narrow(tensor(data, { shape: SHAPE, backend }), 0, 1, 2)
      .contiguous()
      .requiresGrad_();
  return { gpu: make("webgpu"), cpu: make("cpu") };
}

const cases: [string, (x: Tensor) => Tensor, number?][] = [
  ["maxPool2d 3×3 stride 2 pad 1", (x) => maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 })],
  [
    "maxPool2d 2×2 dilation 2 ceil",
    (x) => maxPool2d(x, { kernelSize: 2, dilation: 2, ceilMode: true }),
  ],
  ["maxPool2d 2×2 stride 2 (disjoint cells)", (x) => maxPool2d(x, 2)],
  ["avgPool2d 2×2 stride 2 (disjoint cells)", (x) => avgPool2d(x, 2)],
  ["avgPool2d 3×3 stride 1", (x) => avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 })],
  ["adaptiveAvgPool2d 7×7", (x) => adaptiveAvgPool2d(x, 7)],
  // float32 source coordinates near 60 carry ~4e-6 of rounding into the weights
  ["resize2d bilinear ×1.5", (x) => resize2d(x, [95, 97]), 1e-4],
];

describe("over maxStorageBufferBindingSize", () => {
  test("the device really has the small limit", () => {
    expect(engine.backend("webgpu").info.limits.maxStorageBufferBindingSize).toBe(LIMIT);
  });

  test.each(cases)("%s: forward and backward match the oracle", async (_, f, tol = 1e-5) => {
    const { gpu, cpu } = pair(1);
    expect(gpu.size * 4).toBeGreaterThan(LIMIT);
    const [og, oc] = [f(gpu), f(cpu)];
    const r = closeness(await og.data(), await oc.data64(), { rtol: tol, atol: tol });
    expect(r.ok, r.detail).toBe(true);
    // An upstream gradient made by upload only: every kernel of the backward is a split routine.
    const g = sample({ shape: og.shape }, 2);
    og.backward({ grad: tensor(g, { shape: og.shape, backend: "webgpu" }) });
    oc.backward({ grad: tensor(g, { shape: oc.shape, backend: "cpu" }) });
    const rg = closeness(await gpu.grad!.data(), await cpu.grad!.data64(), {
      rtol: tol,
      atol: tol,
    });
    expect(rg.ok, rg.detail).toBe(true);
  });

  test("the work really is split: several launches, none binding more than the limit", async () => {
    const { gpu } = pair(3);
    const records = await engine.trace(() => maxPool2d(gpu, 2));
    const pools = records.filter((r) => r.kernel === "maxPool2d");
    // 10 planes of 16 KiB, 3 per 64 KiB binding
    expect(pools.length).toBe(4);
  });

  test("a single plane over the limit is a clear DeviceError", () => {
    const x = tensor(new Float32Array(130 * 130), { shape: [1, 1, 130, 130] });
    expect(() => maxPool2d(x, 2)).toThrow(DeviceError);
    expect(() => maxPool2d(x, 2)).toThrow(
      /one plane of 16900 elements .* maxStorageBufferBindingSize/,
    );
  });
});
