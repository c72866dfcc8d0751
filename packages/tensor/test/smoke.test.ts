import { afterAll, expect, test } from "vitest";
import { engine, init, release, tensor, matmul, sum, tidy, arange } from "../src/index.ts";

afterAll(() => release());

test("smoke", async () => {
  const info = await init({ backend: "webgpu" });
  console.log(info.adapter, info.description, info.features);
  await init({ backend: "cpu", makeDefault: false });
  for (const backend of ["webgpu", "cpu"] as const) {
    const a = tensor([[1, 2], [3, 4]], { backend });
    const b = tensor([[5, 6], [7, 8]], { backend });
    const c = matmul(a, b).add(1).relu();
    console.log(backend, Array.from(await c.data()));
    const s = sum(a.mul(b), 1);
    console.log(backend, Array.from(await s.data()));
    const r = arange(10, undefined, 1, { backend }).cast("float32").reshape(2, 5).T.exp().sum(0);
    console.log(backend, Array.from(await r.data()));
    const w = tensor([1, 2, 3], { backend, requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward();
    console.log(backend, "grad", Array.from(await w.grad!.data()));
  }
  console.log(engine.memory());
});
