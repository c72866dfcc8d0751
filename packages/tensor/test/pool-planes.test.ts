// Max pooling packs several small output planes into one workgroup (max_pool2d.wgsl: WX×WY×WZ):
// every packing, with plane counts that leave the last workgroup part empty, against the cpu
// oracle, values and indices.

import { expect, test } from "vitest";
import { maxPool2d, maxPool2dWithIndices, tensor } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();

test.each([
  [[2, 37, 4, 4], 2], // 2×2 outputs: 16 planes per workgroup, 74 planes
  [[1, 13, 8, 6], 2], // 4×3 outputs: 4×4 per plane, 4 planes per workgroup
  [[3, 5, 3, 17], 3], // 1×5 outputs: 8×1, 8 planes per workgroup
  [[1, 3, 19, 21], 2], // 9×10 outputs: 8×8 tiles of one plane, as before
])("maxPool2d of %j, window %i, matches the oracle", async (shape, k) => {
  const data = sample({ shape }, shape[1]);
  const out = (backend: "webgpu" | "cpu") => {
    const x = tensor(data, { shape, backend });
    return [maxPool2d(x, k), ...maxPool2dWithIndices(x, k)];
  };
  const [gpu, cpu] = [out("webgpu"), out("cpu")];
  for (let i = 0; i < gpu.length; i++) {
    expect(gpu[i].shape).toEqual(cpu[i].shape);
    expect(closeness(await gpu[i].data(), await cpu[i].data()).detail).toBe("");
  }
});
