// The toy GAN's losses and penalties against independent values: each loss against its formula
// computed in plain float64 JavaScript, the discriminator's hand-written input gradient against
// central differences, the gradient penalty's parameter gradient (a second derivative the
// engine gets from first-order autograd through inputGrad) against finite differences on the
// float64 cpu backend, and WebGPU against cpu at float32 tolerance.

import { type BackendKind, backward, nn, noGrad, type Tensor, tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import {
  dLoss,
  GAN_LOSSES,
  type GanLoss,
  gLoss,
  gradientPenalty,
  Mlp,
  type MlpShape,
  r1Penalty,
} from "../src/index.ts";
import { maxAbsDiff, useWebGPU } from "./helpers.ts";

useWebGPU();

const cpu = { backend: "cpu" as BackendKind };
const sig = (t: number) => 1 / (1 + Math.exp(-t));
const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

// The formulas once more, as the papers write them, on plain numbers.
function lossByHand(loss: GanLoss, dr: number[], df: number[]): [number, number] {
  const relu = (t: number) => Math.max(t, 0);
  const bce = avg(dr.map((t) => -Math.log(sig(t)))) + avg(df.map((t) => -Math.log(1 - sig(t))));
  switch (loss) {
    case "minimax":
      return [bce, avg(df.map((t) => Math.log(1 - sig(t))))];
    case "ns":
    case "r1":
      return [bce, avg(df.map((t) => -Math.log(sig(t))))];
    case "ls":
      return [
        0.5 * avg(dr.map((t) => (t - 1) ** 2)) + 0.5 * avg(df.map((t) => t * t)),
        0.5 * avg(df.map((t) => (t - 1) ** 2)),
      ];
    case "hinge":
      return [avg(dr.map((t) => relu(1 - t))) + avg(df.map((t) => relu(1 + t))), -avg(df)];
    case "wgan":
    case "wgan-gp":
      return [avg(df) - avg(dr), -avg(df)];
  }
}

const dr = [2.5, -0.3, 0.9, -4, 0.05, 1.7];
const df = [-1.2, 0.4, -3, 2.2, 0.7, -0.05];

describe("toy GAN losses", () => {
  it("match their formulas on float64 cpu and WebGPU", async () => {
    for (const loss of GAN_LOSSES) {
      const [wantD, wantG] = lossByHand(loss, dr, df);
      for (const backend of ["cpu", "webgpu"] as BackendKind[]) {
        const r = tensor(dr, { backend });
        const f = tensor(df, { backend });
        const tol = backend === "cpu" ? 12 : 5;
        expect(await dLoss(loss, r, f).item(), `${loss} D on ${backend}`).toBeCloseTo(wantD, tol);
        expect(await gLoss(loss, f).item(), `${loss} G on ${backend}`).toBeCloseTo(wantG, tol);
      }
    }
    // softplus form: no overflow at huge logits, where log(1 − σ(t)) of floats would be −∞.
    expect(await dLoss("ns", tensor([200]), tensor([-200])).item()).toBeCloseTo(0, 6);
    expect(await gLoss("ns", tensor([-200])).item()).toBeCloseTo(200, 3);
  });
});

/** D(x) for one point, on the host (float64 cpu tensors), for finite differences. */
async function dAt(d: Mlp, x: number, y: number): Promise<number> {
  return noGrad(() => d.forward(tensor([[x, y]], cpu))).item();
}

const shapes: MlpShape[] = [
  { depth: 2, width: 8, activation: "tanh" },
  { depth: 2, width: 8, activation: "leaky" },
  { depth: 1, width: 6, activation: "relu" },
];

const points = [0.3, -0.7, 1.1, 0.25, -0.4, -0.9, 0.05, 1.6];

describe("the discriminator's input gradient", () => {
  it("equals central differences of D, per sample (float64)", async () => {
    for (const shape of shapes) {
      const d = new Mlp(2, 1, shape, { seed: 3, backend: "cpu" });
      const x = tensor(points, { shape: [4, 2], ...cpu });
      const gx = await noGrad(() => d.inputGrad(x).gx).data64();
      const h = 1e-6;
      for (let i = 0; i < 4; i++) {
        const [a, b] = [points[2 * i], points[2 * i + 1]];
        const fx = ((await dAt(d, a + h, b)) - (await dAt(d, a - h, b))) / (2 * h);
        const fy = ((await dAt(d, a, b + h)) - (await dAt(d, a, b - h))) / (2 * h);
        expect(gx[2 * i], `${shape.activation} ∂x`).toBeCloseTo(fx, 7);
        expect(gx[2 * i + 1], `${shape.activation} ∂y`).toBeCloseTo(fy, 7);
      }
      d.dispose();
    }
  });
});

type Penalty = (d: Mlp, backend: BackendKind) => Tensor;

const real = [1.9, 0.1, -0.2, 2.1, -1.4, -1.5, 0.6, -1.8];
const fake = [0.2, 0.3, -0.6, 0.9, 0.1, -0.5, 1.2, 0.4];
const alpha = [0.1, 0.55, 0.8, 0.35];
const gp: Penalty = (d, backend) =>
  gradientPenalty(
    d,
    tensor(real, { shape: [4, 2], backend }),
    tensor(fake, { shape: [4, 2], backend }),
    tensor(alpha, { shape: [4, 1], backend }),
    10,
  );
const r1: Penalty = (d, backend) => r1Penalty(d, tensor(real, { shape: [4, 2], backend }), 10);

/** Finite differences of a penalty along one random direction over all of D's parameters. */
async function directional(d: Mlp, penalty: Penalty, dirs: Float64Array[], h: number) {
  const params = d.parameters();
  const base = await Promise.all(params.map((p) => p.data64()));
  const at = async (s: number) => {
    noGrad(() => {
      params.forEach((p, k) => {
        const v = base[k].map((b, j) => b + s * h * dirs[k][j]);
        nn.assign(p, tensor(v, { shape: p.shape, ...cpu }));
      });
    });
    return noGrad(() => penalty(d, "cpu")).item();
  };
  const fd = ((await at(1)) - (await at(-1))) / (2 * h);
  await at(0);
  return fd;
}

describe("gradient penalties (second derivatives through inputGrad)", () => {
  for (const [name, penalty] of [
    ["WGAN-GP", gp],
    ["R1", r1],
  ] as const) {
    it(`${name}: value by hand, parameter gradient by finite differences, WebGPU = cpu`, async () => {
      const shape: MlpShape = { depth: 2, width: 8, activation: "tanh" };
      const d = new Mlp(2, 1, shape, { seed: 5, backend: "cpu" });
      // The value, from central-difference gradients of D at each point.
      const h = 1e-6;
      const per: number[] = [];
      for (let i = 0; i < 4; i++) {
        const [rx, ry] = [real[2 * i], real[2 * i + 1]];
        const a = alpha[i];
        const [x, y] =
          name === "R1"
            ? [rx, ry]
            : [a * rx + (1 - a) * fake[2 * i], a * ry + (1 - a) * fake[2 * i + 1]];
        const gx = ((await dAt(d, x + h, y)) - (await dAt(d, x - h, y))) / (2 * h);
        const gy = ((await dAt(d, x, y + h)) - (await dAt(d, x, y - h))) / (2 * h);
        const n2 = gx * gx + gy * gy;
        per.push(name === "R1" ? 5 * n2 : 10 * (Math.sqrt(n2) - 1) ** 2);
      }
      const value = penalty(d, "cpu");
      expect(await value.item()).toBeCloseTo(avg(per), 6);
      // ∂penalty/∂θ from the engine's autograd, along a random direction, vs differences.
      d.zeroGrad();
      backward(value);
      const dirs = d
        .parameters()
        .map((p, k) =>
          Float64Array.from({ length: p.size }, (_, j) => Math.sin(12.9898 * (j + 1) + 78.233 * k)),
        );
      // The output bias does not move ∇ₓD: it gets no gradient at all (null), i.e. zeros.
      const grads = await Promise.all(
        d.parameters().map(async (p) => (p.grad ? p.grad.data64() : new Float64Array(p.size))),
      );
      expect(d.layers.at(-1)!.bias!.grad).toBeNull();
      const analytic = grads.reduce(
        (s, g, k) => s + g.reduce((t, v, j) => t + v * dirs[k][j], 0),
        0,
      );
      const fd = await directional(d, penalty, dirs, 1e-5);
      expect(Math.abs(analytic)).toBeGreaterThan(1e-3); // the check is not vacuous
      expect(Math.abs(analytic - fd) / Math.abs(fd)).toBeLessThan(1e-5);
      // The same network on WebGPU: same seeded weights, float32 values and gradients.
      const dg = new Mlp(2, 1, shape, { seed: 5 });
      const vg = penalty(dg, "webgpu");
      expect(await vg.item()).toBeCloseTo(await penalty(d, "cpu").item(), 4);
      dg.zeroGrad();
      backward(vg);
      for (const [k, p] of dg.parameters().entries()) {
        const want = grads[k];
        const got = p.grad ? await p.grad.data() : new Float32Array(p.size);
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        expect(maxAbsDiff(got, want) / scale, `param ${k}`).toBeLessThan(1e-4);
      }
      d.dispose();
      dg.dispose();
    });
  }
});
