// nn.crossEntropy's weighted / ignoreIndex path on webgpu against the float64 cpu oracle (the
// formulas themselves are checked by hand in composite-oracle.test.ts): value and gradient.

import { expect, test } from "vitest";
import { nn, tensor } from "../src/index.ts";
import { both, closeness, useBackends } from "./helpers.ts";

useBackends();

test("weights, ignoreIndex and smoothing: webgpu matches cpu, value and gradient", async () => {
  const z = both({ shape: [6, 4] }, 3, true);
  const t = [2, -100, 0, 3, 1, -100];
  const run = async (side: "gpu" | "cpu") => {
    const backend = side === "gpu" ? "webgpu" : "cpu";
    const x = z[side];
    const loss = nn.crossEntropy(x, tensor(t, { backend, dtype: "int32" }), {
      weight: tensor([0.5, 2, 1, 3], { backend }),
      ignoreIndex: -100,
      labelSmoothing: 0.1,
    });
    loss.backward();
    return [await loss.data64(), await x.grad!.data64()];
  };
  const [gpu, cpu] = [await run("gpu"), await run("cpu")];
  for (const i of [0, 1]) {
    const r = closeness(gpu[i], cpu[i], { rtol: 1e-4, atol: 1e-6 });
    expect(r.ok, r.detail).toBe(true);
  }
  // the ignored rows get no gradient
  for (const row of [1, 5])
    expect(Array.from(gpu[1].slice(row * 4, row * 4 + 4))).toEqual([0, 0, 0, 0]);
});
