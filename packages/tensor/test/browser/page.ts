// A page that runs a matmul and its gradient on the browser's WebGPU and on the cpu oracle, and
// publishes both (and the adapter) on window.__sheep for the puppeteer test to compare.

import { engine, init, matmul, mul, sum, tensor } from "../../src/index.ts";

async function run() {
  const info = await init({ backend: "webgpu" });
  await init({ backend: "cpu", makeDefault: false });
  const a = Array.from({ length: 37 * 29 }, (_, i) => Math.sin(i));
  const b = Array.from({ length: 29 * 23 }, (_, i) => Math.cos(i * 0.7));
  const out: Record<string, number[]> = {};
  for (const backend of ["webgpu", "cpu"] as const) {
    const x = tensor(new Float32Array(a), { shape: [37, 29], backend, requiresGrad: true });
    const w = tensor(new Float32Array(b), { shape: [29, 23], backend, requiresGrad: true });
    const y = matmul(x, w);
    sum(mul(y, y)).backward();
    out[`${backend}.y`] = Array.from(await y.data());
    out[`${backend}.gx`] = Array.from(await x.grad!.data());
    out[`${backend}.gw`] = Array.from(await w.grad!.data());
  }
  return {
    info,
    out,
    dispatches: (await engine.trace(() => matmul(tensor([[1, 2]]), tensor([[3], [4]])))).length,
  };
}

run().then(
  (r) => Object.assign(window, { __sheep: { ok: true, ...r } }),
  (e) => Object.assign(window, { __sheep: { ok: false, error: String(e?.stack ?? e) } }),
);
