// Elementwise ops: a WGSL expression for the fused forward and a one-line VJP per input.
// In the WGSL, x, y, z are the arguments and T their compute type (f32 or i32).
// The cpu oracle has its own scalar rules (backend/cpu/scalar.ts), never derived from these.

import { zeros } from "../create.ts";
import type { Tensor } from "../tensor.ts";
import type { BinaryAttrs, UnaryAttrs } from "./attrs.ts";
import {
  add,
  cast,
  cos,
  div,
  eq,
  gt,
  log,
  lt,
  mul,
  neg,
  pow,
  sign,
  sin,
  square,
  sub,
  where,
} from "./call.ts";
import type { ElementwiseDef, OpDef, Vjp } from "./types.ts";

type Extra<A> = Partial<Pick<ElementwiseDef<A>, "ints" | "mask" | "scalars">>;

function unary<A>(wgsl: string, vjp: Vjp<A> | null, extra: Extra<A> = {}): ElementwiseDef<A> {
  return { kind: "elementwise", arity: 1, wgsl, vjp: vjp ? [vjp] : null, ...extra };
}

function binary<A>(
  wgsl: string,
  vjp: [Vjp<A>, Vjp<A>] | null,
  extra: Extra<A> = {},
): ElementwiseDef<A> {
  return { kind: "elementwise", arity: 2, wgsl, vjp, ...extra };
}

/** Where x and y tie, each gets half the gradient (as PyTorch's maximum does). */
const tieShare = (x: Tensor, y: Tensor, pick: Tensor) => add(pick, mul(eq(x, y), 0.5));

export const unaryOps: { [K in keyof UnaryAttrs]: OpDef<UnaryAttrs[K]> } = {
  // d/dx -x = -1
  neg: unary("-x", (g) => neg(g), { ints: true }),
  // d/dx |x| = sign(x)
  abs: unary("abs(x)", (g, { x }) => mul(g, sign(x)), { ints: true }),
  // sign is flat almost everywhere: no gradient flows
  sign: unary("sign(x)", null, { ints: true }),
  // d/dx e^x = e^x
  exp: unary("exp(x)", (g, { out }) => mul(g, out)),
  // d/dx ln x = 1/x
  log: unary("log(x)", (g, { x }) => div(g, x)),
  // d/dx √x = 1 / (2√x)
  sqrt: unary("sqrt(x)", (g, { out }) => div(g, mul(out, 2))),
  // d/dx x^(-1/2) = -1/2 · x^(-3/2) = -1/2 · out³
  rsqrt: unary("inverseSqrt(x)", (g, { out }) => mul(g, mul(pow(out, 3), -0.5))),
  // d/dx sin x = cos x
  sin: unary("sin(x)", (g, { x }) => mul(g, cos(x))),
  // d/dx cos x = -sin x
  cos: unary("cos(x)", (g, { x }) => neg(mul(g, sin(x)))),
  // d/dx tanh x = 1 - tanh² x. The clamp keeps drivers that compute tanh as a ratio of
  // exponentials from returning inf/inf = NaN; tanh(±15) is ±1 in float32 anyway.
  tanh: unary("tanh(clamp(x, -15.0, 15.0))", (g, { out }) => mul(g, sub(1, square(out)))),
  // d/dx σ(x) = σ(x)(1 - σ(x))
  sigmoid: unary("1.0 / (1.0 + exp(-x))", (g, { out }) => mul(g, mul(out, sub(1, out)))),
  // d/dx max(x, 0) = [x > 0]
  relu: unary("max(x, T(0))", (g, { x }) => mul(g, gt(x, 0)), { ints: true }),
  // d/dx = 1 where x > 0, alpha elsewhere
  leakyRelu: unary(
    "select(alpha * x, x, x > 0.0)",
    (g, { x, attrs }) => mul(g, where(gt(x, 0), 1, attrs.alpha)),
    { scalars: (a) => ({ alpha: a.alpha }) },
  ),
  // d/dx x² = 2x
  square: unary("x * x", (g, { x }) => mul(g, mul(x, 2)), { ints: true }),
  // floor is flat almost everywhere
  floor: unary("floor(x)", null),
  // the identity: materialises a view into fresh memory
  copy: unary("x", (g) => g, { ints: true }),
  // To a float type the gradient passes through, in the input's type. To int32 the value is
  // truncated, which is flat almost everywhere: the gradient is 0 (PyTorch gives none at all,
  // since an integer tensor cannot require grad; 0 is what finite differences see).
  cast: unary(
    "O(x)",
    (g, { x, out }) => (out.dtype === "int32" ? zeros(x.shape, { like: x }) : cast(g, x.dtype)),
    { ints: true },
  ),
};

export const binaryOps: { [K in keyof BinaryAttrs]: OpDef<BinaryAttrs[K]> } = {
  add: binary("x + y", [(g) => g, (g) => g], { ints: true }),
  sub: binary("x - y", [(g) => g, (g) => neg(g)], { ints: true }),
  // d/dx xy = y, d/dy xy = x
  mul: binary("x * y", [(g, { y }) => mul(g, y), (g, { x }) => mul(g, x)], { ints: true }),
  // d/dx x/y = 1/y, d/dy x/y = -x/y² = -out/y
  div: binary("x / y", [(g, { y }) => div(g, y), (g, { y, out }) => neg(div(mul(g, out), y))]),
  maximum: binary(
    "max(x, y)",
    [
      (g, { x, y }) => mul(g, tieShare(x, y, gt(x, y))),
      (g, { x, y }) => mul(g, tieShare(x, y, lt(x, y))),
    ],
    { ints: true },
  ),
  minimum: binary(
    "min(x, y)",
    [
      (g, { x, y }) => mul(g, tieShare(x, y, lt(x, y))),
      (g, { x, y }) => mul(g, tieShare(x, y, gt(x, y))),
    ],
    { ints: true },
  ),
  // d/dx x^y = y·x^(y-1); d/dy x^y = x^y·ln x, taken as 0 where x ≤ 0 (no real logarithm)
  pow: binary("pow_(x, y)", [
    (g, { x, y }) => mul(g, mul(y, pow(x, sub(y, 1)))),
    (g, { x, out }) => mul(g, mul(out, log(where(gt(x, 0), x, 1)))),
  ]),
  eq: binary("select(0.0, 1.0, x == y)", null, { ints: true, mask: true }),
  ne: binary("select(0.0, 1.0, x != y)", null, { ints: true, mask: true }),
  lt: binary("select(0.0, 1.0, x < y)", null, { ints: true, mask: true }),
  le: binary("select(0.0, 1.0, x <= y)", null, { ints: true, mask: true }),
  gt: binary("select(0.0, 1.0, x > y)", null, { ints: true, mask: true }),
  ge: binary("select(0.0, 1.0, x >= y)", null, { ints: true, mask: true }),
};

/** where(cond, a, b): a where cond ≠ 0, else b. The condition is cast to the value type. */
export const whereOp: OpDef<Record<string, never>> = {
  kind: "elementwise",
  arity: 3,
  wgsl: "select(z, y, x != T(0))",
  ints: true,
  vjp: [null, (g, { x }) => where(x, g, 0), (g, { x }) => where(x, 0, g)],
};
