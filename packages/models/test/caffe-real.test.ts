// The shipped GoogLeNet and SqueezeNet (real weights, packages/models/weights/) on WebGPU against
// the float64 cpu backend, at small inputs so the oracle stays quick: the same network, the same
// F16-decoded weights, the same input; every compared tap within float32 rounding of float64.

import { init, release, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadGoogLeNetFile, loadSqueezeNetFile } from "../src/caffe/node.ts";

beforeAll(async () => {
  await init({ backend: "cpu", makeDefault: false });
  await init();
});
afterAll(() => release());

/** A smooth [1, 3, n, n] image in [0, 1]: colour ramps and a soft disc. */
function image(n: number): Float64Array {
  const data = new Float64Array(3 * n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const disc = Math.exp(-((x - n / 2) ** 2 + (y - n / 3) ** 2) / (n * n * 0.05));
      data[y * n + x] = 0.2 + 0.6 * disc;
      data[n * n + y * n + x] = x / n;
      data[2 * n * n + y * n + x] = 1 - y / n;
    }
  }
  return data;
}

/** max |gpu − cpu| / max |cpu| over a tap: relative to the tap's scale. */
async function compare(load: typeof loadGoogLeNetFile, size: number, taps: string[]) {
  const cpu = await load(undefined, { backend: "cpu" });
  const gpu = await load(undefined, { backend: "webgpu" });
  const data = image(size);
  const run = (m: typeof cpu, backend: "cpu" | "webgpu") =>
    m.net.forward(
      m.preprocessing.normalize(tensor(data, { shape: [1, 3, size, size], backend })),
      taps,
    );
  const [a, e] = [run(gpu, "webgpu"), run(cpu, "cpu")];
  const out: Record<string, number> = {};
  for (const t of taps) {
    const [g, c] = [await a.get(t)!.data(), await e.get(t)!.data64()];
    expect(a.get(t)!.shape, t).toEqual(e.get(t)!.shape);
    const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale, `${t} is not all zeros`).toBeGreaterThan(0);
    out[t] = c.reduce((m, v, i) => Math.max(m, Math.abs(g[i] - v)), 0) / scale;
  }
  return out;
}

describe("real networks, WebGPU vs float64 cpu", () => {
  test("GoogLeNet at 64², conv1 to inception_5b", async () => {
    const err = await compare(loadGoogLeNetFile, 64, [
      "conv1/7x7_s2",
      "conv2/norm2",
      "inception_3b/output",
      "inception_4c/output",
      "inception_5b/output",
    ]);
    for (const [tap, e] of Object.entries(err)) expect(e, tap).toBeLessThan(1e-4);
  });

  test("SqueezeNet at 64², through the class probabilities", async () => {
    const err = await compare(loadSqueezeNetFile, 64, ["conv1", "fire5/concat", "pool10", "prob"]);
    for (const [tap, e] of Object.entries(err)) expect(e, tap).toBeLessThan(1e-4);
  });
});
