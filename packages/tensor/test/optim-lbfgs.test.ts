// L-BFGS: the Rosenbrock valley (minimum at (1, 1)) with and without the strong-Wolfe line
// search, on the float64 cpu oracle and on WebGPU (float32); the line search's cubic step.

import { describe, expect, test } from "vitest";
import {
  type BackendKind,
  engine,
  narrow,
  optim,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
} from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

/** f(x, y) = (1 − x)² + 100·(y − x²)² */
function rosenbrock(p: Tensor): Tensor {
  const x = narrow(p, 0, 0, 1);
  const y = narrow(p, 0, 1, 1);
  return square(sub(1, x))
    .add(square(sub(y, square(x))).mul(100))
    .sum();
}

async function minimise(backend: BackendKind, lineSearchFn: "strong_wolfe" | null) {
  const p = tensor([-1.2, 1], { backend, requiresGrad: true });
  const opt = new optim.LBFGS([p], { lr: 1, maxIter: 200, historySize: 10, lineSearchFn });
  // The closure recomputes loss and gradients; backward runs inside the forward's tidy(),
  // which frees the graph's intermediates once the gradients exist.
  const closure = () => {
    opt.zeroGrad();
    return tidy(() => {
      const loss = rosenbrock(p);
      loss.backward();
      return loss;
    });
  };
  const first = await opt.step(closure);
  const last = await opt.step(closure);
  const at = Array.from(await p.data64());
  const stats = { iters: opt.nIter, evals: opt.funcEvals };
  opt.zeroGrad();
  opt.dispose();
  p.dispose();
  return { first, last, at, ...stats };
}

describe.each(["cpu", "webgpu"] as const)("L-BFGS on Rosenbrock (%s)", (backend) => {
  // Both stop when the loss changes by less than toleranceChange (1e-9), about 1e-6 from the
  // minimum (measured: cpu 2e-6, webgpu 1.5e-5). float32 rounding makes the webgpu path
  // adapter-dependent, so its bound has more margin.
  const tol = backend === "cpu" ? 1e-5 : 1e-3;

  test.each([null, "strong_wolfe"] as const)("line search %s reaches (1, 1)", async (ls) => {
    const before = engine.memory().tensors;
    const r = await minimise(backend, ls);
    expect(r.first).toBeCloseTo(24.2, 4); // f(−1.2, 1) = 2.2² + 100·0.44² = 4.84 + 19.36
    expect(Math.abs(r.at[0] - 1)).toBeLessThan(tol);
    expect(Math.abs(r.at[1] - 1)).toBeLessThan(tol);
    expect(r.last).toBeLessThan(1e-5);
    // Nothing the optimizer made outlives it.
    expect(engine.memory().tensors).toBe(before);
    console.log(`${backend} ${ls}: ${r.iters} iterations, ${r.evals} evaluations, at ${r.at}`);
  });
});

describe("cubicInterpolate", () => {
  test("finds the minimum of a cubic from two points and slopes", () => {
    // f(x) = x³ − 3x has its local minimum at x = 1: f(0) = 0, f'(0) = −3, f(2) = 2, f'(2) = 9
    expect(optim.cubicInterpolate(0, 0, -3, 2, 2, 9)).toBeCloseTo(1, 12);
    expect(optim.cubicInterpolate(2, 2, 9, 0, 0, -3)).toBeCloseTo(1, 12);
    // A quadratic (x − 0.3)²: the cubic through it is the quadratic itself.
    const f = (x: number) => (x - 0.3) ** 2;
    const g = (x: number) => 2 * (x - 0.3);
    expect(optim.cubicInterpolate(0, f(0), g(0), 1, f(1), g(1))).toBeCloseTo(0.3, 12);
    // Clamped to the bounds.
    expect(optim.cubicInterpolate(0, 0, -3, 2, 2, 9, [1.5, 3])).toBe(1.5);
  });

  test("strongWolfe returns a step meeting both conditions on a 1-D quadratic", async () => {
    // φ(t) = (t − 2)², φ'(0) = −4: the exact minimiser t = 2 satisfies both conditions.
    const phi = async (t: number) => ({ f: (t - 2) ** 2, g: t, gtd: 2 * (t - 2) });
    const r = await optim.strongWolfe(phi, 0.5, { f: 4, g: 0, gtd: -4 }, 1);
    expect(r.f).toBeLessThanOrEqual(4 + 1e-4 * r.t * -4);
    expect(Math.abs(r.gtd)).toBeLessThanOrEqual(0.9 * 4);
  });
});
