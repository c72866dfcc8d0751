// First-order optimizers against their update formulas, worked by hand for three steps on
// the loss ½·Σp² (so the gradient is g = p), with momentum and weight decay on; then the
// optimizer contract: parameter identity, state lifetime, groups, clipping and schedules.

import { describe, expect, test } from "vitest";
import {
  type BackendKind,
  engine,
  mul,
  optim,
  square,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

/** Three steps on ½·Σp² from p = [1, −2]; the parameter after each step. */
async function run(make: (p: Tensor) => { step(): void; dispose(): void }, backend: BackendKind) {
  const p = tensor([1, -2], { backend, requiresGrad: true });
  const opt = make(p);
  const seen: number[][] = [];
  for (let i = 0; i < 3; i++) {
    p.grad?.dispose();
    p.grad = null;
    tidy(() => mul(sum(square(p)), 0.5).backward());
    opt.step();
    seen.push(Array.from(await p.data64()));
  }
  opt.dispose();
  p.dispose();
  return seen;
}

function expectSteps(got: number[][], want: number[][], digits = 5) {
  for (const [i, row] of got.entries()) {
    for (const [j, v] of row.entries()) expect(v).toBeCloseTo(want[i][j], digits);
  }
}

describe.each(["webgpu", "cpu"] as const)("formulas on %s", (backend) => {
  test("SGD, momentum 0.9, dampening 0.5, weight decay 0.1, lr 0.1", async () => {
    // g' = g + 0.1·p = 1.1·p;  b = g' (t = 1), b = 0.9·b + 0.5·g' (t > 1);  p ← p − 0.1·b
    // p = 1:  t=1: g' = 1.1,      b = 1.1,                          p = 1 − 0.11 = 0.89
    //         t=2: g' = 0.979,    b = 0.99 + 0.4895 = 1.4795,       p = 0.89 − 0.14795 = 0.74205
    //         t=3: g' = 0.816255, b = 1.33155 + 0.4081275 = 1.7396775, p = 0.56808225
    // The update is linear in p, so p = −2 follows −2× the same path.
    const got = await run(
      (p) => new optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.1 }),
      backend,
    );
    expectSteps(got, [
      [0.89, -1.78],
      [0.74205, -1.4841],
      [0.56808225, -1.1361645],
    ]);
  });

  test("SGD, Nesterov momentum 0.9, weight decay 0.1, lr 0.1", async () => {
    // g' = 1.1·p; b = 0.9·b + g'; step along g' + 0.9·b
    // p = 1: t=1: g' = 1.1, b = 1.1, g' + 0.9·b = 2.09, p = 1 − 0.209 = 0.791
    //        t=2: g' = 0.8701, b = 0.99 + 0.8701 = 1.8601, step 0.8701 + 1.67409 = 2.54419,
    //             p = 0.791 − 0.254419 = 0.536581
    //        t=3: p = 0.273767471
    const got = await run(
      (p) => new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
      backend,
    );
    expectSteps(got, [
      [0.791, -1.582],
      [0.536581, -1.073162],
      [0.273767471, -0.547534942],
    ]);
  });

  test("Adam, coupled weight decay 0.1, lr 0.1", async () => {
    // g' = 1.1·p; m = 0.9·m + 0.1·g'; v = 0.999·v + 0.001·g'²
    // t=1 (p = 1): m = 0.11, v = 0.00121; m̂ = m/0.1 = 1.1, v̂ = v/0.001 = 1.21,
    //              p = 1 − 0.1 · 1.1/(1.1 + 1e−8) = 0.9 (the first Adam step is lr·sign(g))
    // t=2, t=3: the same formulas with bias corrections 1 − 0.9ᵗ and 1 − 0.999ᵗ.
    const got = await run((p) => new optim.Adam([p], { lr: 0.1, weightDecay: 0.1 }), backend);
    expectSteps(got, [
      [0.9, -1.9],
      [0.80041223, -1.800166487],
      [0.701586274, -1.700623393],
    ]);
  });

  test("AdamW, decoupled weight decay 0.1, lr 0.1", async () => {
    // p ← p·(1 − 0.1·0.1) first, then the Adam step on g = p (decay not in the moments)
    // t=1 (p = 1): 0.99 − 0.1 · 1/(1 + 1e−8) = 0.89
    const got = await run((p) => new optim.AdamW([p], { lr: 0.1, weightDecay: 0.1 }), backend);
    expectSteps(got, [
      [0.89, -1.88],
      [0.781571857, -1.761408951],
      [0.675101223, -1.644368684],
    ]);
  });

  test("Adam with AMSGrad, β₂ = 0.5 (v shrinks, so the running max matters), lr 0.5", async () => {
    // t=1: p = 1 − 0.5 = 0.5 for both variants. t=2 (p = 1): v = 0.5·0.5 + 0.5·0.25 = 0.375
    // < v_max = 0.5, so AMSGrad divides by √(0.5/0.75) instead of √(0.375/0.75).
    const ams = await run(
      (p) => new optim.Adam([p], { lr: 0.5, betas: [0.9, 0.5], amsgrad: true }),
      backend,
    );
    expectSteps(ams, [
      [0.5, -1.5],
      [0.048778214, -0.984081023],
      [-0.270659207, -0.515946323],
    ]);
    const plain = await run((p) => new optim.Adam([p], { lr: 0.5, betas: [0.9, 0.5] }), backend);
    expectSteps(plain, [
      [0.5, -1.5],
      [-0.021026037, -0.984081023],
      [-0.514552479, -0.435366856],
    ]);
  });

  test("RMSprop, centered, momentum 0.5, weight decay 0.1, α 0.9, lr 0.01", async () => {
    // g' = 1.1·p; s = 0.9·s + 0.1·g'²; ḡ = 0.9·ḡ + 0.1·g'; a = √(s − ḡ²) + ε; b = 0.5·b + g'/a
    // t=1 (p = 1): s = 0.121, ḡ = 0.11, a = √(0.121 − 0.0121) = 0.33, b = 1.1/0.33 = 3.333…,
    //              p = 1 − 0.01·3.333… = 0.966666667
    const got = await run(
      (p) =>
        new optim.RMSprop([p], {
          lr: 0.01,
          alpha: 0.9,
          centered: true,
          momentum: 0.5,
          weightDecay: 0.1,
        }),
      backend,
    );
    expectSteps(got, [
      [0.966666668, -1.966666667],
      [0.924923478, -1.924713487],
      [0.882418367, -1.881660232],
    ]);
  });

  test("RMSprop, plain, α 0.9, lr 0.01", async () => {
    // t=1 (p = 1): s = 0.1, p = 1 − 0.01 · 1/√0.1 = 0.968377224
    const got = await run((p) => new optim.RMSprop([p], { lr: 0.01, alpha: 0.9 }), backend);
    expectSteps(got, [
      [0.968377224, -1.968377224],
      [0.945788026, -1.945609637],
      [0.9270531, -1.926633683],
    ]);
  });
});

describe("the optimizer contract", () => {
  test("parameters keep their identity; state is freed by dispose()", async () => {
    const p = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const before = engine.memory();
    const opt = new optim.Adam([p], { lr: 0.1 });
    tidy(() => sum(square(p)).backward());
    opt.step();
    expect(opt.params()[0]).toBe(p);
    expect(p.grad).not.toBeNull();
    p.grad?.dispose();
    p.grad = null;
    // Two moments live on (m and v); dispose frees them.
    expect(engine.memory().tensors).toBe(before.tensors + 2);
    opt.dispose();
    expect(engine.memory().tensors).toBe(before.tensors);
    p.dispose();
  });

  test("parameter groups take their own options; zeroGrad drops the gradients", async () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    tidy(() =>
      sum(mul(a, 1))
        .add(sum(mul(b, 1)))
        .backward(),
    );
    opt.step();
    expect((await a.data())[0]).toBeCloseTo(0.9, 6);
    expect((await b.data())[0]).toBeCloseTo(0.5, 6);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  test("bad arguments are refused", () => {
    const p = tensor([1], { requiresGrad: true });
    const q = tensor([1]);
    expect(() => new optim.SGD([q])).toThrow(/does not require grad/);
    expect(() => new optim.SGD([p, p])).toThrow(/appears twice/);
    expect(() => new optim.SGD([p], { nesterov: true })).toThrow(/Nesterov/);
    expect(() => new optim.SGD([])).toThrow(/empty/);
    p.dispose();
    q.dispose();
  });
});

describe("gradient clipping", () => {
  test("clipGradNorm_ scales every gradient by maxNorm / total norm", async () => {
    const a = tensor([3, 0], { requiresGrad: true });
    const b = tensor([4], { requiresGrad: true });
    // grads: 2·a = [6, 0], 2·b = [8]: total L2 norm √(36 + 64) = 10
    tidy(() =>
      sum(square(a))
        .add(sum(square(b)))
        .backward(),
    );
    const n = optim.clipGradNorm_([a, b], 5);
    expect(await n.item()).toBeCloseTo(10, 5);
    // scale 5 / (10 + 1e-6)
    expect(Array.from(await a.grad!.data())).toEqual([expect.closeTo(3, 5), 0]);
    expect((await b.grad!.data())[0]).toBeCloseTo(4, 5);
    // Under the limit nothing changes; the ∞-norm is the largest |g|.
    const inf = optim.clipGradNorm_([a, b], 100, Number.POSITIVE_INFINITY);
    expect(await inf.item()).toBeCloseTo(4, 5);
    expect((await b.grad!.data())[0]).toBeCloseTo(4, 5);
    optim.clipGradValue_([a, b], 1);
    expect(Array.from(await a.grad!.data())).toEqual([1, 0]);
    for (const t of [n, inf, a, b]) t.dispose();
  });
});

describe("learning-rate schedules", () => {
  const make = (lr: number) => {
    const p = tensor([1], { requiresGrad: true });
    return { p, opt: new optim.SGD([p], { lr }) };
  };

  test("StepLR: lr · γ^⌊epoch / stepSize⌋", () => {
    const { p, opt } = make(1);
    const s = new optim.StepLR(opt, 2, 0.5);
    const lrs = [opt.paramGroups[0].lr];
    for (let i = 0; i < 5; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    p.dispose();
  });

  test("CosineAnnealingLR: η_min + (base − η_min)(1 + cos(π·t/T))/2", () => {
    const { p, opt } = make(1);
    const s = new optim.CosineAnnealingLR(opt, 4, 0.2);
    const lrs: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    // t = 1: 0.2 + 0.8·(1 + cos(π/4))/2 = 0.2 + 0.4·1.7071 = 0.88284; t = 2: 0.6; t = 4: 0.2
    expect(lrs[0]).toBeCloseTo(0.882843, 5);
    expect(lrs[1]).toBeCloseTo(0.6, 10);
    expect(lrs[2]).toBeCloseTo(0.317157, 5);
    expect(lrs[3]).toBeCloseTo(0.2, 10);
    p.dispose();
  });

  test("LambdaLR: lr · λ(epoch), applied from epoch 0 (warm-up)", () => {
    const { p, opt } = make(0.1);
    const s = new optim.LambdaLR(opt, (e) => Math.min(1, (e + 1) / 3));
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1 / 3, 12);
    s.step();
    s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(0.1, 12);
    p.dispose();
  });
});
