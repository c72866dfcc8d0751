// The buffer pool never destroys a buffer that recorded, not yet submitted work still uses.
// With maxBufferSize forced down to 64 KiB the pool's cap is 64 KiB, so freeing four 32 KiB
// buffers in one batch sends the later ones over the cap while their dispatches are still in the
// open command encoder. Before the fix, lavapipe rejected that submit with
// `[Buffer "mul (float32[8192])"] used in submit while destroyed`.

import { afterAll, beforeAll, expect, test } from "vitest";
import type { WebGPUBackend } from "../src/backend/webgpu/webgpu.ts";
import { engine, init, mul, release, type Tensor, tensor } from "../src/index.ts";

const LIMIT = 64 * 1024;
const N = 8192; // 32 KiB of float32

beforeAll(async () => {
  await init({ backend: "webgpu", limits: { maxBufferSize: LIMIT }, fresh: true });
});
afterAll(() => release());

test("buffers freed mid-batch over the pool's cap are destroyed only after their submit", async () => {
  expect(engine.backend("webgpu").info.limits.maxBufferSize).toBe(LIMIT);
  const x = tensor(
    Float32Array.from({ length: N }, (_, i) => i % 7),
    { shape: [N] },
  );
  const submitsBefore = (engine.backend("webgpu") as WebGPUBackend).submits;
  // Each product is realised (its own dispatch) and then freed while the batch is still open.
  let acc: Tensor = x;
  const chain: Tensor[] = [];
  for (let i = 0; i < 4; i++) {
    acc = mul(acc, 2);
    engine.region(acc); // realise now: one recorded dispatch writing a fresh 32 KiB buffer
    chain.push(acc);
  }
  const last = chain.pop()!;
  for (const t of chain) t.dispose();
  // Nothing has been submitted yet: the disposed buffers were only recorded.
  expect((engine.backend("webgpu") as WebGPUBackend).submits).toBe(submitsBefore);
  const out = await last.data();
  for (let i = 0; i < N; i += 997) expect(out[i]).toBe((i % 7) * 16);
  // A second round reuses or retires buffers again; the device must still be healthy.
  const again = await mul(last, 0.5).data();
  expect(again[7]).toBe((7 % 7) * 8);
  expect(again[8]).toBe((8 % 7) * 8);
  last.dispose();
  x.dispose();
});
