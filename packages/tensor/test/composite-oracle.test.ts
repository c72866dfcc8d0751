// Compositions (softmax, logSoftmax, logsumexp, mean, variance, std, flip, the losses, Gram
// normalisations, total variation) against values written out here by hand in float64 — not
// the composition code, so a wrong formula fails — and their gradients against central finite
// differences. All on the float64 cpu backend: the webgpu-vs-cpu comparison is composite.test.ts.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as F from "../src/index.ts";
import { init, nn, release, type Tensor, tensor } from "../src/index.ts";
import { rng } from "./helpers.ts";

beforeAll(() => init({ backend: "cpu" }));
afterAll(() => release());

/** A host array with its shape: what the hand formulas read. */
interface Arr {
  v: Float64Array;
  shape: number[];
}

const strides = (shape: number[]) =>
  shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/**
 * The flat indices of every fiber over `dims`: one list per position of the other dims (in
 * row-major order), each list running over `dims` in row-major order.
 */
function fibers(shape: number[], dims: number[]): number[][] {
  const st = strides(shape);
  const keep = shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const walk = (axes: number[]): number[] =>
    axes.reduce<number[]>(
      (offs, a) => offs.flatMap((o) => Array.from({ length: shape[a] }, (_, k) => o + k * st[a])),
      [0],
    );
  const inner = walk(dims);
  return walk(keep).map((o) => inner.map((i) => o + i));
}

const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const meanOf = (xs: number[]) => sumOf(xs) / xs.length;
const lse = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(sumOf(xs.map((x) => Math.exp(x - m))));
};
/** Scatter per-fiber results back to the input's layout (softmax-like, same shape out). */
function perFiber(a: Arr, dim: number, f: (xs: number[]) => number[]): number[] {
  const out = new Array<number>(a.v.length);
  for (const idx of fibers(a.shape, [dim])) {
    const ys = f(idx.map((i) => a.v[i]));
    idx.forEach((i, k) => {
      out[i] = ys[k];
    });
  }
  return out;
}
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/**
 * torch's cross_entropy with class weights w, ignore_index and label smoothing ε, for [N, C]
 * logits z and class-index targets t, written from its documented definition:
 * loss_n = −(1 − ε)·w[t_n]·log p_n[t_n] − (ε/C)·Σ_c w_c·log p_n[c], 0 where t_n is ignored;
 * "mean" divides by Σ w[t_n] over the samples not ignored.
 */
function torchCrossEntropy(
  z: number[][],
  t: number[],
  o: { w?: number[]; ignore?: number; eps?: number; reduction?: "mean" | "sum" | "none" },
): number[] {
  const C = z[0].length;
  const w = o.w ?? new Array(C).fill(1);
  const eps = o.eps ?? 0;
  const ignore = o.ignore ?? -100;
  const losses = z.map((row, n) => {
    if (t[n] === ignore) return 0;
    const logp = row.map((v) => v - lse(row));
    return -(1 - eps) * w[t[n]] * logp[t[n]] - (eps / C) * sumOf(logp.map((q, c) => w[c] * q));
  });
  if (o.reduction === "none") return losses;
  if (o.reduction === "sum") return [sumOf(losses)];
  return [sumOf(losses) / sumOf(t.map((c) => (c === ignore ? 0 : w[c])))];
}

/** Rows of an [N, C] array, or of [N, C, d] with the class dim moved last ([N·d, C]). */
function classRows(z: Arr): number[][] {
  return fibers(z.shape, [1]).map((idx) => idx.map((i) => z.v[i]));
}

function ceCases(): Case[] {
  const w = [0.5, 2, 1, 3];
  const weight = () => tensor(w, { backend: "cpu" });
  return [
    {
      name: "crossEntropy, class weights (weighted mean)",
      inputs: [{ shape: [6, 4] }, { shape: [6], int: 4 }],
      f: (z, t) => nn.crossEntropy(z, t, { weight: weight() }),
      expected: (z, t) => torchCrossEntropy(classRows(z), Array.from(t.v), { w }),
    },
    {
      name: "crossEntropy, ignoreIndex -100 (the default once weights are given), smoothing",
      inputs: [{ shape: [5, 4] }, { shape: [5], values: [1, -100, 3, 0, -100] }],
      f: (z, t) => nn.crossEntropy(z, t, { weight: weight(), labelSmoothing: 0.1 }),
      expected: (z, t) => torchCrossEntropy(classRows(z), Array.from(t.v), { w, eps: 0.1 }),
    },
    {
      name: "crossEntropy, ignoreIndex 2 on [N, C, d], per element",
      inputs: [{ shape: [2, 4, 3] }, { shape: [2, 3], values: [2, 0, 1, 3, 2, 2] }],
      f: (z, t) => nn.crossEntropy(z, t, { ignoreIndex: 2, reduction: "none" }),
      expected: (z, t) =>
        torchCrossEntropy(classRows(z), Array.from(t.v), { ignore: 2, reduction: "none" }),
    },
    {
      name: "crossEntropy, ignoreIndex and smoothing, unweighted mean",
      inputs: [{ shape: [4, 4] }, { shape: [4], values: [3, 1, 1, 0] }],
      f: (z, t) => nn.crossEntropy(z, t, { ignoreIndex: 1, labelSmoothing: 0.3 }),
      expected: (z, t) => torchCrossEntropy(classRows(z), Array.from(t.v), { ignore: 1, eps: 0.3 }),
    },
    {
      name: "crossEntropy, probability targets with weights and smoothing",
      inputs: [{ shape: [3, 4] }, { shape: [3, 4], lo: 0, hi: 1 }],
      f: (z, p) => nn.crossEntropy(z, p, { weight: weight(), labelSmoothing: 0.2 }),
      // −Σ_c w_c ((1 − ε) p_c + ε/C) log softmax(z)_c, averaged over the N samples
      expected: (z, p) => [
        meanOf(
          fibers(z.shape, [1]).map((idx) => {
            const r = idx.map((i) => z.v[i]);
            return -sumOf(idx.map((i, c) => w[c] * (0.8 * p.v[i] + 0.05) * (r[c] - lse(r))));
          }),
        ),
      ],
    },
  ];
}

interface Case {
  name: string;
  /** int: class indices in [0, int); values: these exact values (int32). */
  inputs: { shape: number[]; lo?: number; hi?: number; int?: number; values?: number[] }[];
  f: (...xs: Tensor[]) => Tensor;
  expected: (...xs: Arr[]) => number[];
}

const cases: Case[] = [
  {
    name: "softmax dim 1",
    inputs: [{ shape: [3, 5] }],
    f: (x) => F.softmax(x, 1),
    expected: (x) =>
      perFiber(x, 1, (r) => r.map((v) => Math.exp(v) / sumOf(r.map((u) => Math.exp(u))))),
  },
  {
    name: "softmax dim 0 of large logits",
    inputs: [{ shape: [4, 3], lo: -40, hi: 40 }],
    f: (x) => F.softmax(x, 0),
    expected: (x) => perFiber(x, 0, (r) => r.map((v) => Math.exp(v - lse(r)))),
  },
  {
    name: "logSoftmax",
    inputs: [{ shape: [2, 3, 4] }],
    f: (x) => F.logSoftmax(x, -1),
    expected: (x) => perFiber(x, 2, (r) => r.map((v) => v - lse(r))),
  },
  {
    name: "logsumexp",
    inputs: [{ shape: [3, 6], lo: -60, hi: 60 }],
    f: (x) => F.logsumexp(x, 1),
    expected: (x) => fibers(x.shape, [1]).map((idx) => lse(idx.map((i) => x.v[i]))),
  },
  {
    name: "mean over two dims",
    inputs: [{ shape: [2, 3, 4] }],
    f: (x) => F.mean(x, [0, 2], true),
    expected: (x) => fibers(x.shape, [0, 2]).map((idx) => meanOf(idx.map((i) => x.v[i]))),
  },
  {
    name: "variance (Bessel)",
    inputs: [{ shape: [4, 7] }],
    f: (x) => F.variance(x, 1),
    expected: (x) =>
      fibers(x.shape, [1]).map((idx) => {
        const r = idx.map((i) => x.v[i]);
        return sumOf(r.map((v) => (v - meanOf(r)) ** 2)) / (r.length - 1);
      }),
  },
  {
    name: "variance of everything, biased",
    inputs: [{ shape: [3, 4] }],
    f: (x) => F.variance(x, undefined, { correction: 0 }),
    expected: (x) => {
      const r = Array.from(x.v);
      return [sumOf(r.map((v) => (v - meanOf(r)) ** 2)) / r.length];
    },
  },
  {
    name: "std",
    inputs: [{ shape: [5, 3] }],
    f: (x) => F.std(x, 0, { keepdim: true }),
    expected: (x) =>
      fibers(x.shape, [0]).map((idx) => {
        const r = idx.map((i) => x.v[i]);
        return Math.sqrt(sumOf(r.map((v) => (v - meanOf(r)) ** 2)) / (r.length - 1));
      }),
  },
  {
    name: "flip",
    inputs: [{ shape: [2, 3, 4] }],
    f: (x) => F.flip(x, [0, 2]),
    expected: (x) => {
      const out: number[] = [];
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++)
          for (let k = 0; k < 4; k++) out.push(x.v[(1 - i) * 12 + j * 4 + (3 - k)]);
      return out;
    },
  },
  {
    name: "mseLoss",
    inputs: [{ shape: [3, 4] }, { shape: [3, 4] }],
    f: (x, y) => nn.mseLoss(x, y),
    expected: (x, y) => [meanOf(Array.from(x.v, (v, i) => (v - y.v[i]) ** 2))],
  },
  {
    name: "l1Loss sum",
    inputs: [{ shape: [7] }, { shape: [7] }],
    f: (x, y) => nn.l1Loss(x, y, { reduction: "sum" }),
    expected: (x, y) => [sumOf(Array.from(x.v, (v, i) => Math.abs(v - y.v[i])))],
  },
  {
    name: "crossEntropy, class indices",
    inputs: [{ shape: [4, 5] }, { shape: [4], int: 5 }],
    f: (z, t) => nn.crossEntropy(z, t),
    expected: (z, t) => [
      meanOf(fibers(z.shape, [1]).map((idx, n) => lse(idx.map((i) => z.v[i])) - z.v[idx[t.v[n]]])),
    ],
  },
  {
    name: "crossEntropy, label smoothing 0.2",
    inputs: [{ shape: [3, 4] }, { shape: [3], int: 4 }],
    f: (z, t) => nn.crossEntropy(z, t, { labelSmoothing: 0.2 }),
    expected: (z, t) => [
      meanOf(
        fibers(z.shape, [1]).map((idx, n) => {
          const r = idx.map((i) => z.v[i]);
          const q = r.map((_, c) => (c === t.v[n] ? 0.8 : 0) + 0.2 / 4);
          return -sumOf(r.map((v, c) => q[c] * (v - lse(r))));
        }),
      ),
    ],
  },
  {
    name: "crossEntropy, [N, C, d] per element",
    inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4], int: 3 }],
    f: (z, t) => nn.crossEntropy(z, t, { reduction: "none" }),
    expected: (z, t) =>
      fibers(z.shape, [1]).map((idx, k) => lse(idx.map((i) => z.v[i])) - z.v[idx[t.v[k]]]),
  },
  {
    name: "crossEntropy, soft targets",
    inputs: [{ shape: [3, 4] }, { shape: [3, 4], lo: 0, hi: 1 }],
    f: (z, p) => nn.crossEntropy(z, p, { reduction: "sum" }),
    expected: (z, p) => [
      sumOf(
        fibers(z.shape, [1]).map((idx) => {
          const r = idx.map((i) => z.v[i]);
          return -sumOf(idx.map((i, c) => p.v[i] * (r[c] - lse(r))));
        }),
      ),
    ],
  },
  ...ceCases(),
  {
    name: "binaryCrossEntropyWithLogits",
    inputs: [
      { shape: [6], lo: -4, hi: 4 },
      { shape: [6], lo: 0, hi: 1 },
    ],
    f: (x, y) => nn.binaryCrossEntropyWithLogits(x, y),
    expected: (x, y) => {
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      return [
        meanOf(
          Array.from(
            x.v,
            (v, i) => -y.v[i] * Math.log(sig(v)) - (1 - y.v[i]) * Math.log(1 - sig(v)),
          ),
        ),
      ];
    },
  },
  {
    name: "binaryCrossEntropyWithLogits, posWeight 3",
    inputs: [
      { shape: [5], lo: -4, hi: 4 },
      { shape: [5], lo: 0, hi: 1 },
    ],
    f: (x, y) => nn.binaryCrossEntropyWithLogits(x, y, { posWeight: 3, reduction: "sum" }),
    // torch: −[w·y·log σ(x) + (1 − y)·log(1 − σ(x))]; −log σ(x) = softplus(−x)
    expected: (x, y) => [
      sumOf(Array.from(x.v, (v, i) => 3 * y.v[i] * softplus(-v) + (1 - y.v[i]) * softplus(v))),
    ],
  },
  ...(["mean", "sum", "none"] as const).flatMap((reduction) =>
    (["l1", "squared"] as const).map(
      (kind): Case => ({
        name: `totalVariation ${kind} ${reduction}`,
        inputs: [{ shape: [2, 2, 3, 4] }],
        f: (x) => nn.totalVariation(x, { kind, reduction }),
        expected: (x) => {
          const f = kind === "l1" ? Math.abs : (d: number) => d * d;
          const at = (n: number, c: number, i: number, j: number) =>
            x.v[((n * 2 + c) * 3 + i) * 4 + j];
          const dh: number[][] = [[], []];
          const dw: number[][] = [[], []];
          for (let n = 0; n < 2; n++)
            for (let c = 0; c < 2; c++)
              for (let i = 0; i < 3; i++)
                for (let j = 0; j < 4; j++) {
                  if (i < 2) dh[n].push(f(at(n, c, i + 1, j) - at(n, c, i, j)));
                  if (j < 3) dw[n].push(f(at(n, c, i, j + 1) - at(n, c, i, j)));
                }
          if (reduction === "none") return [0, 1].map((n) => sumOf(dh[n]) + sumOf(dw[n]));
          if (reduction === "sum") return [sumOf(dh.flat()) + sumOf(dw.flat())];
          return [meanOf(dh.flat()) + meanOf(dw.flat())];
        },
      }),
    ),
  ),
  ...([undefined, "hw", "chw", 2.5] as const).map(
    (normalize): Case => ({
      name: `gram, normalize ${normalize}`,
      inputs: [{ shape: [2, 3, 2, 3] }],
      f: (x) => F.gram(x, { normalize }),
      expected: (x) => {
        const div =
          normalize === undefined ? 1 : normalize === "hw" ? 6 : normalize === "chw" ? 18 : 2.5;
        const out: number[] = [];
        for (let n = 0; n < 2; n++)
          for (let a = 0; a < 3; a++)
            for (let b = 0; b < 3; b++) {
              let s = 0;
              for (let p = 0; p < 6; p++) s += x.v[(n * 3 + a) * 6 + p] * x.v[(n * 3 + b) * 6 + p];
              out.push(s / div);
            }
        return out;
      },
    }),
  ),
];

const isInt = (s: Case["inputs"][number]) => s.int !== undefined || s.values !== undefined;

const seedOf = (name: string, j: number) =>
  [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261 + j) >>> 0;

function inputsOf(c: Case): Arr[] {
  return c.inputs.map((s, j) => {
    const r = rng(seedOf(c.name, j));
    const n = s.shape.reduce((a, b) => a * b, 1);
    const lo = s.lo ?? -2;
    const hi = s.hi ?? 2;
    const v = Float64Array.from(
      s.values ?? { length: n },
      (given) => given ?? (s.int ? Math.floor(r() * s.int) : lo + (hi - lo) * r()),
    );
    return { v, shape: s.shape };
  });
}

const make = (c: Case, arrs: Arr[], grad: boolean) =>
  arrs.map((a, j) =>
    tensor(a.v, {
      shape: a.shape,
      backend: "cpu",
      dtype: isInt(c.inputs[j]) ? "int32" : "float32",
      requiresGrad: grad && !isInt(c.inputs[j]),
    }),
  );

describe.each(cases)("$name", (c) => {
  test("value matches the formula written out by hand", async () => {
    const arrs = inputsOf(c);
    const got = await c.f(...make(c, arrs, false)).data64();
    const want = c.expected(...arrs);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => {
      expect(Math.abs(g - want[i]), `element ${i}: ${g} vs ${want[i]}`).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(want[i])),
      );
    });
  });

  test("gradient matches central finite differences", async () => {
    const arrs = inputsOf(c);
    const xs = make(c, arrs, true);
    const out = c.f(...xs);
    const r = rng(seedOf(c.name, 99));
    const w = tensor(
      Float64Array.from({ length: out.size }, () => r() * 2 - 1),
      {
        shape: out.shape,
        backend: "cpu",
      },
    );
    F.sum(F.mul(out, w)).backward();
    const dirs = arrs.map((a, j) =>
      Float64Array.from(a.v, () => (isInt(c.inputs[j]) ? 0 : r() * 2 - 1)),
    );
    let analytic = 0;
    for (const [j, x] of xs.entries()) {
      if (isInt(c.inputs[j])) continue;
      expect(x.grad, `input ${j} got no gradient`).not.toBeNull();
      (await x.grad!.data64()).forEach((g, i) => {
        analytic += g * dirs[j][i];
      });
    }
    const h = 1e-6;
    const lossAt = (sgn: number) => {
      const moved = arrs.map((a, j) => ({
        ...a,
        v: Float64Array.from(a.v, (v, i) => v + sgn * h * dirs[j][i]),
      }));
      return F.sum(F.mul(c.f(...make(c, moved, false)), w)).item();
    };
    const numeric = ((await lossAt(1)) - (await lossAt(-1))) / (2 * h);
    const scale = Math.max(1, Math.abs(numeric));
    expect(Math.abs(numeric - analytic), `numeric ${numeric} analytic ${analytic}`).toBeLessThan(
      1e-6 * scale,
    );
  });
});

test("crossEntropy says what is wrong with a weight or an ignoreIndex", () => {
  const z = tensor([[1, 2, 3]], { backend: "cpu" });
  const t = tensor([1], { backend: "cpu", dtype: "int32" });
  expect(() => nn.crossEntropy(z, t, { weight: tensor([1, 2], { backend: "cpu" }) })).toThrow(
    /weight must be float32 of shape \[3\], one per class/,
  );
  expect(() => nn.crossEntropy(z, t, { ignoreIndex: 0.5 })).toThrow(
    /ignoreIndex 0.5 is not an integer/,
  );
});
