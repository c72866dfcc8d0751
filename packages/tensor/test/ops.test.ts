// Every op of the table, driven by cases.ts: forward on WebGPU against the float64 cpu oracle,
// VJPs against central finite differences in float64, WebGPU gradients against cpu gradients,
// and a check that no op is left without cases.

import { describe, expect, test } from "vitest";
import { mul, OP_NAMES, type OpName, sum, type Tensor, table, tensor } from "../src/index.ts";
import { apply } from "../src/ops/apply.ts";
import { type Case, cases } from "./cases.ts";
import { both, closeness, dtypeOf, rng, sample, useBackends } from "./helpers.ts";

useBackends();

const seedOf = (name: string, k: number, j: number) =>
  [...name].reduce(
    (h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619),
    2166136261 + k * 131 + j * 7919,
  ) >>> 0;

const run = (name: OpName, c: Case, xs: Tensor[]) =>
  c.call ? c.call(...xs) : apply(name, xs, (c.attrs ?? {}) as never);

/** Whether the op's VJP covers input i (null entries are not differentiable). */
function differentiable(name: OpName, i: number): boolean {
  const vjp = table[name].vjp;
  return vjp !== null && (typeof vjp === "function" || vjp[i] !== null);
}

function gradInputs(name: OpName, c: Case): boolean[] {
  return c.inputs.map(
    (s, i) => dtypeOf(s) === "float32" && (c.call !== undefined || differentiable(name, i)),
  );
}

/** Random weights for a scalar loss Σ out·w, so every output element matters differently. */
function weights(shape: readonly number[], backend: "cpu" | "webgpu", seed: number) {
  return tensor(sample({ shape, domain: [-1, 1] }, seed), { shape, backend });
}

const label = (c: Case, k: number) =>
  `${k}: ${c.label ?? c.inputs.map((s) => `[${s.shape}]`).join(" ")}`;

describe.each(OP_NAMES)("%s", (name) => {
  const list = cases[name];

  test("has test cases", () => {
    expect(list.length).toBeGreaterThan(0);
  });

  list.forEach((c, k) => {
    test(`forward ${label(c, k)}`, async () => {
      const ins = c.inputs.map((s, j) => both(s, seedOf(name, k, j)));
      const gpu = run(
        name,
        c,
        ins.map((i) => i.gpu),
      );
      const cpu = run(
        name,
        c,
        ins.map((i) => i.cpu),
      );
      expect(gpu.shape).toEqual(cpu.shape);
      expect(gpu.dtype).toBe(cpu.dtype);
      const r = closeness(await gpu.data(), await cpu.data64(), c.tol);
      expect(r.ok, r.detail).toBe(true);
    });

    // An int32 output (cast → int32) is checked too: Σ out·w is float, and its gradient is 0.
    const which = gradInputs(name, c);
    if (c.noGrad || !which.some(Boolean)) return;

    test.skipIf(c.noFd)(
      `vjp matches finite differences ${label(c, k)}${c.noFd ? ` (skipped: ${c.noFd})` : ""}`,
      async () => {
        const data = c.inputs.map((s, j) => Float64Array.from(sample(s, seedOf(name, k, j))));
        const make = (d: Float64Array[], grad: boolean) =>
          c.inputs.map((s, j) =>
            tensor(d[j], {
              shape: s.shape,
              backend: "cpu",
              dtype: dtypeOf(s),
              requiresGrad: grad && which[j],
            }),
          );
        const xs = make(data, true);
        const out = run(name, c, xs);
        const w = weights(out.shape, "cpu", seedOf(name, k, 99));
        sum(mul(out, w)).backward();
        // A random direction per differentiable input; the loss along it, both ways.
        const r = rng(seedOf(name, k, 7));
        const dirs = data.map((d, j) => Float64Array.from(d, () => (which[j] ? r() * 2 - 1 : 0)));
        let analytic = 0;
        for (let j = 0; j < xs.length; j++) {
          if (!which[j]) continue;
          const g = xs[j].grad ? await xs[j].grad!.data64() : new Float64Array(dirs[j].length);
          g.forEach((v, i) => {
            analytic += v * dirs[j][i];
          });
        }
        const h = 1e-6;
        const lossAt = async (sgn: number) => {
          const moved = data.map((d, j) =>
            Float64Array.from(d, (v, i) => v + sgn * h * dirs[j][i]),
          );
          return sum(mul(run(name, c, make(moved, false)), w)).item();
        };
        const numeric = ((await lossAt(1)) - (await lossAt(-1))) / (2 * h);
        const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic));
        expect(
          Math.abs(numeric - analytic),
          `numeric ${numeric} analytic ${analytic}`,
        ).toBeLessThan(1e-6 * scale);
      },
    );

    test(`webgpu gradients match cpu ${label(c, k)}`, async () => {
      const ins = c.inputs.map((s, j) => both(s, seedOf(name, k, j), which[j]));
      const grads = async (side: "gpu" | "cpu") => {
        const xs = ins.map((i) => i[side]);
        const out = run(name, c, xs);
        sum(
          mul(out, weights(out.shape, side === "gpu" ? "webgpu" : "cpu", seedOf(name, k, 99))),
        ).backward();
        return Promise.all(xs.map((x) => (x.grad ? x.grad.data64() : null)));
      };
      const [g, e] = [await grads("gpu"), await grads("cpu")];
      for (let j = 0; j < g.length; j++) {
        if (!which[j]) continue;
        expect(g[j] === null, `input ${j} got no gradient on one backend`).toBe(e[j] === null);
        if (g[j] && e[j]) {
          const res = closeness(g[j]!, e[j]!, c.gradTol ?? { rtol: 1e-4, atol: 1e-5 });
          expect(res.ok, `input ${j}: ${res.detail}`).toBe(true);
        }
      }
    });
  });
});

test("every op in the table has cases, and no case names an unknown op", () => {
  expect(Object.keys(cases).sort()).toEqual([...OP_NAMES].sort());
});
