// Device buffer limits: under a forced 64 KiB binding limit, a VGG's big weights are held in
// row parts that each fit, and the network computes what it computes without the limit; an
// activation over the limit is refused with a message that says what would fit.

import { init, randn, release, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { vggConfig } from "../src/vgg/architecture.ts";
import { rowParts } from "../src/vgg/layers.ts";
import { loadVgg } from "../src/vgg/load.ts";
import { randomVggWeights, vggSafetensors } from "../src/vgg/random.ts";

const LIMIT = 1 << 16;
// fc1 is 64 × (32·7·7) floats = 392 KiB and the logits layer 1000 × 64 = 250 KiB: both split.
const config = vggConfig("vgg16", { divisor: 16, hidden: 64 });
const bytes = vggSafetensors(config, "timm", randomVggWeights(config, 11));
const TAPS = ["relu1_1", "block3_conv3", "pool5", "fc1", "logits"];

let reference: Map<string, Float32Array>;
beforeAll(async () => {
  // The reference: the cpu backend (float64), unaffected by the WebGPU device's limits.
  await init({ backend: "cpu", makeDefault: false });
  const model = await loadVgg(bytes, { backend: "cpu" });
  const x = randn([1, 3, 32, 32], { seed: 12, backend: "cpu" });
  reference = new Map();
  for (const [name, t] of model.forward(x, TAPS))
    reference.set(name, (await t.data()) as Float32Array);
  await init({ backend: "webgpu", limits: { maxStorageBufferBindingSize: LIMIT }, fresh: true });
});
afterAll(() => release());

describe("weights over the binding limit", () => {
  test("row parts are as equal as possible, each under the limit", () => {
    // The real fc1 under lavapipe's 128 MiB: four parts of 1024 rows (100,352 bytes each).
    expect(rowParts(4096, 25088 * 4, 128 << 20, "fc1")).toEqual([
      [0, 1024],
      [1024, 1024],
      [2048, 1024],
      [3072, 1024],
    ]);
    expect(rowParts(10, 8, 1000, "x")).toEqual([[0, 10]]);
    expect(rowParts(10, 8, 24, "x")).toEqual([
      [0, 3],
      [3, 3],
      [6, 2],
      [8, 2],
    ]);
    expect(() => rowParts(4, 100, 64, "fc9")).toThrow(/fc9: one row of 100 bytes/);
  });

  test("are split on load and give the same taps as an unsplit model", async () => {
    const info = (await init({ backend: "webgpu" })).limits;
    expect(info.maxStorageBufferBindingSize).toBe(LIMIT);
    const model = await loadVgg(bytes);
    const names = model.namedParameters().map(([n]) => n);
    // fc1: 64 rows of 6,272 bytes, 10 per part → 7 parts; logits: 1000 rows of 256 bytes → 4.
    expect(names.filter((n) => n.startsWith("classifier.0.weight_part"))).toHaveLength(7);
    expect(names.filter((n) => n.startsWith("classifier.6.weight_part"))).toHaveLength(4);
    expect(names.filter((n) => n.startsWith("classifier.6.bias_part"))).toHaveLength(4);
    expect(names).toContain("classifier.3.weight"); // fc2, 16 KiB, fits whole
    for (const p of model.parameters()) expect(p.size * 4).toBeLessThanOrEqual(LIMIT);
    // 32×32: conv2d packs its input zero-padded (4 × 34 × 34 floats at the first layer), and at
    // 64×64 that scratch buffer alone would pass the 64 KiB limit.
    const x = tensor(await randn([1, 3, 32, 32], { seed: 12, backend: "cpu" }).data(), {
      shape: [1, 3, 32, 32],
    });
    const out = model.forward(x, TAPS);
    for (const [name, t] of out) {
      const ours = await t.data();
      const ref = reference.get(name)!;
      let err = 0;
      let scale = 1e-6;
      ref.forEach((v, i) => {
        err = Math.max(err, Math.abs(ours[i] - v));
        scale = Math.max(scale, Math.abs(v));
      });
      expect(err / scale, name).toBeLessThan(1e-4);
    }
  });

  test("convolutions split by output channels too (a smaller maxPartBytes)", async () => {
    // block 5's convs are 32 × 32 × 3 × 3 floats: 1,152 bytes per output channel, 3 per part.
    const model = await loadVgg(bytes, { taps: ["pool5"], maxPartBytes: 4096 });
    const names = model.namedParameters().map(([n]) => n);
    expect(names.filter((n) => n.startsWith("features.28.weight_part"))).toHaveLength(11);
    expect(names).toContain("features.0.weight"); // 4 × 3 × 3 × 3 floats: whole
    const x = tensor(await randn([1, 3, 32, 32], { seed: 12, backend: "cpu" }).data(), {
      shape: [1, 3, 32, 32],
    });
    for (const tap of ["block3_conv3", "pool5"]) {
      const ours = await model.forward(x, [tap]).get(tap)!.data();
      const ref = reference.get(tap)!;
      const scale = Math.max(...ref.map(Math.abs));
      ref.forEach((v, i) => {
        expect(Math.abs(ours[i] - v) / scale).toBeLessThan(1e-4);
      });
    }
  });

  test("an activation over the limit is refused before anything runs", async () => {
    const model = await loadVgg(bytes, { taps: ["relu1_1"] });
    // 4 channels × 128 × 128 floats = 256 KiB.
    const x = randn([1, 3, 128, 128], { seed: 1 });
    expect(() => model.forward(x, ["relu1_1"])).toThrow(
      new RegExp(
        String.raw`relu1_1 would be \[1, 4, 128, 128\] \(262144 bytes\), over this device's ` +
          String.raw`maxStorageBufferBindingSize \(65536 bytes\); use images up to about 64×64`,
      ),
    );
  });
});
