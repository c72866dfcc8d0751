// Checks for composed functions (batch norm, roll, blur…), which have no op-table entry: the
// same three checks ops.test.ts runs per case — webgpu forward against the float64 oracle,
// the VJP against central finite differences in float64, webgpu gradients against cpu ones.

import { expect, test } from "vitest";
import { mul, sum, type Tensor, tensor } from "../src/index.ts";
import { both, closeness, type InputSpec, rng, sample, type Tol } from "./helpers.ts";

export interface FnCheck {
  tol?: Tol;
  gradTol?: Tol;
  /** Inputs that get no gradient check (e.g. running statistics). */
  noGrad?: number[];
}

const seedOf = (label: string, j: number) =>
  [...label].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261 + j * 7919) >>>
  0;

function weights(shape: readonly number[], backend: "cpu" | "webgpu", seed: number) {
  return tensor(sample({ shape, domain: [-1, 1] }, seed), { shape, backend });
}

/** Register the three tests for f over inputs drawn from `specs`. */
export function checkFunction(
  label: string,
  f: (...xs: Tensor[]) => Tensor,
  specs: InputSpec[],
  opts: FnCheck = {},
) {
  const grads = specs.map((_, j) => !opts.noGrad?.includes(j));

  test(`${label}: forward, webgpu vs cpu`, async () => {
    const ins = specs.map((s, j) => both(s, seedOf(label, j)));
    const gpu = f(...ins.map((i) => i.gpu));
    const cpu = f(...ins.map((i) => i.cpu));
    expect(gpu.shape).toEqual(cpu.shape);
    const r = closeness(await gpu.data(), await cpu.data64(), opts.tol);
    expect(r.ok, r.detail).toBe(true);
  });

  test(`${label}: gradient vs finite differences`, async () => {
    const data = specs.map((s, j) => Float64Array.from(sample(s, seedOf(label, j))));
    const make = (d: Float64Array[], grad: boolean) =>
      specs.map((s, j) =>
        tensor(d[j], { shape: s.shape, backend: "cpu", requiresGrad: grad && grads[j] }),
      );
    const xs = make(data, true);
    const out = f(...xs);
    const w = weights(out.shape, "cpu", seedOf(label, 99));
    sum(mul(out, w)).backward();
    const r = rng(seedOf(label, 7));
    const dirs = data.map((d, j) => Float64Array.from(d, () => (grads[j] ? r() * 2 - 1 : 0)));
    let analytic = 0;
    for (let j = 0; j < xs.length; j++) {
      if (!grads[j] || !xs[j].grad) continue;
      (await xs[j].grad!.data64()).forEach((v, i) => {
        analytic += v * dirs[j][i];
      });
    }
    const h = 1e-6;
    const lossAt = (sgn: number) => {
      const moved = data.map((d, j) => Float64Array.from(d, (v, i) => v + sgn * h * dirs[j][i]));
      return sum(mul(f(...make(moved, false)), w)).item();
    };
    const numeric = ((await lossAt(1)) - (await lossAt(-1))) / (2 * h);
    const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic));
    expect(Math.abs(numeric - analytic), `numeric ${numeric} analytic ${analytic}`).toBeLessThan(
      1e-6 * scale,
    );
  });

  test(`${label}: webgpu gradients vs cpu`, async () => {
    const ins = specs.map((s, j) => both(s, seedOf(label, j), grads[j]));
    const run = async (side: "gpu" | "cpu") => {
      const xs = ins.map((i) => i[side]);
      const out = f(...xs);
      sum(
        mul(out, weights(out.shape, side === "gpu" ? "webgpu" : "cpu", seedOf(label, 99))),
      ).backward();
      return Promise.all(xs.map((x) => (x.grad ? x.grad.data64() : null)));
    };
    const [g, e] = [await run("gpu"), await run("cpu")];
    for (let j = 0; j < specs.length; j++) {
      if (!grads[j]) continue;
      expect(g[j] === null, `input ${j} got a gradient on one backend only`).toBe(e[j] === null);
      if (g[j] && e[j]) {
        const res = closeness(g[j]!, e[j]!, opts.gradTol ?? { rtol: 1e-4, atol: 1e-5 });
        expect(res.ok, `input ${j}: ${res.detail}`).toBe(true);
      }
    }
  });
}

/** The raw bits of a float32 result, for "same bits on every run" checks. */
export async function bits(t: Tensor): Promise<Uint32Array> {
  const d = await t.data();
  return new Uint32Array(d.buffer, d.byteOffset, d.length);
}
