// Test cases of the convolution ops (joined into cases.ts). Attributes are the ops' internal
// form (padding [top, bottom, left, right], bottom/right negative for output padding); cases
// labelled "via …" go through the public functions instead. Shapes are small (the oracle is a
// float64 loop and finite differences run it many times) but cross the kernels' tile edges.

import type { ConvAttrs, ConvGeom } from "../src/conv/op.ts";
import { conv2d, convTranspose2d } from "../src/index.ts";
import type { Case } from "./cases.ts";
import type { InputSpec } from "./helpers.ts";

const f = (...shape: number[]): InputSpec => ({ shape });
type P2 = number | [number, number];
const two = (v: P2): [number, number] => (typeof v === "number" ? [v, v] : v);

function geom(o: {
  stride?: P2;
  pad?: P2 | [number, number, number, number];
  dilation?: P2;
  groups?: number;
}): ConvGeom {
  const p = o.pad ?? 0;
  const padding: [number, number, number, number] =
    typeof p !== "number" && p.length === 4 ? p : [two(p)[0], two(p)[0], two(p)[1], two(p)[1]];
  return {
    stride: two(o.stride ?? 1),
    padding,
    dilation: two(o.dilation ?? 1),
    groups: o.groups ?? 1,
  };
}

const conv = (inputs: InputSpec[], o: Parameters<typeof geom>[0], label?: string): Case => ({
  inputs,
  attrs: geom(o),
  label,
  tol: { rtol: 1e-4, atol: 1e-5 },
});

const convT = (inputs: InputSpec[], o: Parameters<typeof geom>[0], label?: string): Case => ({
  inputs,
  attrs: geom(o),
  label,
  tol: { rtol: 1e-4, atol: 1e-5 },
});

const wgrad = (
  inputs: InputSpec[],
  kernel: [number, number],
  o: Parameters<typeof geom>[0],
  label?: string,
): Case => ({
  inputs,
  attrs: { ...geom(o), kernel },
  label,
  tol: { rtol: 1e-4, atol: 1e-4 },
  gradTol: { rtol: 1e-4, atol: 1e-4 },
});

export const convCases: { [K in keyof ConvAttrs]: Case[] } = {
  conv2d: [
    conv([f(1, 2, 5, 5), f(3, 2, 3, 3)], { pad: 1 }, "3×3 pad 1"),
    conv([f(2, 3, 7, 6), f(4, 3, 3, 3), f(4)], { pad: 1 }, "batch 2, odd sizes, bias"),
    conv([f(2, 3, 9, 8), f(5, 3, 3, 3)], { stride: 2, pad: 1 }, "stride 2"),
    conv([f(1, 2, 9, 9), f(3, 2, 3, 3), f(3)], { dilation: 2, pad: 2 }, "dilation 2"),
    conv([f(2, 4, 6, 5), f(6, 2, 3, 3)], { groups: 2, pad: [1, 0] }, "groups 2"),
    conv([f(1, 4, 7, 7), f(4, 1, 3, 3), f(4)], { groups: 4, pad: 1 }, "depthwise"),
    conv([f(2, 5, 4, 3), f(7, 5, 1, 1), f(7)], {}, "1×1"),
    conv([f(1, 2, 10, 9), f(3, 2, 7, 7)], { stride: 2, pad: 3 }, "7×7 stride 2"),
    conv([f(1, 2, 4, 4), f(2, 2, 3, 3)], { pad: 3 }, "padding past the kernel's half"),
    conv([f(1, 3, 6, 7), f(2, 3, 3, 2), f(2)], { pad: [2, 0, 1, 3] }, "asymmetric padding"),
    conv([f(1, 2, 8, 8), f(2, 2, 3, 3)], { stride: 3 }, "stride 3, unused trailing rows"),
    conv(
      [f(1, 2, 7, 9), f(3, 2, 2, 3)],
      { stride: [2, 1], dilation: [1, 2], pad: [0, 1] },
      "mixed stride and dilation",
    ),
    conv(
      [f(1, 20, 9, 9), f(18, 20, 3, 3), f(18)],
      { pad: 1 },
      "past one tile: 18 out, 20 in, 81 px",
    ),
    {
      inputs: [f(1, 2, 6, 5), f(2, 2, 4, 4)],
      call: (x, w) => conv2d(x, w, null, { padding: "same" }),
      label: 'via conv2d: padding "same", even kernel',
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
  ],
  conv2dRelu: [
    conv([f(2, 3, 6, 6), f(4, 3, 3, 3), f(4)], { pad: 1 }, "3×3 pad 1, bias"),
    conv(
      [f(1, 20, 9, 9), f(18, 20, 3, 3), f(18)],
      { pad: 1 },
      "past one tile: 18 out, 20 in, 81 px",
    ),
    conv(
      [f(2, 4, 7, 6), f(6, 2, 3, 3)],
      { stride: 2, groups: 2, pad: [1, 0] },
      "stride 2, groups 2",
    ),
    {
      inputs: [f(1, 3, 6, 6), f(4, 3, 3, 3), f(4)],
      call: (x, w, b) => conv2d(x, w, b, { padding: 1, activation: "relu" }),
      label: 'via conv2d: activation "relu"',
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
  ],
  convTranspose2d: [
    convT([f(1, 3, 4, 4), f(3, 2, 3, 3)], {}, "3×3"),
    convT(
      [f(2, 4, 3, 4), f(4, 3, 3, 3), f(3)],
      { stride: 2, pad: [1, 0, 1, 0] },
      "stride 2, output padding 1, bias",
    ),
    convT(
      [f(1, 4, 4, 3), f(4, 2, 3, 3)],
      { groups: 2, dilation: 2, pad: 1 },
      "groups 2, dilation 2",
    ),
    convT([f(2, 2, 3, 3), f(2, 5, 2, 2), f(5)], { stride: 2 }, "2×2 stride 2 (DCGAN style)"),
    convT([f(1, 3, 5, 4), f(3, 4, 1, 1)], {}, "1×1"),
    convT(
      [f(1, 2, 4, 5), f(2, 3, 3, 3)],
      { stride: [3, 2], pad: [2, 1, 0, -1] },
      "stride 3×2, crops",
    ),
    {
      inputs: [f(1, 3, 3, 3), f(3, 2, 4, 4), f(2)],
      call: (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      label: "via convTranspose2d: outputPadding",
      tol: { rtol: 1e-4, atol: 1e-5 },
    },
  ],
  // The third input is the mask (conv2dRelu's output in its VJPs): y counts where it is > 0.
  convTranspose2dMasked: [
    convT([f(1, 3, 4, 4), f(3, 2, 3, 3), f(1, 3, 4, 4)], {}, "3×3"),
    convT(
      [f(2, 4, 3, 4), f(4, 3, 3, 3), f(2, 4, 3, 4)],
      { stride: 2, pad: [1, 0, 1, 0] },
      "stride 2, output padding 1",
    ),
    convT(
      [f(1, 4, 4, 3), f(4, 2, 3, 3), f(1, 4, 4, 3)],
      { groups: 2, dilation: 2, pad: 1 },
      "groups 2, dilation 2",
    ),
  ],
  conv2dWeightGrad: [
    wgrad([f(2, 3, 6, 5), f(2, 4, 6, 5)], [3, 3], { pad: 1 }, "3×3 pad 1, batch 2"),
    wgrad(
      [f(1, 4, 9, 8), f(1, 6, 4, 4)],
      [3, 3],
      { stride: 2, groups: 2, pad: [1, 0, 1, 1] },
      "stride 2, groups 2, asymmetric",
    ),
    wgrad([f(1, 2, 9, 9), f(1, 3, 5, 5)], [3, 3], { dilation: 2 }, "dilation 2"),
    wgrad(
      [f(1, 3, 8, 8), f(1, 3, 2, 2)],
      [3, 3],
      { stride: 3, groups: 3 },
      "depthwise, unused rows",
    ),
    wgrad([f(2, 3, 5, 4), f(2, 2, 5, 4)], [1, 1], {}, "1×1"),
    wgrad(
      [f(2, 3, 6, 5), f(2, 4, 6, 5), f(2, 4, 6, 5)],
      [3, 3],
      { pad: 1 },
      "masked g (conv2dRelu's VJP)",
    ),
  ],
};
