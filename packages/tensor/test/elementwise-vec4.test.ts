// The vec4 elementwise kernel (elementwise_vec4.wgsl) against the cpu oracle, and the cases that
// must fall back to the scalar kernel: sizes and offsets off a multiple of 4, broadcasts,
// integers, rules outside the vec4 list. Each chain also runs with vec4 forced off.

import { afterAll, expect, test } from "vitest";
import { elementwiseTuning } from "../src/backend/webgpu/kernels.ts";
import * as F from "../src/index.ts";
import { engine, type Tensor, tensor } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();
afterAll(() => {
  elementwiseTuning.vec4 = true;
});

const on = (
  b: "webgpu" | "cpu",
  shape: number[],
  seed: number,
  domain: "any" | "positive" = "any",
) => tensor(sample({ shape, domain }, seed), { shape, backend: b });

// [name, takes vec4, chain]: the chain builds its inputs on the given backend.
const CHAINS: [string, boolean, (b: "webgpu" | "cpu") => Tensor][] = [
  [
    "every vec4 rule",
    true,
    (b) => {
      const x = on(b, [6, 10], 1);
      const y = on(b, [6, 10], 2, "positive");
      const a = F.add(F.sub(F.mul(x, y), F.div(x, y)), F.neg(F.abs(x)));
      const e = F.add(F.exp(x), F.log(y));
      const s = F.add(F.sqrt(y), F.rsqrt(y));
      const t = F.add(F.sin(x), F.cos(x));
      const u = F.add(F.sigmoid(x), F.relu(F.square(x)));
      return F.add(F.maximum(a, e), F.minimum(F.add(s, t), F.mul(u, 2.5)));
    },
  ],
  ["a slice starting at element 8", true, (b) => F.exp(F.slice(on(b, [20], 3), [8], [20]))],
  ["a slice starting at element 2", false, (b) => F.exp(F.slice(on(b, [22], 4), [2], [22]))],
  ["7 elements", false, (b) => F.exp(on(b, [7], 5))],
  ["a broadcast row", false, (b) => F.add(on(b, [4, 8], 6), on(b, [1, 8], 7))],
  ["a transposed read", false, (b) => F.add(F.transpose(on(b, [4, 8], 8), 0, 1), 1)],
  ["tanh (clamps with literals)", false, (b) => F.tanh(on(b, [4, 8], 9))],
];

test.each(CHAINS)("%s", async (_, vec4, chain) => {
  const want = await chain("cpu").data();
  for (const forced of [true, false]) {
    elementwiseTuning.vec4 = forced;
    const records = await engine.trace(() => chain("webgpu"));
    const last = records[records.length - 1];
    expect(last.kernel.startsWith("elementwise.vec4(")).toBe(forced && vec4);
    const got = await chain("webgpu").data();
    expect(closeness(got, want, { rtol: 1e-5, atol: 1e-6 }).detail).toBe("");
  }
});

test("integer chains stay scalar", async () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: "int32" });
  const records = await engine.trace(() => F.add(x, 1));
  expect(records[0].kernel).toBe("elementwise(add)");
  expect(Array.from(await F.add(x, 1).data())).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
});
