// A second, independent oracle for the convolutions: TensorFlow.js on its CPU backend (the union
// package, which registers the gradients). For random shapes — odd sizes, strides, dilations,
// groups, asymmetric padding, batches — the forward, the gradient to the input and the gradient
// to the weight of our WebGPU kernels must match TF.js. TF.js is NHWC / HWIO: transposed at the
// boundary. TF.js has no grouped conv (its grouped case is built from one conv per group and a
// concat) and no conv gradients for dilation > 1: those cases compare against a conv with an
// explicitly dilated kernel (zeros between the taps) at dilation 1, whose weight gradient at the
// real taps is the one we want.

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, test } from "vitest";
import { conv2d, convTranspose2d, mul, sum, tensor } from "../src/index.ts";
import { closeness, rng, sample as sampleAny, useBackends } from "./helpers.ts";

const sample = (spec: { shape: readonly number[] }, seed: number) =>
  sampleAny(spec, seed) as Float32Array;

useBackends();
beforeAll(async () => {
  await tf.setBackend("cpu");
});

interface ConvCase {
  n: number;
  c: number;
  o: number;
  h: number;
  w: number;
  k: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, bottom, left, right] */
  pad: [number, number, number, number];
  groups: number;
}

/** Random conv cases from a seed: small, awkward, and always a valid geometry. */
function randomCases(seed: number, count: number): ConvCase[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const out: ConvCase[] = [];
  while (out.length < count) {
    const groups = [1, 1, 2, 3][int(0, 3)];
    const k: [number, number] = [int(1, 4), int(1, 4)];
    const stride: [number, number] = [int(1, 2), int(1, 3)];
    const dilation: [number, number] = [int(1, 2), int(1, 2)];
    const pad: [number, number, number, number] = [int(0, 3), int(0, 2), int(0, 2), int(0, 3)];
    const c = groups * int(1, 3);
    const o = groups * int(1, 3);
    const h = int(4, 11);
    const w = int(4, 11);
    const spanH = dilation[0] * (k[0] - 1) + 1;
    const spanW = dilation[1] * (k[1] - 1) + 1;
    if (h + pad[0] + pad[1] < spanH || w + pad[2] + pad[3] < spanW) continue;
    out.push({ n: int(1, 2), c, o, h, w, k, stride, dilation, pad, groups });
  }
  return out;
}

const nhwc = (data: Float32Array, shape: number[]) =>
  tf
    .tensor4d(data, shape as [number, number, number, number])
    .transpose([0, 2, 3, 1]) as tf.Tensor4D;
const toNchw = async (t: tf.Tensor) => (await t.transpose([0, 3, 1, 2]).data()) as Float32Array;
const toOihw = async (t: tf.Tensor) => (await t.transpose([3, 2, 0, 1]).data()) as Float32Array;

/** A kernel [kh, kw, i, o] spread to dilation 1: zeros between the taps. */
function dilateKernel(wt: tf.Tensor4D, d: [number, number]): tf.Tensor4D {
  const [kh, kw, i, o] = wt.shape;
  if (d[0] === 1 && d[1] === 1) return wt;
  const taps = tf.unstack(wt);
  const rows: tf.Tensor[] = [];
  taps.forEach((row, y) => {
    const cols: tf.Tensor[] = [];
    tf.unstack(row).forEach((tap, x) => {
      cols.push(tap);
      if (x < kw - 1) for (let z = 1; z < d[1]; z++) cols.push(tf.zerosLike(tap));
    });
    rows.push(tf.stack(cols));
    if (y < kh - 1) for (let z = 1; z < d[0]; z++) rows.push(tf.zeros([(kw - 1) * d[1] + 1, i, o]));
  });
  return tf.stack(rows) as tf.Tensor4D;
}

/** TF.js conv2d of NHWC x with an HWIO kernel, with groups and any dilation (see the header). */
function tfConv(x: tf.Tensor4D, wt: tf.Tensor4D, c: ConvCase): tf.Tensor4D {
  const k = dilateKernel(wt, c.dilation);
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [c.pad[0], c.pad[1]],
    [c.pad[2], c.pad[3]],
    [0, 0],
  ];
  if (c.groups === 1) return tf.conv2d(x, k, c.stride, pad);
  const xs = tf.split(x, c.groups, 3);
  const ks = tf.split(k, c.groups, 3);
  return tf.concat(
    xs.map((xg, g) => tf.conv2d(xg as tf.Tensor4D, ks[g] as tf.Tensor4D, c.stride, pad)),
    3,
  );
}

const label = (c: ConvCase) =>
  `x [${c.n},${c.c},${c.h},${c.w}] w [${c.o},${c.c / c.groups},${c.k}] stride ${c.stride} ` +
  `dilation ${c.dilation} pad ${c.pad} groups ${c.groups}`;

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 2e-4) {
  const r = closeness(a, b, { rtol: tol, atol: tol });
  expect(r.ok, r.detail).toBe(true);
}

/** Past the kernels' tiles: > 256 pixels, > 16 output channels, several weight-gradient slices. */
const LARGER: ConvCase[] = [
  {
    n: 2,
    c: 20,
    o: 18,
    h: 23,
    w: 21,
    k: [3, 3],
    stride: [1, 1],
    dilation: [1, 1],
    pad: [1, 1, 1, 1],
    groups: 1,
  },
  {
    n: 1,
    c: 8,
    o: 40,
    h: 19,
    w: 30,
    k: [5, 5],
    stride: [2, 2],
    dilation: [1, 1],
    pad: [2, 2, 2, 2],
    groups: 2,
  },
];

describe("conv2d vs TensorFlow.js", () => {
  const cases = [...LARGER, ...randomCases(7, 24)];
  test.each(cases.map((c) => [label(c), c] as const))("%s", async (_, c) => {
    const xShape = [c.n, c.c, c.h, c.w];
    const wShape = [c.o, c.c / c.groups, c.k[0], c.k[1]];
    const xd = sample({ shape: xShape }, 1);
    const wd = sample({ shape: wShape }, 2);
    const x = tensor(xd, { shape: xShape }).requiresGrad_();
    const w = tensor(wd, { shape: wShape }).requiresGrad_();
    const out = conv2d(x, w, null, {
      stride: c.stride,
      padding: c.pad,
      dilation: c.dilation,
      groups: c.groups,
    });
    const rd = sample({ shape: [...out.shape] }, 3);
    sum(mul(out, tensor(rd, { shape: out.shape }))).backward();

    // TF.js: HWIO weights, the loss Σ out · r, and its gradients to x and to the (dilated) kernel.
    const wt = tf
      .tensor4d(wd, wShape as [number, number, number, number])
      .transpose([2, 3, 1, 0]) as tf.Tensor4D;
    const kernel = dilateKernel(wt, c.dilation);
    const loss = (xx: tf.Tensor, kk: tf.Tensor) => {
      const y = tfConv(xx as tf.Tensor4D, kk as tf.Tensor4D, { ...c, dilation: [1, 1] });
      return tf.sum(tf.mul(y, nhwc(rd, [...out.shape])));
    };
    const ref = tfConv(nhwc(xd, xShape), wt, c);
    const [gx, gk] = tf.grads(loss)([nhwc(xd, xShape), kernel]);
    // The gradient to the real taps: every d-th row and column of the dilated kernel's gradient.
    const rows = Array.from({ length: c.k[0] }, (_, i) => i * c.dilation[0]);
    const cols = Array.from({ length: c.k[1] }, (_, i) => i * c.dilation[1]);
    const gw = tf.gather(tf.gather(gk, rows, 0), cols, 1);

    expect(out.shape).toEqual([c.n, c.o, ...ref.shape.slice(1, 3)]);
    expectClose(await out.data(), await toNchw(ref));
    expectClose(await x.grad!.data(), await toNchw(gx));
    expectClose(await w.grad!.data(), await toOihw(gw));
  });
});

describe("convTranspose2d vs TensorFlow.js", () => {
  const cases: {
    label: string;
    x: number[];
    w: number[];
    stride: number;
    pad: number;
    outPad: number;
  }[] = [
    { label: "3×3 stride 1", x: [2, 3, 5, 6], w: [3, 4, 3, 3], stride: 1, pad: 1, outPad: 0 },
    {
      label: "4×4 stride 2 pad 1 (DCGAN)",
      x: [1, 4, 4, 5],
      w: [4, 3, 4, 4],
      stride: 2,
      pad: 1,
      outPad: 0,
    },
    {
      label: "3×3 stride 2 output padding 1",
      x: [2, 2, 3, 4],
      w: [2, 5, 3, 3],
      stride: 2,
      pad: 1,
      outPad: 1,
    },
    { label: "5×5 stride 3 pad 2", x: [1, 3, 4, 3], w: [3, 2, 5, 5], stride: 3, pad: 2, outPad: 2 },
  ];
  test.each(cases.map((c) => [c.label, c] as const))("%s", async (_, c) => {
    const xd = sample({ shape: c.x }, 4);
    const wd = sample({ shape: c.w }, 5);
    const x = tensor(xd, { shape: c.x }).requiresGrad_();
    const w = tensor(wd, { shape: c.w }).requiresGrad_();
    const out = convTranspose2d(x, w, null, {
      stride: c.stride,
      padding: c.pad,
      outputPadding: c.outPad,
    });
    const rd = sample({ shape: [...out.shape] }, 6);
    sum(mul(out, tensor(rd, { shape: out.shape }))).backward();

    // TF.js filter [kh, kw, outDepth, inDepth]; the output padding is extra bottom/right rows.
    const [, cout, ho, wo] = out.shape;
    const p = c.pad;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [p, p - c.outPad],
      [p, p - c.outPad],
      [0, 0],
    ];
    const loss = (xx: tf.Tensor, ff: tf.Tensor) => {
      const y = tf.conv2dTranspose(
        xx as tf.Tensor4D,
        ff as tf.Tensor4D,
        [c.x[0], ho, wo, cout],
        c.stride,
        c.outPad ? pad : p,
      );
      return tf.sum(tf.mul(y, nhwc(rd, [...out.shape])));
    };
    const filter = tf.tensor4d(wd, c.w as [number, number, number, number]).transpose([2, 3, 1, 0]);
    const ref = tf.conv2dTranspose(
      nhwc(xd, c.x) as tf.Tensor4D,
      filter as tf.Tensor4D,
      [c.x[0], ho, wo, cout],
      c.stride,
      c.outPad ? pad : p,
    );
    const [gx, gf] = tf.grads(loss)([nhwc(xd, c.x), filter]);
    expectClose(await out.data(), await toNchw(ref));
    expectClose(await x.grad!.data(), await toNchw(gx));
    // filter gradient [kh, kw, out, in] back to PyTorch's [in, out, kh, kw]
    expectClose(await w.grad!.data(), (await gf.transpose([3, 2, 0, 1]).data()) as Float32Array);
  });
});
