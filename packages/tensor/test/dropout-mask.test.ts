// dropout(x, { returnMask: true }) gives the mask it applied: 0/1, the same on both backends for
// a seed, out = x · mask / (1 − p) exactly, and the gradient is that same mask / (1 − p).

import { describe, expect, test } from "vitest";
import { dropout, randn, sum } from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

describe.each(["webgpu", "cpu"] as const)("%s", (backend) => {
  test("the mask is 0/1, dropped about p of the elements, and is what out and the gradient used", async () => {
    const p = 0.3;
    const x = randn([40, 50], { seed: 3, backend, requiresGrad: true });
    const { out, mask } = dropout(x, { p, seed: 11, returnMask: true });
    sum(out).backward();
    const [xv, ov, mv, gv] = await Promise.all([x.data(), out.data(), mask.data(), x.grad!.data()]);
    expect(mask.shape).toEqual([40, 50]);
    expect(mask.dtype).toBe("float32");
    expect(mv.every((m) => m === 0 || m === 1)).toBe(true);
    const dropped = mv.filter((m) => m === 0).length / mv.length;
    expect(Math.abs(dropped - p)).toBeLessThan(0.04); // 2000 draws: the std of the fraction is 0.01
    for (let i = 0; i < xv.length; i++) {
      expect(ov[i]).toBeCloseTo((xv[i] * mv[i]) / (1 - p), 5);
      expect(gv[i]).toBeCloseTo(mv[i] / (1 - p), 5);
    }
    // the same seed without returnMask drops the same elements
    const plain = await dropout(x, { p, seed: 11 }).data();
    expect(Array.from(plain)).toEqual(Array.from(ov));
  });

  test("p = 0, evaluation and p = 1 give all-ones and all-zeros masks", async () => {
    const x = randn([3, 4], { seed: 1, backend });
    const ones = dropout(x, { p: 0, returnMask: true });
    expect(ones.out).toBe(x);
    expect(Array.from(await ones.mask.data())).toEqual(new Array(12).fill(1));
    const evalMode = dropout(x, { training: false, returnMask: true });
    expect(Array.from(await evalMode.mask.data())).toEqual(new Array(12).fill(1));
    const all = dropout(x, { p: 1, returnMask: true });
    expect(Array.from(await all.mask.data())).toEqual(new Array(12).fill(0));
    expect(Array.from(await all.out.data()).every((v) => v === 0)).toBe(true);
  });
});

test("the mask of a seed is the same on webgpu and cpu", async () => {
  const masks = await Promise.all(
    (["webgpu", "cpu"] as const).map((backend) =>
      dropout(randn([7, 9], { seed: 2, backend }), {
        p: 0.5,
        seed: 5,
        returnMask: true,
      }).mask.data(),
    ),
  );
  expect(Array.from(masks[0])).toEqual(Array.from(masks[1]));
});
