// Losses: values worked by hand, every reduction, the edge cases each formula exists for
// (huge logits, the gradient at 0), and WebGPU values and gradients against the cpu oracle.

import { describe, expect, test } from "vitest";
import { type BackendKind, nn, type Tensor, tensor, tidy } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

const list = async (t: Tensor) => Array.from(await t.data64());

describe("values by hand", () => {
  test("mseLoss and l1Loss with each reduction", async () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([1, 0, 5]);
    // differences [0, 2, −2]
    expect(await nn.mseLoss(x, y).item()).toBeCloseTo(8 / 3, 6);
    expect(await nn.mseLoss(x, y, { reduction: "sum" }).item()).toBeCloseTo(8, 6);
    expect(await list(nn.mseLoss(x, y, { reduction: "none" }))).toEqual([0, 4, 4]);
    expect(await nn.l1Loss(x, y).item()).toBeCloseTo(4 / 3, 6);
    expect(await list(nn.l1Loss(x, y, { reduction: "none" }))).toEqual([0, 2, 2]);
    expect(() => nn.mseLoss(x, tensor([1, 2]))).toThrow(/same shape/);
  });

  test("crossEntropy from logits and int32 labels, with label smoothing", async () => {
    const z = tensor([
      [1, 2, 3],
      [1, 1, 1],
    ]);
    const y = tensor([2, 0], { dtype: "int32" });
    // row 0: logsumexp = 3 + log(1 + e⁻¹ + e⁻²) = 3.4076060, minus z[2] = 3 → 0.4076060
    // row 1: log 3 = 1.0986123
    expect(await list(nn.crossEntropy(z, y, { reduction: "none" }))).toEqual([
      expect.closeTo(0.407606, 5),
      expect.closeTo(1.098612, 5),
    ]);
    expect(await nn.crossEntropy(z, y).item()).toBeCloseTo(0.7531091, 5);
    // ε = 0.1: 0.9·nll + 0.1·mean_c(−log p_c); row 0: 0.9·0.4076060 + 0.1·1.4076060 = 0.507606
    expect(await nn.crossEntropy(z, y, { labelSmoothing: 0.1 }).item()).toBeCloseTo(0.8031091, 5);
    // Probabilities as targets: one-hot rows give the same loss.
    const p = tensor([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(await nn.crossEntropy(z, p).item()).toBeCloseTo(0.7531091, 5);
    expect(await nn.crossEntropy(z, p, { labelSmoothing: 0.1 }).item()).toBeCloseTo(0.8031091, 5);
    expect(() => nn.crossEntropy(z, tensor([1, 2, 0], { dtype: "int32" }))).toThrow(
      /int32 class indices of shape \[2\]/,
    );
  });

  test("crossEntropy over [N, C, H, W] equals the per-pixel rows", async () => {
    const data = sample({ shape: [2, 3, 2, 2] }, 5);
    const z = tensor(data, { shape: [2, 3, 2, 2] });
    const labels = Int32Array.from({ length: 8 }, (_, i) => i % 3);
    const y = tensor(labels, { shape: [2, 2, 2] });
    const perPixel = await list(nn.crossEntropy(z, y, { reduction: "none" }));
    expect(perPixel.length).toBe(8);
    // the same logits as rows [N·H·W, C]
    const rows = z.permute(0, 2, 3, 1).reshape(8, 3);
    const want = await list(nn.crossEntropy(rows, tensor(labels), { reduction: "none" }));
    for (const [i, v] of perPixel.entries()) expect(v).toBeCloseTo(want[i], 6);
  });

  test("binaryCrossEntropyWithLogits: stable for huge logits, exact gradient at 0", async () => {
    const x = tensor([0, 2, -3, 100, -100], { requiresGrad: true });
    const y = tensor([0.5, 1, 0, 1, 1]);
    // max(x,0) − x·y + log(1 + e^−|x|): log 2, log(1 + e⁻²), log(1 + e⁻³), 0, 100
    const want = [Math.LN2, 0.126928, 0.0485874, 0, 100];
    const got = await list(nn.binaryCrossEntropyWithLogits(x, y, { reduction: "none" }));
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i], 5);
    // d/dx = σ(x) − y: at x = 0 that is ½ − y = 0 (the textbook formula's subgradient gives −½)
    tidy(() => nn.binaryCrossEntropyWithLogits(x, y, { reduction: "sum" }).backward());
    const g = await list(x.grad!);
    expect(g[0]).toBeCloseTo(0, 6);
    expect(g[1]).toBeCloseTo(1 / (1 + Math.exp(-2)) - 1, 6);
    expect(g[4]).toBeCloseTo(-1, 6);
    // pos_weight 3: (1 − y)·x + (1 + 2y)·softplus(−x)
    const pw = await list(
      nn.binaryCrossEntropyWithLogits(x, y, { posWeight: 3, reduction: "none" }),
    );
    for (const [i, v] of [1.3862944, 0.380784, 0.0485874, 0, 300].entries()) {
      expect(pw[i]).toBeCloseTo(v, 4);
    }
    x.dispose();
  });

  test("totalVariation, l1 and squared, with each reduction", async () => {
    // [[1, 2], [4, 8]]: vertical differences 3, 6; horizontal 1, 4
    const img = tensor([
      [
        [
          [1, 2],
          [4, 8],
        ],
      ],
    ]);
    expect(await nn.totalVariation(img, { reduction: "sum" }).item()).toBe(14);
    expect(await nn.totalVariation(img, { kind: "squared", reduction: "sum" }).item()).toBe(62);
    expect(await nn.totalVariation(img).item()).toBe(4.5 + 2.5);
    const two = tensor([
      [
        [
          [1, 2],
          [4, 8],
        ],
      ],
      [
        [
          [0, 0],
          [0, 1],
        ],
      ],
    ]);
    expect(await list(nn.totalVariation(two, { reduction: "none" }))).toEqual([14, 2]);
    expect(
      await nn
        .totalVariation(
          tensor([
            [
              [1, 2],
              [4, 8],
            ],
          ]),
          { reduction: "sum" },
        )
        .item(),
    ).toBe(14);
    expect(() => nn.totalVariation(tensor([1, 2]))).toThrow(/\[N, C, H, W\]/);
  });
});

describe("webgpu against the cpu oracle", () => {
  type LossCase = [string, (b: BackendKind, requiresGrad: boolean) => [Tensor, () => Tensor]];
  const on = (
    b: BackendKind,
    shape: number[],
    seed: number,
    g = false,
    domain?: [number, number],
  ) => tensor(sample({ shape, domain }, seed), { shape, backend: b, requiresGrad: g });
  const cases: LossCase[] = [
    [
      "mseLoss",
      (b, g) => {
        const x = on(b, [7, 5], 1, g);
        return [x, () => nn.mseLoss(x, on(b, [7, 5], 2))];
      },
    ],
    [
      "l1Loss",
      (b, g) => {
        const x = on(b, [3, 9], 3, g);
        return [x, () => nn.l1Loss(x, on(b, [3, 9], 4), { reduction: "sum" })];
      },
    ],
    [
      "crossEntropy",
      (b, g) => {
        const x = on(b, [6, 10], 5, g);
        const y = tensor([0, 3, 9, 2, 2, 7], { dtype: "int32", backend: b });
        return [x, () => nn.crossEntropy(x, y, { labelSmoothing: 0.05 })];
      },
    ],
    [
      "binaryCrossEntropyWithLogits",
      (b, g) => {
        const x = on(b, [4, 6], 6, g, [-8, 8]);
        return [x, () => nn.binaryCrossEntropyWithLogits(x, on(b, [4, 6], 7, false, [0, 1]))];
      },
    ],
    [
      "totalVariation",
      (b, g) => {
        const x = on(b, [2, 3, 5, 6], 8, g);
        return [x, () => nn.totalVariation(x, { kind: "squared" })];
      },
    ],
  ];

  test.each(cases)("%s: value and gradient", async (_, make) => {
    const results = [];
    for (const b of ["webgpu", "cpu"] as const) {
      const [x, f] = make(b, true);
      const value = tidy(() => {
        const loss = f();
        loss.backward();
        return loss;
      });
      results.push({ value: await value.data64(), grad: await x.grad!.data64() });
      x.dispose();
    }
    const [gpu, cpu] = results;
    for (const k of ["value", "grad"] as const) {
      const r = closeness(new Float32Array(gpu[k]), cpu[k], { rtol: 1e-4, atol: 1e-5 });
      expect(r.ok, `${k}: ${r.detail}`).toBe(true);
    }
  });
});
