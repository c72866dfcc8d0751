// Conv2d and ConvTranspose2d modules: PyTorch's parameter shapes, names and init bounds; the
// forward is the functional op; padding modes; webgpu against the cpu oracle.

import { describe, expect, test } from "vitest";
import { conv2d, convTranspose2d, nn, pad, type Tensor, tensor, tidy } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

const input = (shape: number[], seed: number, backend: "webgpu" | "cpu" = "webgpu") =>
  tensor(sample({ shape }, seed), { shape, backend });

async function expectClose(a: Tensor, b: Tensor, tol = { rtol: 1e-4, atol: 1e-5 }) {
  expect(a.shape).toEqual(b.shape);
  const r = closeness(await a.data(), await b.data64(), tol);
  expect(r.ok, r.detail).toBe(true);
}

describe("Conv2d", () => {
  test("parameters [out, in/groups, kH, kW] and [out], bounded by 1/√fan_in", async () => {
    const conv = new nn.Conv2d(6, 4, [3, 2], { groups: 2, seed: 1 });
    expect(conv.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ["weight", [4, 3, 3, 2]],
      ["bias", [4]],
    ]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    for (const v of [...(await conv.weight.data()), ...(await conv.bias!.data())]) {
      expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    }
    expect(new nn.Conv2d(3, 5, 1, { bias: false }).bias).toBeNull();
    expect(() => new nn.Conv2d(6, 4, 3, { groups: 4 })).toThrow(/groups 4 must divide/);
  });

  test("forward is conv2d with the module's options; gradients reach weight and bias", async () => {
    const conv = new nn.Conv2d(3, 5, 3, { stride: 2, padding: 1, dilation: [1, 2], seed: 2 });
    const x = input([2, 3, 9, 10], 3);
    const out = conv.forward(x);
    expect(out.shape).toEqual([2, 5, 5, 4]);
    const want = conv2d(x, conv.weight, conv.bias, { stride: 2, padding: 1, dilation: [1, 2] });
    await expectClose(out, want);
    tidy(() => conv.forward(x).sum().backward());
    expect(conv.weight.grad!.shape).toEqual([5, 3, 3, 3]);
    // d/db Σ out = the number of output positions per channel: 2·5·4
    expect(Array.from(await conv.bias!.grad!.data())).toEqual(Array(5).fill(40));
  });

  test("paddingMode reflect pads the image, then convolves without padding", async () => {
    const conv = new nn.Conv2d(2, 3, 3, { padding: 2, paddingMode: "reflect", seed: 4 });
    const x = input([1, 2, 6, 5], 5);
    const padded = pad(x, [2, 2, 2, 2], { mode: "reflect" });
    await expectClose(conv.forward(x), conv2d(padded, conv.weight, conv.bias));
    expect(() => new nn.Conv2d(2, 3, 3, { padding: "same", paddingMode: "reflect" })).toThrow(
      /numeric padding/,
    );
  });

  test("the same seed builds the same layer on webgpu and cpu; outputs agree", async () => {
    const gpu = new nn.Conv2d(4, 6, 3, { padding: "same", seed: 9 });
    const cpu = new nn.Conv2d(4, 6, 3, { padding: "same", seed: 9, backend: "cpu" });
    expect(Array.from(await gpu.weight.data())).toEqual(Array.from(await cpu.weight.data()));
    const out = gpu.forward(input([2, 4, 7, 7], 6));
    await expectClose(out, cpu.forward(input([2, 4, 7, 7], 6, "cpu")));
  });
});

describe("ConvTranspose2d", () => {
  test("weight [in, out/groups, kH, kW]; output (H−1)·s − 2p + d·(k−1) + op + 1", async () => {
    const up = new nn.ConvTranspose2d(4, 6, 3, {
      stride: 2,
      padding: 1,
      outputPadding: 1,
      groups: 2,
      seed: 7,
    });
    expect(up.weight.shape).toEqual([4, 3, 3, 3]);
    // PyTorch's fan for this weight is its dim 1 times the kernel: 3·3·3
    const bound = 1 / Math.sqrt(27);
    for (const v of await up.weight.data()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const x = input([2, 4, 5, 4], 8);
    const out = up.forward(x);
    expect(out.shape).toEqual([2, 6, 10, 8]);
    const want = convTranspose2d(x, up.weight, up.bias, {
      stride: 2,
      padding: 1,
      outputPadding: 1,
      groups: 2,
    });
    await expectClose(out, want);
  });

  test("DCGAN-style 4×4 stride-2 upsampling doubles the size", () => {
    const up = new nn.ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1, bias: false });
    expect(up.forward(input([1, 8, 7, 7], 9)).shape).toEqual([1, 4, 14, 14]);
    expect(up.stateDict().has("bias")).toBe(false);
  });
});
