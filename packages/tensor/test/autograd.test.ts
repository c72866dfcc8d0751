// The autograd driver: backward fills .grad, accumulation, only needed gradients, noGrad,
// detach, functional grad/valueAndGrad, broadcasting summed away, and clear misuse errors.

import { describe, expect, test } from "vitest";
import {
  add,
  backward,
  detach,
  engine,
  exp,
  grad,
  matmul,
  mul,
  noGrad,
  randn,
  sum,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from "../src/index.ts";
import { closeness, useBackends } from "./helpers.ts";

useBackends();

describe.each(["webgpu", "cpu"] as const)("%s", (backend) => {
  test("backward fills .grad of leaves, and accumulates across calls", async () => {
    const x = tensor([1, 2, 3], { backend, requiresGrad: true });
    sum(mul(x, x)).backward();
    expect(Array.from(await x.grad!.data())).toEqual([2, 4, 6]);
    sum(mul(x, 3)).backward();
    expect(Array.from(await x.grad!.data())).toEqual([5, 7, 9]);
  });

  test("broadcast inputs receive gradients of their own shape", async () => {
    const w = tensor([[1, 2, 3]], { backend, requiresGrad: true }); // [1, 3]
    const b = tensor(2, { backend, requiresGrad: true }); // []
    const x = tensor(
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      { backend },
    );
    sum(add(mul(x, w), b)).backward();
    expect(w.grad!.shape).toEqual([1, 3]);
    expect(Array.from(await w.grad!.data())).toEqual([3, 3, 3]);
    expect(b.grad!.shape).toEqual([]);
    expect(await b.grad!.item()).toBe(6);
  });

  test("a tensor used twice sums both paths", async () => {
    const x = tensor([2], { backend, requiresGrad: true });
    const y = mul(x, x); // x² → 2x
    sum(add(y, mul(y, x))).backward(); // x² + x³ → 2x + 3x²
    expect(await x.grad!.item()).toBe(16);
  });

  test("only needed gradients are computed", async () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { backend, requiresGrad: true },
    );
    const b = tensor(
      [
        [1, 0],
        [0, 1],
      ],
      { backend },
    ); // no grad wanted
    const prod = matmul(a, b);
    const node = prod.node!;
    const out = sum(prod);
    out.backward();
    expect(b.grad).toBeNull();
    expect(a.grad).not.toBeNull();
    // matmul's VJP for b was never built: its slot is null in the recorded node.
    expect(node.vjps[0]).not.toBeNull();
    expect(node.vjps[1]).toBeNull();
  });

  test("noGrad records nothing; detach cuts the graph", async () => {
    const x = tensor([1, 2], { backend, requiresGrad: true });
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const z = mul(detach(x), x);
    sum(z).backward();
    expect(Array.from(await x.grad!.data())).toEqual([1, 2]);
  });

  test("grad and valueAndGrad leave .grad alone and differentiate only their arguments", async () => {
    const w = tensor([0.5, -1], { backend, requiresGrad: true });
    const f = (x: typeof w, v: typeof w) => sum(mul(exp(x), v));
    const x = tensor([0, 1], { backend });
    const v = tensor([2, 3], { backend });
    const { value, grads } = valueAndGrad(f)(x, v);
    expect(await value.item()).toBeCloseTo(2 + 3 * Math.E, 5);
    const [gx, gv] = await Promise.all(grads.map((g) => g.data()));
    expect(closeness(gx, [2, 3 * Math.E]).ok).toBe(true);
    expect(closeness(gv, [1, Math.E]).ok).toBe(true);
    const [only] = grad(f, [1])(x, v);
    expect(closeness(await only.data(), [1, Math.E]).ok).toBe(true);
    expect(w.grad).toBeNull();
  });

  test("valueAndGrad gives zeros for an argument the function does not use", async () => {
    const f = (x: Tensor, _unused: Tensor) => sum(mul(x, x));
    const x = tensor([1, -2, 3], { backend });
    const u = tensor([[5, 6]], { backend });
    const { value, grads } = valueAndGrad(f)(x, u);
    expect(await value.item()).toBeCloseTo(14, 5);
    expect(Array.from(await grads[0].data())).toEqual([2, -4, 6]);
    expect(grads[1].shape).toEqual([1, 2]);
    expect(Array.from(await grads[1].data())).toEqual([0, 0]);
    const [only] = grad(f, [1])(x, u);
    expect(Array.from(await only.data())).toEqual([0, 0]);
  });

  test("backward of a non-scalar needs an explicit gradient", () => {
    const x = tensor([1, 2], { backend, requiresGrad: true });
    expect(() => mul(x, 2).backward()).toThrow(/one-element output or an explicit gradient/);
    mul(x, 2).backward({ grad: tensor([1, 1], { backend }) });
  });

  test("backward through a disposed intermediate says which tensor is gone", () => {
    const x = tensor([1, 2], { backend, requiresGrad: true });
    const y = exp(x);
    const loss = sum(mul(y, y));
    y.dispose();
    expect(() => loss.backward()).toThrow(/was used after dispose/);
  });

  test("backward inside tidy frees its intermediates and keeps the grads", async () => {
    const w = randn([8, 8], { backend, seed: 3, requiresGrad: true });
    const x = randn([4, 8], { backend, seed: 4 });
    const before = engine.memory().tensors;
    tidy(() => {
      backward(sum(matmul(x, w).relu()));
    });
    expect(w.grad).not.toBeNull();
    expect(engine.memory().tensors).toBe(before + 1); // the grad, owned by w
  });
});
