// Convolutions of tensors larger than one storage binding: the device is opened with
// maxStorageBufferBindingSize forced down to 64 KiB, so conv2d, convTranspose2d and
// conv2dWeightGrad must run chunk by chunk over the batch, binding 256-byte-aligned ranges of the
// big buffers. Forward and backward must still equal the cpu oracle.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dWeightGrad,
  convTranspose2d,
  DeviceError,
  engine,
  init,
  narrow,
  release,
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

/** Images 1…6 of a batch of 7: a region with an offset that is not a multiple of 64 elements. */
function pair(shape: number[], seed: number) {
  const full = [shape[0] + 1, ...shape.slice(1)];
  const data = sample({ shape: full }, seed);
  const make = (backend: "webgpu" | "cpu") =>
    narrow(tensor(data, { shape: full, backend }), 0, 1, shape[0])
      .contiguous()
      .requiresGrad_();
  return { gpu: make("webgpu"), cpu: make("cpu") };
}

async function expectClose(a: Tensor, b: Tensor, tol = 1e-4) {
  expect(a.shape).toEqual(b.shape);
  const r = closeness(await a.data(), await b.data64(), { rtol: tol, atol: tol });
  expect(r.ok, r.detail).toBe(true);
}

describe("over maxStorageBufferBindingSize", () => {
  test("the device really has the small limit", () => {
    expect(engine.backend("webgpu").info.limits.maxStorageBufferBindingSize).toBe(LIMIT);
  });

  // 6 images of 6 × 30 × 31 (21.8 KiB each, 131 KiB in all); packed, one image per launch. The
  // fused ReLU's backward and the bias gradient take the chunked paths too (mask in the packs,
  // bias gradient through the weight-gradient routine).
  const cases: [string, (x: Tensor, w: Tensor, b: Tensor) => Tensor, number[], number[]][] = [
    [
      "conv2d 3×3 pad 1 with bias and ReLU",
      (x, w, b) => conv2d(x, w, b, { padding: 1, activation: "relu" }),
      [6, 6, 30, 31],
      [5, 6, 3, 3],
    ],
    [
      "conv2d stride 2, groups 2",
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: [1, 0, 2, 1], groups: 2 }),
      [6, 6, 30, 31],
      [4, 3, 3, 3],
    ],
    [
      "convTranspose2d stride 2",
      (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [6, 8, 20, 21],
      [8, 3, 3, 3],
    ],
  ];

  test.each(cases)("%s: forward and backward match the oracle", async (_, f, xShape, wShape) => {
    const x = pair(xShape, 1);
    const w = pair(wShape, 2);
    const bShape = [f === cases[2][1] ? wShape[1] : wShape[0]];
    const b = pair(bShape, 3);
    expect(x.gpu.size * 4).toBeGreaterThan(LIMIT);
    const [og, oc] = [f(x.gpu, w.gpu, b.gpu), f(x.cpu, w.cpu, b.cpu)];
    await expectClose(og, oc);
    // An upstream gradient made by upload only: a loss Σ out·r would need a reduction over more
    // than one binding, which is not the conv's business.
    const r = sample({ shape: [...og.shape] }, 4);
    og.backward({ grad: tensor(r, { shape: og.shape, backend: "webgpu" }) });
    oc.backward({ grad: tensor(r, { shape: oc.shape, backend: "cpu" }) });
    for (const [name, t] of [
      ["x", x],
      ["w", w],
      ["bias", b],
    ] as const) {
      const rg = closeness(await t.gpu.grad!.data(), await t.cpu.grad!.data64(), {
        rtol: 1e-4,
        atol: 1e-3,
      });
      expect(rg.ok, `${name}: ${rg.detail}`).toBe(true);
    }
  });

  test("the work really is split: several launches, none binding more than the limit", async () => {
    const x = pair([6, 6, 30, 31], 5);
    const g = pair([6, 5, 30, 31], 6);
    const records = await engine.trace(() => [
      conv2d(x.gpu, pair([5, 6, 3, 3], 7).gpu, null, { padding: 1 }),
      conv2dWeightGrad(x.gpu, g.gpu, [3, 3], { padding: 1 }),
    ]);
    expect(records.filter((r) => /^conv2d \d/.test(r.kernel)).length).toBe(6);
    expect(records.filter((r) => r.kernel.startsWith("conv2dWeightGrad.reduce")).length).toBe(6);
    const wg = await conv2dWeightGrad(x.gpu, g.gpu, [3, 3], { padding: 1 }).data();
    const wc = await conv2dWeightGrad(x.cpu, g.cpu, [3, 3], { padding: 1 }).data64();
    const r = closeness(wg, wc, { rtol: 1e-4, atol: 1e-3 });
    expect(r.ok, r.detail).toBe(true);
  });

  // Weights whose packed (or raw) size passes the limit: the forward plans convolve one slice of
  // output channels at a time, and the input gradient (a transposed conv with channel-swapped
  // weights) slices its own output channels through the strided weight layout — which is why
  // that gradient still needs the raw weights to fit one binding (a DeviceError says so).
  const sliced: [string, (x: Tensor, w: Tensor, b: Tensor) => Tensor, number[], number[]][] = [
    [
      "conv2d 40→40 3×3 on a 6×6 plane (raw 56 KiB, packed over 64 KiB), bias, ReLU",
      (x, w, b) => conv2d(x, w, b, { padding: 1, activation: "relu" }),
      [2, 40, 6, 6],
      [40, 40, 3, 3],
    ],
    [
      "conv2d 36→70 3×3 stride 2 on 17×19 (raw weights 89 KiB, over the limit)",
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }),
      [1, 36, 17, 19],
      [70, 36, 3, 3],
    ],
    [
      "convTranspose2d 40→44 3×3 stride 2",
      (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [1, 40, 5, 6],
      [40, 44, 3, 3],
    ],
  ];

  test.each(sliced)("%s: forward and backward match the oracle", async (_, f, xShape, wShape) => {
    const x = pair(xShape, 11);
    const w = pair(wShape, 12);
    const b = pair([f === sliced[2][1] ? wShape[1] : wShape[0]], 13);
    const records = await engine.trace(() => [f(x.gpu, w.gpu, b.gpu)]);
    expect(records.filter((r) => r.kernel.endsWith(".packWeights")).length).toBeGreaterThan(1);
    const [og, oc] = [f(x.gpu, w.gpu, b.gpu), f(x.cpu, w.cpu, b.cpu)];
    await expectClose(og, oc);
    const r = sample({ shape: [...og.shape] }, 14);
    const up = tensor(r, { shape: og.shape, backend: "webgpu" });
    if (w.gpu.size * 4 > LIMIT) {
      expect(() => og.backward({ grad: up })).toThrow(
        /convTranspose2d: its weights \(88\.6 KiB\) is over this device's maxStorageBufferBindingSize/,
      );
      return;
    }
    og.backward({ grad: up });
    oc.backward({ grad: tensor(r, { shape: oc.shape, backend: "cpu" }) });
    const rg = closeness(await x.gpu.grad!.data(), await x.cpu.grad!.data64(), {
      rtol: 1e-4,
      atol: 1e-3,
    });
    expect(rg.ok, `x: ${rg.detail}`).toBe(true);
  });

  test("one image over the limit is a DeviceError that says so", () => {
    const x = tensor(sample({ shape: [1, 8, 50, 50] }, 8), { shape: [1, 8, 50, 50] });
    const w = tensor(sample({ shape: [4, 8, 3, 3] }, 9), { shape: [4, 8, 3, 3] });
    expect(() => conv2d(x, w)).toThrow(DeviceError);
    expect(() => conv2d(x, w)).toThrow(
      /conv2d: the input of a single image \(78\.1 KiB\) is over this device's maxStorageBufferBindingSize \(64\.0 KiB\)/,
    );
  });
});
