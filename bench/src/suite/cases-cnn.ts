// The CNN cases: every distinct VGG16 convolution (forward, gradient to its input, gradient to
// its weight), VGG16's max-pools, and the Gram matrix at the style layers' shapes.

import { conv2d, conv2dWeightGrad, convTranspose2d, gram, maxPool2d } from "@sheep/tensor";
import { convModel } from "../peers/onnx.ts";
import { type HostTensor, type KernelCase, type Tf, type TfTensor, TOL } from "./case.ts";
import {
  fmtShape,
  HWIO_TO_OIHW,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  OIHW_TO_HWIO,
  permuteHost,
  uniform,
} from "./data.ts";

export interface VggConvLayer {
  layer: string;
  cin: number;
  cout: number;
  /** The layer's input side is the VGG input side divided by this. */
  div: number;
  /** Layers of VGG16 with exactly this shape (conv5_1 stands for conv5_1, conv5_2, conv5_3). */
  repeats: number;
}

/** The 9 distinct 3×3 convolutions of VGG16's 13 (same padding, stride 1). */
export const VGG16_CONVS: readonly VggConvLayer[] = [
  { layer: "conv1_1", cin: 3, cout: 64, div: 1, repeats: 1 },
  { layer: "conv1_2", cin: 64, cout: 64, div: 1, repeats: 1 },
  { layer: "conv2_1", cin: 64, cout: 128, div: 2, repeats: 1 },
  { layer: "conv2_2", cin: 128, cout: 128, div: 2, repeats: 1 },
  { layer: "conv3_1", cin: 128, cout: 256, div: 4, repeats: 1 },
  { layer: "conv3_2", cin: 256, cout: 256, div: 4, repeats: 2 },
  { layer: "conv4_1", cin: 256, cout: 512, div: 8, repeats: 1 },
  { layer: "conv4_2", cin: 512, cout: 512, div: 8, repeats: 2 },
  { layer: "conv5_1", cin: 512, cout: 512, div: 16, repeats: 3 },
];

/** VGG16's pools (2×2, stride 2): the input channels and side divisor of each. */
export const VGG16_POOLS = [
  { layer: "pool1", c: 64, div: 1 },
  { layer: "pool2", c: 128, div: 2 },
  { layer: "pool3", c: 256, div: 4 },
  { layer: "pool4", c: 512, div: 8 },
  { layer: "pool5", c: 512, div: 16 },
];

/** Gatys et al.'s style layers: relu1_1 … relu5_1. */
export const STYLE_LAYERS = [
  { layer: "relu1_1", c: 64, div: 1 },
  { layer: "relu2_1", c: 128, div: 2 },
  { layer: "relu3_1", c: 256, div: 4 },
  { layer: "relu4_1", c: 512, div: 8 },
  { layer: "relu5_1", c: 512, div: 16 },
];

export type ConvDir = "fwd" | "gx" | "gw";
const FAMILY = { fwd: "conv", gx: "convGx", gw: "convGw" } as const;

const nhwc = (t: HostTensor): HostTensor => ({
  shape: NCHW_TO_NHWC.map((p) => t.shape[p]),
  data: permuteHost(t.data, t.shape, NCHW_TO_NHWC),
});
const hwio = (t: HostTensor): HostTensor => ({
  shape: OIHW_TO_HWIO.map((p) => t.shape[p]),
  data: permuteHost(t.data, t.shape, OIHW_TO_HWIO),
});
const fromNhwc = (d: Float32Array, s: number[]) => permuteHost(d, s, NHWC_TO_NCHW);

/**
 * One 3×3 same-padded convolution at batch 1 and side `side`, in direction `dir`:
 *   fwd: out = conv2d(x, w)                   (x [1,C,H,W], w [O,C,3,3])
 *   gx:  gx = convTranspose2d(g, w)           (the gradient of conv2d to x, g [1,O,H,W])
 *   gw:  gw = conv2dWeightGrad(x, g, [3, 3])  (the gradient of conv2d to w)
 * Each costs 2·C·O·9·H·W FLOPs.
 */
export function convCase(l: VggConvLayer, side: number, dir: ConvDir, res: number): KernelCase {
  const { cin: c, cout: o } = l;
  const h = side;
  const x = () => ({ shape: [1, c, h, h], data: uniform(c * h * h, 1) });
  const w = () => ({ shape: [o, c, 3, 3], data: uniform(o * c * 9, 2) });
  const g = () => ({ shape: [1, o, h, h], data: uniform(o * h * h, 3) });
  const flops = 2 * c * o * 9 * h * h;
  const elems = { x: c * h * h, w: o * c * 9, g: o * h * h };
  const base = {
    family: FAMILY[dir],
    name: `${l.layer} ${dir} ${side}²`,
    layer: l.layer,
    repeats: l.repeats,
    res,
    flops,
    tol: TOL,
  };
  const sameGeom = { strides: 1, pad: "same" as const };
  if (dir === "fwd") {
    return {
      ...base,
      shape: `x ${fmtShape([1, c, h, h])}, w ${fmtShape([o, c, 3, 3])}`,
      bytes: 4 * (elems.x + elems.w + elems.g),
      inputs: () => [x(), w()],
      ours: ([tx, tw]) => conv2d(tx, tw, null, { padding: 1 }),
      tfjs: {
        inputs: ([hx, hw]) => [nhwc(hx), hwio(hw)],
        run: (tf, [tx, tw]) => tf.conv2d(tx as never, tw as never, 1, "same"),
        toOurs: fromNhwc,
      },
      ort: { model: () => convModel(1, c, h, h, o, 3), names: ["X", "W"], output: "Y" },
    };
  }
  if (dir === "gx") {
    return {
      ...base,
      shape: `g ${fmtShape([1, o, h, h])}, w ${fmtShape([o, c, 3, 3])}`,
      bytes: 4 * (elems.g + elems.w + elems.x),
      inputs: () => [g(), w()],
      ours: ([tg, tw]) => convTranspose2d(tg, tw, null, { padding: 1 }),
      tfjs: {
        inputs: ([hg, hw]) => [nhwc(hg), hwio(hw)],
        // conv2dTranspose runs TF.js's Conv2DBackpropInput kernel (the filter stays HWIO).
        run: (tf, [tg, tw]) =>
          tf.conv2dTranspose(
            tg as never,
            tw as never,
            [1, h, h, c],
            sameGeom.strides,
            sameGeom.pad,
          ),
        toOurs: fromNhwc,
      },
    };
  }
  return {
    ...base,
    shape: `x ${fmtShape([1, c, h, h])}, g ${fmtShape([1, o, h, h])}`,
    bytes: 4 * (elems.x + elems.g + elems.w),
    inputs: () => [x(), g()],
    ours: ([tx, tg]) => conv2dWeightGrad(tx, tg, [3, 3], { padding: 1 }),
    tfjs: {
      inputs: ([hx, hg]) => [nhwc(hx), nhwc(hg)],
      // No public op: the kernel tf.grad would run for the filter, called directly.
      run: (tf, [tx, tg]) =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x: tx, dy: tg }, {
          ...sameGeom,
          dataFormat: "NHWC",
          dimRoundingMode: undefined,
          filterShape: [3, 3, c, o],
        } as never) as TfTensor,
      toOurs: (d, s) => permuteHost(d, s, HWIO_TO_OIHW),
      unsupported: { wasm: "TF.js WASM has no Conv2DBackpropFilter kernel" },
    },
  };
}

/** 2×2 stride-2 max-pool of x [1, C, H, H]: memory-bound (read 4, write 1). */
export function maxPoolCase(layer: string, c: number, side: number): KernelCase {
  const n = c * side * side;
  return {
    family: "maxpool",
    name: `${layer} maxpool ${side}²`,
    layer,
    shape: `x ${fmtShape([1, c, side, side])}`,
    flops: (3 * n) / 4,
    bytes: 4 * (n + n / 4),
    tol: 0,
    inputs: () => [{ shape: [1, c, side, side], data: uniform(n, 4) }],
    ours: ([x]) => maxPool2d(x, 2),
    tfjs: {
      inputs: ([x]) => [nhwc(x)],
      run: (tf: Tf, [x]) => tf.maxPool(x as never, 2, 2, "valid"),
      toOurs: fromNhwc,
    },
  };
}

/** G = F·Fᵀ for F = x[0] as [C, H·W] (no normalisation): 2·C²·H·W FLOPs. */
export function gramCase(layer: string, c: number, side: number): KernelCase {
  const hw = side * side;
  return {
    family: "gram",
    name: `${layer} gram ${side}²`,
    layer,
    shape: `x ${fmtShape([1, c, side, side])}`,
    flops: 2 * c * c * hw,
    bytes: 4 * (c * hw + c * c),
    tol: TOL,
    inputs: () => [{ shape: [1, c, side, side], data: uniform(c * hw, 5, 0, 1) }],
    ours: ([x]) => gram(x),
    tfjs: {
      // Our NCHW data is already F row-major: [C, H·W] for TF.js too.
      inputs: ([x]) => [{ shape: [c, hw], data: x.data }],
      run: (tf, [f]) => tf.matMul(f as never, f as never, false, true),
    },
  };
}
