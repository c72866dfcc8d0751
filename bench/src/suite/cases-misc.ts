// Matmul, reduction and elementwise cases. Elementwise rows are written as a user would write
// them: our engine fuses a chain into one kernel, TF.js runs one kernel per op.

import { add, matmul, max, mul, relu, sigmoid, softmax, sum } from "@sheep/tensor";
import { matmulModel } from "../peers/onnx.ts";
import { type KernelCase, TOL } from "./case.ts";
import { fmtShape, uniform } from "./data.ts";

/** C[M, N] = A[M, K] · B[K, N]: 2·M·N·K FLOPs. */
export function matmulCase(m: number, k: number, n: number, label?: string): KernelCase {
  return {
    family: "matmul",
    name: label ?? `matmul ${m}×${k}×${n}`,
    shape: `a ${fmtShape([m, k])}, b ${fmtShape([k, n])}`,
    flops: 2 * m * n * k,
    bytes: 4 * (m * k + k * n + m * n),
    tol: TOL,
    inputs: () => [
      { shape: [m, k], data: uniform(m * k, 6) },
      { shape: [k, n], data: uniform(k * n, 7) },
    ],
    ours: ([a, b]) => matmul(a, b),
    tfjs: { inputs: (h) => h, run: (tf, [a, b]) => tf.matMul(a as never, b as never) },
    ort: { model: () => matmulModel(m, k, n), names: ["A", "B"], output: "C" },
  };
}

type ReduceKind = "sum all" | "sum rows" | "max cols" | "softmax rows";

/** Reductions over [rows, cols] (uniform in [0, 1), so float32 sums stay accurate). */
export function reduceCase(kind: ReduceKind, rows: number, cols: number): KernelCase {
  const n = rows * cols;
  const outLen =
    kind === "sum all" ? 1 : kind === "sum rows" ? rows : kind === "max cols" ? cols : n;
  const shape = kind === "sum all" ? [n] : [rows, cols];
  return {
    family: "reduce",
    name: `${kind} ${fmtShape(shape)}`,
    shape: `x ${fmtShape(shape)}`,
    // softmax: max, subtract, exp, sum, divide ≈ 5 per element; the others one per element.
    flops: kind === "softmax rows" ? 5 * n : n,
    bytes: 4 * (n + outLen),
    tol: 1e-4,
    inputs: () => [{ shape, data: uniform(n, 8, 0, 1) }],
    ours: ([x]) =>
      kind === "sum all"
        ? sum(x)
        : kind === "sum rows"
          ? sum(x, 1)
          : kind === "max cols"
            ? max(x, 0)
            : softmax(x, -1),
    tfjs: {
      inputs: (h) => h,
      run: (tf, [x]) =>
        kind === "sum all"
          ? tf.sum(x)
          : kind === "sum rows"
            ? tf.sum(x, 1)
            : kind === "max cols"
              ? tf.max(x, 0)
              : tf.softmax(x as never, -1),
    },
  };
}

type EltKind = "add" | "bias+relu" | "x·sigmoid(1.702x)";

/**
 * Elementwise work on n elements (x is [1, C, H, W] for bias+relu, with a per-channel bias):
 *   add: x + y; bias+relu: relu(x + b[c]); x·sigmoid(1.702x): GELU's sigmoid approximation.
 */
export function elementwiseCase(kind: EltKind, c: number, side: number): KernelCase {
  const n = c * side * side;
  const xs = [1, c, side, side];
  const inputs =
    kind === "add"
      ? () => [
          { shape: xs, data: uniform(n, 9) },
          { shape: xs, data: uniform(n, 10) },
        ]
      : kind === "bias+relu"
        ? () => [
            { shape: xs, data: uniform(n, 9) },
            { shape: [c, 1, 1], data: uniform(c, 10) },
          ]
        : () => [{ shape: xs, data: uniform(n, 9) }];
  const reads = kind === "add" ? 2 * n : kind === "bias+relu" ? n + c : n;
  return {
    family: "elementwise",
    name: `${kind} ${fmtShape(xs)}`,
    shape: `x ${fmtShape(xs)}`,
    flops: kind === "add" ? n : kind === "bias+relu" ? 2 * n : 5 * n,
    bytes: 4 * (reads + n),
    tol: 1e-5,
    inputs,
    ours: (t) =>
      kind === "add"
        ? add(t[0], t[1])
        : kind === "bias+relu"
          ? relu(add(t[0], t[1]))
          : mul(t[0], sigmoid(mul(t[0], 1.702))),
    tfjs: {
      inputs: (h) => h,
      run: (tf, t) =>
        kind === "add"
          ? tf.add(t[0], t[1])
          : kind === "bias+relu"
            ? tf.relu(tf.add(t[0], t[1]))
            : tf.mul(t[0], tf.sigmoid(tf.mul(t[0], 1.702))),
    },
  };
}
