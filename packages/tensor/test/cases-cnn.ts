// Test cases of the pooling, Gram, dropout, resize and filter ops (joined into cases.ts).
// Odd sizes, stride 2, dilation, ceil mode (including the dropped last window), padding,
// count_include_pad both ways, batch > 1, align_corners both ways, up- and down-sampling.

import type { Tensor } from "../src/index.ts";
import { apply } from "../src/ops/apply.ts";
import type { CnnAttrs } from "../src/ops/cnn.ts";
import type { AvgPoolAttrs, MaxPoolAttrs } from "../src/ops/cnn-pool-shape.ts";
import { pooledLength } from "../src/ops/cnn-pool-shape.ts";
import type { Case } from "./cases.ts";
import type { InputSpec } from "./helpers.ts";

const f = (...shape: number[]): InputSpec => ({ shape });

const maxWin = (
  k: number[],
  s: number[],
  p: number[],
  d: number[],
  ceilMode = false,
): MaxPoolAttrs => ({
  kernel: k,
  stride: s,
  padding: p,
  dilation: d,
  ceilMode,
});

/** [input shape, window, label] for max pooling. */
const MAX: [number[], MaxPoolAttrs, string][] = [
  [[2, 3, 7, 9], maxWin([2, 2], [2, 2], [0, 0], [1, 1]), "2×2 stride 2, odd sizes"],
  [[1, 2, 9, 8], maxWin([3, 3], [2, 2], [1, 1], [1, 1], true), "3×3 stride 2 pad 1 ceil"],
  [[2, 2, 10, 11], maxWin([3, 3], [1, 1], [1, 1], [2, 2]), "dilation 2"],
  [[1, 3, 6, 7], maxWin([2, 3], [1, 2], [1, 1], [1, 1], true), "rectangular, ceil"],
  [
    [1, 2, 5, 5],
    maxWin([2, 2], [2, 2], [1, 1], [1, 1], true),
    "ceil drops a window starting in the padding",
  ],
  [[2, 4, 33, 35], maxWin([3, 3], [2, 2], [0, 0], [1, 1]), "many workgroups"],
  // windows that cannot overlap take the gradient kernel's `cells` path
  [[1, 2, 10, 11], maxWin([3, 3], [3, 3], [0, 0], [1, 1]), "3×3 stride 3: cells, leftover rows"],
  [[2, 1, 9, 10], maxWin([2, 2], [3, 3], [1, 1], [1, 1]), "2×2 stride 3 pad 1: cells with gaps"],
  [[1, 2, 8, 7], maxWin([2, 2], [3, 2], [0, 0], [2, 1], true), "dilated, disjoint, ceil"],
];

const pooled = (x: number[], a: MaxPoolAttrs) => [
  x[0],
  x[1],
  ...[0, 1].map((d) =>
    pooledLength(x[2 + d], a.kernel[d], a.stride[d], a.padding[d], a.dilation[d], a.ceilMode),
  ),
];

const avgWin = (
  k: number[],
  s: number[],
  p: number[],
  ceilMode: boolean,
  countIncludePad: boolean,
  divisor = 0,
): AvgPoolAttrs => ({
  kernel: k,
  stride: s,
  padding: p,
  ceilMode,
  countIncludePad,
  divisor,
});

const AVG: [number[], AvgPoolAttrs, string][] = [
  [[2, 3, 7, 9], avgWin([3, 3], [2, 2], [1, 1], false, true), "pad 1, count_include_pad"],
  [[2, 3, 7, 9], avgWin([3, 3], [2, 2], [1, 1], false, false), "pad 1, padding not counted"],
  [
    [1, 2, 8, 7],
    avgWin([3, 3], [2, 2], [1, 1], true, true),
    "ceil, count_include_pad (clipped windows)",
  ],
  [[1, 2, 8, 7], avgWin([3, 3], [2, 2], [1, 1], true, false), "ceil, padding not counted"],
  [[2, 1, 6, 6], avgWin([2, 3], [2, 1], [1, 0], false, true, 5), "divisor override"],
  [[1, 2, 5, 5], avgWin([2, 2], [2, 2], [1, 1], true, true), "ceil drops a window"],
  [[1, 3, 13, 17], avgWin([2, 2], [2, 2], [0, 0], false, true), "2×2 stride 2"],
  // windows that cannot overlap take the gradient kernel's `cells` path
  [
    [2, 1, 9, 10],
    avgWin([2, 2], [3, 3], [1, 1], false, false),
    "2×2 stride 3 pad 1: cells with gaps",
  ],
  [[1, 2, 5, 7], avgWin([2, 2], [2, 2], [0, 0], true, true), "2×2 stride 2 ceil: clipped cells"],
];
const avgAsMax = (a: AvgPoolAttrs) => ({ ...a, dilation: [1, 1] });

const ADAPTIVE: [number[], number[]][] = [
  [
    [2, 3, 7, 9],
    [3, 4],
  ],
  [
    [1, 2, 5, 5],
    [7, 8],
  ],
  [
    [1, 1, 6, 6],
    [1, 1],
  ],
  [
    [2, 2, 10, 3],
    [4, 3],
  ],
];

type Resize = CnnAttrs["resize2d"];
const RESIZE: [number[], Resize, string][] = [
  [[1, 2, 4, 5], { size: [7, 9], mode: "bilinear", alignCorners: false }, "bilinear up"],
  [[2, 1, 9, 8], { size: [4, 3], mode: "bilinear", alignCorners: false }, "bilinear down"],
  [
    [1, 2, 4, 5],
    { size: [7, 9], mode: "bilinear", alignCorners: true },
    "bilinear up, align corners",
  ],
  [
    [2, 1, 9, 8],
    { size: [4, 3], mode: "bilinear", alignCorners: true },
    "bilinear down, align corners",
  ],
  [[1, 1, 5, 4], { size: [1, 1], mode: "bilinear", alignCorners: true }, "to 1×1, align corners"],
  [[1, 2, 3, 4], { size: [12, 9], mode: "bilinear", alignCorners: false }, "bilinear ×4 up"],
  [[1, 2, 4, 5], { size: [7, 9], mode: "nearest", alignCorners: false }, "nearest up"],
  [[2, 1, 9, 8], { size: [4, 3], mode: "nearest", alignCorners: false }, "nearest down"],
  [[1, 2, 6, 6], { size: [6, 6], mode: "bilinear", alignCorners: false }, "same size"],
  [[1, 2, 4, 5], { size: [7, 9], mode: "bicubic", alignCorners: false }, "bicubic up"],
  [[2, 1, 9, 8], { size: [4, 3], mode: "bicubic", alignCorners: false }, "bicubic down"],
  [
    [1, 2, 4, 5],
    { size: [7, 9], mode: "bicubic", alignCorners: true },
    "bicubic up, align corners",
  ],
  [[1, 1, 2, 3], { size: [5, 1], mode: "bicubic", alignCorners: true }, "bicubic from 2 rows"],
  [[1, 2, 4, 5], { size: [7, 9], mode: "nearest-exact", alignCorners: false }, "nearest-exact up"],
  [
    [2, 1, 9, 8],
    { size: [4, 3], mode: "nearest-exact", alignCorners: false },
    "nearest-exact down",
  ],
];

const maxGradCall = (a: MaxPoolAttrs, x: number[]) => (xt: Tensor, g: Tensor) =>
  apply("maxPool2dGrad", [g, apply("maxPool2dIndices", [xt], a)], { ...a, inSize: x.slice(2) });

const gramTol = { rtol: 1e-4, atol: 1e-4 };

export const cnnCases: { [K in keyof CnnAttrs]: Case[] } = {
  maxPool2d: MAX.map(([x, a, label]) => ({ inputs: [f(...x)], attrs: a, label })),
  maxPool2dIndices: [
    ...MAX.slice(0, 4).map(([x, a, label]) => ({ inputs: [f(...x)], attrs: a, label })),
    {
      inputs: [{ shape: [2, 2, 6, 7], domain: { int: [0, 3] }, dtype: "float32" }],
      attrs: MAX[1][1],
      label: "ties: first max wins",
    },
  ],
  maxPool2dGrad: MAX.map(([x, a, label]) => ({
    inputs: [f(...x), f(...pooled(x, a))],
    call: maxGradCall(a, x),
    label,
  })),
  avgPool2d: AVG.map(([x, a, label]) => ({ inputs: [f(...x)], attrs: a, label })),
  avgPool2dGrad: AVG.map(([x, a, label]) => ({
    inputs: [f(...pooled(x, avgAsMax(a)))],
    attrs: { ...a, inSize: x.slice(2) },
    label,
  })),
  adaptiveAvgPool2d: ADAPTIVE.map(([x, size]) => ({ inputs: [f(...x)], attrs: { size } })),
  adaptiveAvgPool2dGrad: ADAPTIVE.map(([x, size]) => ({
    inputs: [f(x[0], x[1], ...size)],
    attrs: { size, inSize: x.slice(2) },
  })),
  gram: [
    { inputs: [f(2, 5, 7, 9)], attrs: { scale: 1 } },
    {
      inputs: [f(1, 70, 13, 11)],
      attrs: { scale: 1 / 1001 },
      tol: gramTol,
      label: "two tile rows",
    },
    { inputs: [f(1, 3, 70, 70)], attrs: { scale: 1 / 4900 }, tol: gramTol, label: "split over K" },
    { inputs: [f(3, 130, 3, 5)], attrs: { scale: 0.5 }, tol: gramTol, label: "3×3 tiles, batch 3" },
    {
      inputs: [f(2, 4, 300)],
      attrs: { scale: 1 },
      tol: gramTol,
      label: "[N, C, K] features, split",
    },
    { inputs: [f(1, 1, 1, 1)], attrs: { scale: 1 } },
  ],
  dropout: [
    { inputs: [f(3, 70)], attrs: { p: 0.5, key: 123 } },
    { inputs: [f(2, 3, 5, 5)], attrs: { p: 0.1, key: 0xdeadbeef } },
    {
      inputs: [f(4, 9)],
      attrs: { p: 0.9, key: 7 },
      call: (x) => apply("dropout", [x.T.exp()], { p: 0.9, key: 7 }),
      label: "fused input",
    },
    { inputs: [f(0, 3)], attrs: { p: 0.5, key: 1 } },
  ],
  resize2d: RESIZE.map(([x, a, label]) => ({ inputs: [f(...x)], attrs: a, label })),
  resize2dGrad: RESIZE.map(([x, a, label]) => ({
    inputs: [f(x[0], x[1], ...a.size)],
    attrs: { ...a, inSize: x.slice(2) },
    label,
  })),
  correlate1d: [
    { inputs: [f(2, 3, 9, 7)], attrs: { dim: 3, taps: [0.25, 0.5, 0.25] } },
    { inputs: [f(2, 3, 9, 7)], attrs: { dim: 2, taps: [0.1, -0.2, 0.4, 0.3, 0.05] } },
    { inputs: [f(70, 5)], attrs: { dim: 0, taps: [1, 2] } },
    { inputs: [f(4, 6)], attrs: { dim: 1, taps: [0.5] } },
  ],
};
