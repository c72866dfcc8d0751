// The per-op test table: for every op of the op table, the inputs (shapes and domains) to run it
// on. One table drives the forward, finite-difference, gpu-gradient and coverage tests.
// Shapes are chosen to be awkward: size-1 and size-0 dims, scalars, sizes that are not multiples
// of the workgroup (64), broadcasting, long rows that take the multi-pass reduction.

import type { OpAttrs, OpName, Tensor } from "../src/index.ts";
import { concat, matmul, permute, reshape, transpose } from "../src/index.ts";
import { cnnCases } from "./cases-cnn.ts";
import { convCases } from "./cases-conv.ts";
import type { InputSpec, Tol } from "./helpers.ts";

export interface Case {
  inputs: InputSpec[];
  attrs?: unknown;
  /** Apply the op some other way than apply(op, inputs, attrs) (e.g. through a view first). */
  call?: (...xs: Tensor[]) => Tensor;
  tol?: Tol;
  gradTol?: Tol;
  /** Skip the gradient checks with a reason. */
  noGrad?: string;
  /** Skip only the finite-difference check (float64, on cpu) with a reason. */
  noFd?: string;
  label?: string;
}

const f = (...shape: number[]): InputSpec => ({ shape });
/** Why the big matmul cases (which exist to take the 1×1-conv route on webgpu) skip FD. */
const BIG_NO_FD =
  "the VJP formula is route-independent and finite-differenced on the smaller cases; at 2 M " +
  "multiply-adds float64 rounding in the loss alone passes the 1e-6 tolerance";
const dom = (shape: number[], domain: InputSpec["domain"]): InputSpec => ({ shape, domain });
const ints = (shape: number[], lo: number, hi: number): InputSpec => ({
  shape,
  domain: { int: [lo, hi] },
  dtype: "int32",
});

const UNARY_SHAPES = [[], [1], [67], [3, 1, 5], [2, 130], [0, 3]];
const unary = (domain?: InputSpec["domain"], tol?: Tol, extra: Case[] = []): Case[] => [
  ...UNARY_SHAPES.map((s) => ({ inputs: [dom(s, domain)], tol })),
  ...extra,
];

const BINARY_SHAPES: [number[], number[]][] = [
  [[67], [67]],
  [
    [3, 1, 5],
    [4, 1],
  ],
  [[], [2, 3]],
  [
    [2, 1],
    [1, 70],
  ],
  [
    [0, 3],
    [1, 3],
  ],
];
const binary = (dx?: InputSpec["domain"], dy?: InputSpec["domain"], tol?: Tol): Case[] =>
  BINARY_SHAPES.map(([a, b]) => ({ inputs: [dom(a, dx), dom(b, dy)], tol }));
/** Comparisons: small integers so that ties really happen, on both backends alike. */
const comparison = (): Case[] => [
  ...BINARY_SHAPES.map(([a, b]) => ({
    inputs: [dom(a, { int: [-2, 3] }), dom(b, { int: [-2, 3] })],
  })),
  { inputs: [ints([5, 7], -3, 3), ints([7], -3, 3)], label: "int32" },
];

const reduction = (op: "sum" | "max" | "min"): Case[] => [
  { inputs: [f(3, 67, 2)], attrs: { dims: [1], keepdim: false } },
  { inputs: [f(3, 67, 2)], attrs: { dims: [0, 2], keepdim: true } },
  { inputs: [f(4, 5)], attrs: { dims: [], keepdim: false }, label: "no dims" },
  { inputs: [f(2, 3, 4)], attrs: { dims: [0, 1, 2], keepdim: false }, label: "all dims" },
  { inputs: [f(3, 700)], attrs: { dims: [1], keepdim: false }, label: "workgroup tree" },
  {
    inputs: [f(2, 9001)],
    attrs: { dims: [1], keepdim: true },
    label: "two passes",
    tol: { rtol: 1e-4, atol: 1e-4 },
  },
  { inputs: [f(70, 1)], attrs: { dims: [0], keepdim: false } },
  { inputs: [f(5)], attrs: { dims: [0], keepdim: false } },
  ...(op === "sum"
    ? [
        { inputs: [f(0, 3)], attrs: { dims: [0], keepdim: false }, label: "empty dim" },
        { inputs: [ints([4, 6], -5, 5)], attrs: { dims: [1], keepdim: false }, label: "int32" },
      ]
    : [
        {
          inputs: [ints([4, 6], -5, 5)],
          attrs: { dims: [1], keepdim: false },
          label: "int32 with ties",
          noGrad: "int32",
        },
      ]),
];

const argReduction = (): Case[] => [
  { inputs: [f(3, 67, 2)], attrs: { dim: 1, keepdim: false } },
  { inputs: [f(4, 300)], attrs: { dim: 1, keepdim: true }, label: "workgroup tree" },
  {
    inputs: [dom([6, 9], { int: [0, 3] })],
    attrs: { dim: 1, keepdim: false },
    label: "ties: first wins",
  },
  {
    inputs: [dom([2, 500], { int: [0, 4] })],
    attrs: { dim: 1, keepdim: false },
    label: "ties in the tree",
  },
  { inputs: [f(7)], attrs: { dim: 0, keepdim: false } },
];

export const cases: { [K in OpName]: Case[] } = {
  neg: unary(),
  abs: unary("away"),
  sign: unary("away", undefined, [{ inputs: [ints([9], -4, 5)], label: "int32" }]),
  exp: unary([-3, 3]),
  log: unary("positive"),
  sqrt: unary("positive"),
  rsqrt: unary("positive"),
  sin: unary([-3, 3], { atol: 5e-4, rtol: 0 }),
  cos: unary([-3, 3], { atol: 5e-4, rtol: 0 }),
  tanh: unary([-4, 4], undefined, [
    { inputs: [dom([5], [-60, 60])], label: "saturated", noGrad: "flat" },
  ]),
  sigmoid: unary([-6, 6], undefined, [
    { inputs: [dom([5], [-100, 100])], label: "saturated", noGrad: "flat" },
  ]),
  relu: unary("away", undefined, [{ inputs: [ints([9], -4, 5)], label: "int32" }]),
  leakyRelu: unary("away").map((c) => ({ ...c, attrs: { alpha: 0.1 } })),
  square: unary("any", undefined, [{ inputs: [ints([9], -40, 50)], label: "int32" }]),
  floor: unary([-5, 5]),
  copy: unary("any", undefined, [
    { inputs: [f(5, 7)], call: (x) => transpose(x, 0, 1).contiguous(), label: "transposed" },
  ]),
  cast: [
    { inputs: [dom([3, 70], [-5, 5])], attrs: { dtype: "int32" }, label: "to int32 truncates" },
    { inputs: [ints([3, 7], -100, 100)], attrs: { dtype: "float32" }, label: "to float32" },
  ],
  add: [...binary(), { inputs: [ints([4, 5], -9, 9), ints([5], -9, 9)], label: "int32" }],
  sub: [...binary(), { inputs: [ints([4, 5], -9, 9), ints([5], -9, 9)], label: "int32" }],
  mul: [...binary(), { inputs: [ints([4, 5], -9, 9), ints([5], -9, 9)], label: "int32" }],
  div: [
    ...binary("any", "away"),
    { inputs: [ints([4, 5], -9, 9), dom([5], { int: [1, 5] })], label: "int32 divides as float" },
  ],
  maximum: [...binary(), { inputs: [ints([4, 5], -9, 9), ints([5], -9, 9)], label: "int32" }],
  minimum: [...binary(), { inputs: [ints([4, 5], -9, 9), ints([5], -9, 9)], label: "int32" }],
  pow: [
    ...binary("positive", [-2, 2], { rtol: 1e-4 }),
    {
      inputs: [dom([40], [-3, 3]), dom([40], { int: [-3, 4] })],
      label: "negative bases, integral exponents",
      tol: { rtol: 1e-4 },
      noGrad: "d/dy needs x > 0",
    },
  ],
  eq: comparison(),
  ne: comparison(),
  lt: comparison(),
  le: comparison(),
  gt: comparison(),
  ge: comparison(),
  where: [
    { inputs: [dom([3, 1], "bool"), f(1, 4), f(3, 4)] },
    { inputs: [dom([2, 67], "bool"), f(2, 67), f()] },
    { inputs: [ints([5], 0, 2), ints([5], -9, 9), ints([5], -9, 9)], label: "int32" },
  ],
  reshape: [
    { inputs: [f(2, 3, 4)], attrs: { shape: [6, 4] } },
    { inputs: [f(2, 3, 4)], attrs: { shape: [4, 1, 6] } },
    {
      inputs: [f(5, 7)],
      call: (x) => reshape(transpose(x, 0, 1), [35]),
      label: "of a transpose (copies)",
    },
    {
      inputs: [f(4, 6)],
      call: (x) => reshape(permute(x.mul(2), [1, 0]), [2, 3, 4]),
      label: "of a lazy transpose",
    },
    { inputs: [f(0, 3)], attrs: { shape: [3, 0] } },
  ],
  permute: [
    { inputs: [f(2, 3, 4)], attrs: { perm: [2, 0, 1] } },
    { inputs: [f(67, 3)], attrs: { perm: [1, 0] } },
    { inputs: [f(2, 3)], call: (x) => permute(x.exp(), [1, 0]).add(1), label: "of a lazy tree" },
  ],
  expand: [
    { inputs: [f(3, 1)], attrs: { shape: [2, 3, 5] } },
    { inputs: [f()], attrs: { shape: [4, 4] } },
    { inputs: [f(1, 67)], attrs: { shape: [3, 67] } },
  ],
  slice: [
    { inputs: [f(5, 7)], attrs: { begin: [1, 2], end: [4, 6], step: [1, 1] } },
    {
      inputs: [f(5, 7)],
      attrs: { begin: [1, 6], end: [4, -1], step: [2, -2] },
      label: "steps, reversed",
    },
    { inputs: [f(3, 130)], attrs: { begin: [0, 3], end: [3, 130], step: [1, 3] } },
    { inputs: [f(4, 4)], attrs: { begin: [2, 0], end: [2, 4], step: [1, 1] }, label: "empty" },
  ],
  sum: reduction("sum"),
  max: reduction("max"),
  min: reduction("min"),
  argmax: argReduction(),
  argmin: argReduction(),
  matmul: [
    { inputs: [f(5, 7), f(7, 3)] },
    { inputs: [f(64, 64), f(64, 64)], tol: { rtol: 1e-4, atol: 1e-5 } },
    {
      inputs: [f(2, 3, 67, 65), f(65, 33)],
      tol: { rtol: 1e-4, atol: 1e-5 },
      label: "broadcast batch",
    },
    { inputs: [f(3, 1, 4, 5), f(2, 5, 6)], label: "both batches broadcast" },
    { inputs: [f(1, 5), f(5, 1)] },
    {
      inputs: [f(7, 5), f(7, 3)],
      call: (a, b) => matmul(transpose(a, 0, 1), b),
      label: "Aᵀ in place",
    },
    {
      inputs: [f(5, 7), f(3, 7)],
      call: (a, b) => matmul(a, transpose(b, 0, 1)),
      label: "Bᵀ in place",
    },
    {
      inputs: [f(2, 9, 4), f(2, 6, 9)],
      call: (a, b) => matmul(transpose(a, 1, 2), transpose(b, 1, 2)),
      label: "both transposed, batched",
    },
    {
      inputs: [f(2, 300), f(70, 300)],
      call: (a, b) => matmul(a, transpose(b, 0, 1)),
      label: "matvec: 2 rows · Bᵀ",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(3, 1, 130), f(3, 9, 130)],
      call: (a, b) => matmul(a, transpose(b, 1, 2)),
      label: "matvec, batched",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(300, 3), f(5, 300)],
      call: (a, b) => matmul(transpose(a, 0, 1), transpose(b, 0, 1)),
      label: "matvec with Aᵀ",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(1, 301), f(301, 130)],
      label: "matvec columns: 1 row · B [K, N], N past a 64-column block",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(4, 37), f(2, 37, 65)],
      label: "matvec columns: 4 rows, B batched (A broadcast)",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(130, 3), f(130, 9)],
      call: (a, b) => matmul(transpose(a, 0, 1), b),
      label: "matvec columns with Aᵀ",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(5, 33), f(33, 70)],
      label: "5 rows: the tiled kernel again",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(70, 131), f(131, 245)],
      label: "as a 1×1 conv (≥ 128³ multiply-adds): odd M, K, N",
      noFd: BIG_NO_FD,
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(131, 70), f(131, 245)],
      call: (a, b) => matmul(transpose(a, 0, 1), b),
      label: "as a 1×1 conv with Aᵀ",
      noFd: BIG_NO_FD,
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(70, 131), f(245, 131)],
      call: (a, b) => matmul(a, transpose(b, 0, 1)),
      label: "as a 1×1 conv with Bᵀ",
      noFd: BIG_NO_FD,
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(131, 70), f(245, 131)],
      call: (a, b) => matmul(transpose(a, 0, 1), transpose(b, 0, 1)),
      label: "as a 1×1 conv with Aᵀ and Bᵀ",
      noFd: BIG_NO_FD,
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(130, 67), f(67, 257)],
      label: "as a 1×1 conv: M past 8 tiles of 16 rows, N past 256 pixels",
      noFd: BIG_NO_FD,
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    {
      inputs: [f(9, 128), f(128, 1900)],
      label: "as a 1×1 conv: a few rows (M = 9, a classifier over a small batch)",
      noFd: BIG_NO_FD,
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
    { inputs: [f(0, 4), f(4, 3)], label: "empty" },
    { inputs: [f(3, 0), f(0, 2)], label: "K = 0" },
  ],
  concat: [
    { inputs: [f(2, 3), f(2, 5)], attrs: { dim: 1 } },
    { inputs: [f(1, 4), f(3, 4), f(2, 4)], attrs: { dim: 0 } },
    { inputs: [f(2, 0), f(2, 3)], attrs: { dim: 1 }, label: "with an empty input" },
    {
      inputs: [f(3, 2)],
      call: (x) => concat([x.T.exp(), x.T], 0),
      label: "lazy and transposed inputs",
    },
    {
      inputs: [f(2, 3, 4, 5), f(2, 1, 4, 5), f(2, 2, 4, 5)],
      attrs: { dim: 1 },
      label: "channels of a batch (the write merges to [N, C·H·W])",
    },
    {
      inputs: [f(3, 1, 2, 4), f(3, 1, 3, 4)],
      attrs: { dim: 2 },
      label: "rows, past a size-1 dim",
    },
  ],
  pad: [
    {
      inputs: [f(2, 3, 5)],
      attrs: { before: [0, 1, 2], after: [1, 0, 3], mode: "constant", value: 0.5 },
    },
    {
      inputs: [f(2, 4, 5)],
      attrs: { before: [0, 2, 3], after: [0, 3, 1], mode: "reflect", value: 0 },
    },
    {
      inputs: [f(2, 4, 5)],
      attrs: { before: [1, 2, 6], after: [0, 3, 1], mode: "replicate", value: 0 },
    },
    {
      inputs: [f(2, 4, 5)],
      attrs: { before: [0, 4, 2], after: [2, 3, 5], mode: "circular", value: 0 },
    },
    { inputs: [f(70)], attrs: { before: [3], after: [0], mode: "reflect", value: 0 } },
  ],
  gather: [
    { inputs: [f(3, 5), ints([3, 4], 0, 5)], attrs: { dim: 1 } },
    { inputs: [f(4, 3), ints([2, 3], 0, 4)], attrs: { dim: 0 } },
    {
      inputs: [f(2, 6, 3), ints([2, 9, 2], 0, 6)],
      attrs: { dim: 1 },
      label: "index smaller elsewhere",
    },
  ],
  setSlice: [
    { inputs: [f(5, 6), f(2, 3)], attrs: { begin: [1, 2], step: [2, 1] } },
    {
      inputs: [f(4, 70), f(4, 10)],
      attrs: { begin: [0, 69], step: [1, -7] },
      label: "negative step",
    },
    {
      inputs: [f(2, 5, 1, 6), f(2, 3, 1, 6)],
      attrs: { begin: [0, 1, 0, 0], step: [1, 1, 1, 1] },
      label: "channels of a batch, with a size-1 dim",
    },
  ],
  ...convCases,
  ...cnnCases,
};

export type { OpAttrs };
