// Reductions on awkward shapes, against values computed here in float64 (not by the engine):
// rows and columns, sizes that are not multiples of a workgroup, size-1 dims, a 10⁶-element row,
// 4·10⁶ rows (a folded grid), every axis of a 4-D tensor; sum, max, min and the compositions on
// them (mean, variance, logsumexp, softmax), with fused producers. Each planner variant runs:
// the GPU plan with subgroups, without them (forced), and the CPU-adapter plan.

import { afterAll, describe, expect, test } from "vitest";
import { reduceTuning } from "../src/backend/webgpu/reduce.ts";
import * as F from "../src/index.ts";
import { engine, type Tensor, tensor } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();
afterAll(() => {
  reduceTuning.subgroups = true;
  reduceTuning.profile = "auto";
});

type Op = "sum" | "max" | "min" | "mean" | "variance" | "logsumexp";

/** op over `dims` of a row-major array, in float64, by walking every element once. */
function reference(data: ArrayLike<number>, shape: number[], dims: number[], op: Op): number[] {
  const outShape = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const groups: number[][] = Array.from({ length: outSize }, () => []);
  const coord = shape.map(() => 0);
  for (let i = 0; i < data.length; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o = o * outShape[d] + (dims.includes(d) ? 0 : coord[d]);
    groups[o].push(data[i]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  return groups.map((g) => {
    const s = g.reduce((a, b) => a + b, 0);
    if (op === "sum") return s;
    if (op === "mean") return s / g.length;
    if (op === "max") return g.reduce((a, b) => Math.max(a, b), -Infinity);
    if (op === "min") return g.reduce((a, b) => Math.min(a, b), Infinity);
    if (op === "variance")
      return g.reduce((a, b) => a + (b - s / g.length) ** 2, 0) / (g.length - 1);
    const m = Math.max(...g);
    return m + Math.log(g.reduce((a, b) => a + Math.exp(b - m), 0));
  });
}

function run(x: Tensor, dims: number[], op: Op): Tensor {
  if (op === "variance") return F.variance(x, dims);
  if (op === "logsumexp") return F.logsumexp(x, dims);
  if (op === "mean") return F.mean(x, dims);
  if (op === "max") return F.max(x, dims);
  if (op === "min") return F.min(x, dims);
  return F.sum(x, dims);
}

const VARIANTS = [
  { name: "gpu plan, subgroups", profile: "gpu", subgroups: true },
  { name: "gpu plan, no subgroups", profile: "gpu", subgroups: false },
  { name: "cpu-adapter plan", profile: "cpu", subgroups: true },
] as const;

// [shape, dims, ops]: rows, columns, odd sizes, size-1 dims, every axis and pairs of a 4-D tensor.
const CASES: [number[], number[], Op[]][] = [
  [[37, 300], [1], ["sum", "max", "variance"]],
  [[300, 37], [0], ["sum", "min", "logsumexp"]],
  [[5, 1, 3], [1], ["sum", "max"]],
  [[1, 7, 1], [1], ["sum", "mean"]],
  [[3, 1], [0, 1], ["max"]],
  [[3, 5, 7, 9], [0], ["sum", "max"]],
  [[3, 5, 7, 9], [1], ["sum", "mean"]],
  [[3, 5, 7, 9], [2], ["sum", "logsumexp"]],
  [[3, 5, 7, 9], [3], ["sum", "variance"]],
  [
    [3, 5, 7, 9],
    [0, 2],
    ["sum", "min"],
  ],
  [
    [3, 5, 7, 9],
    [1, 3],
    ["max", "mean"],
  ],
  [
    [3, 5, 7, 9],
    [0, 1, 2, 3],
    ["sum", "max"],
  ],
  [[2, 3, 4099], [0, 2], ["sum"]],
  [[9000, 3], [0], ["sum", "max"]],
];

describe.each(VARIANTS)("$name", ({ profile, subgroups }) => {
  const use = () => {
    reduceTuning.profile = profile;
    reduceTuning.subgroups = subgroups;
  };

  test.each(CASES)("%j over %j", async (shape, dims, ops) => {
    use();
    const data = sample({ shape }, shape.length * 100 + dims[0]);
    const x = tensor(data, { shape });
    for (const op of ops) {
      const got = await run(x, dims, op).data();
      const c = closeness(got, reference(data, shape, dims, op), { rtol: 1e-5, atol: 1e-5 });
      expect(c.detail, `${op}`).toBe("");
    }
  });

  test("a fused producer is read inside the reduction, rows and columns", async () => {
    use();
    const shape = [70, 130];
    const data = sample({ shape }, 7);
    const x = tensor(data, { shape });
    const sq = Array.from(data, (v) => (v - 1) ** 2);
    for (const dim of [0, 1]) {
      const records = await engine.trace(() => F.sum(F.square(F.sub(x, 1)), dim));
      expect(records[0].kernel).toBe("sum(sub·square)");
      const got = await F.sum(F.square(F.sub(x, 1)), dim).data();
      expect(closeness(got, reference(sq, shape, [dim], "sum"), { rtol: 1e-5 }).detail).toBe("");
    }
  });

  test("softmax over rows and over columns sums to 1 and matches exp(x)/Σexp(x)", async () => {
    use();
    const shape = [33, 257];
    const data = sample({ shape, domain: [-30, 30] }, 8);
    const x = tensor(data, { shape });
    for (const dim of [0, 1]) {
      const got = await F.softmax(x, dim).data();
      const lse = reference(data, shape, [dim], "logsumexp");
      const want = Array.from(data, (v, i) => {
        const [r, c] = [Math.floor(i / shape[1]), i % shape[1]];
        return Math.exp(v - lse[dim === 1 ? r : c]);
      });
      expect(closeness(got, want, { rtol: 1e-4, atol: 1e-7 }).detail).toBe("");
    }
  });

  test("int32 sums and maxima are exact", async () => {
    use();
    const shape = [45, 301];
    const data = sample({ shape, domain: { int: [-1000, 1000] } }, 9);
    const x = tensor(data, { shape, dtype: "int32" });
    for (const [dims, op] of [
      [[1], "sum"],
      [[0], "max"],
      [[0, 1], "sum"],
    ] as const) {
      const got = Array.from(await run(x, [...dims], op).data());
      expect(got).toEqual(reference(data, shape, [...dims], op));
    }
  });

  test("a reduction gives the same bits on every run", async () => {
    use();
    const shape = [3, 100_003];
    const x = tensor(sample({ shape }, 10), { shape });
    const bits = async (t: Tensor) => Array.from(new Uint32Array((await t.data()).buffer));
    for (const dims of [[1], [0], [0, 1]]) {
      const first = await bits(F.sum(x, dims));
      expect(await bits(F.sum(x, dims))).toEqual(first);
    }
  });

  test("reducing an empty dim: sums are 0", async () => {
    use();
    expect(Array.from(await F.sum(F.zeros([4, 0]), 1).data())).toEqual([0, 0, 0, 0]);
  });
});

describe("huge rows and huge row counts", () => {
  test.each(VARIANTS)("$name: a row of 10⁶ + 3, and 4·10⁶ rows of 2 (a folded grid)", async (v) => {
    reduceTuning.profile = v.profile;
    reduceTuning.subgroups = v.subgroups;
    const n = 1_000_003;
    const data = sample({ shape: [n], domain: [0, 1] }, 11);
    const x = tensor(data, { shape: [n] });
    const [s] = await F.sum(x).data();
    expect(s).toBeCloseTo(reference(data, [n], [0], "sum")[0], 0);
    expect((await F.max(x).data())[0]).toBe(Math.max(...reference(data, [n], [0], "max")));

    // 4,194,500 rows: more than 65535 workgroups of 64 threads, so the grid folds into 2-D.
    const rows = 4_194_500;
    const pairs = tensor(
      Float32Array.from({ length: 2 * rows }, (_, i) => i % 7),
      {
        shape: [rows, 2],
      },
    );
    const got = await F.sum(pairs, 1).data();
    for (const r of [0, 1, 65535 * 64, rows - 1]) {
      expect(got[r], `row ${r}`).toBe(((2 * r) % 7) + ((2 * r + 1) % 7));
    }
    const cols = await F.max(pairs, 0).data();
    expect(Array.from(cols)).toEqual([6, 6]);
  });
});

test("the subgroup variant is the one taken where the adapter has subgroups", async () => {
  reduceTuning.profile = "gpu";
  reduceTuning.subgroups = true;
  const x = tensor(sample({ shape: [4, 5000] }, 12), { shape: [4, 5000] });
  const [r] = await engine.trace(() => F.sum(x, 1));
  expect(r.wgsl.includes("enable subgroups")).toBe(engine.info.features.includes("subgroups"));
  reduceTuning.subgroups = false;
  const [r2] = await engine.trace(() => F.sum(x, 1));
  expect(r2.wgsl).not.toContain("enable subgroups");
});
