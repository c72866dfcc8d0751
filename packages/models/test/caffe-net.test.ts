// The Caffe net builder on small hand-written nets: every layer type on WebGPU against the
// float64 cpu backend, the Caffe-specific meanings checked against values computed here
// (BatchNorm's scale_factor, Eltwise coeffs, InnerProduct's flatten and transpose, Reshape's
// 0/-1), in-place taps, running only what the taps need, the fused ReLU, and clear errors.
// Plus: every blob of both shipped deploy prototxts is a tap, with Caffe's shapes.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { engine, init, release, type Tensor, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CaffeNet } from "../src/caffe/net.ts";
import { openFileSource } from "../src/safetensors/node.ts";
import { loadTensors } from "../src/tensors.ts";

beforeAll(async () => {
  await init({ backend: "cpu", makeDefault: false });
  await init();
});
afterAll(() => release());

/** Seeded values in [-1, 1]. */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const NET = `
name: "every-layer"
input: "data"
input_shape { dim: 2 dim: 4 dim: 9 dim: 10 }
layer { name: "c1" type: "Convolution" bottom: "data" top: "c1"
  convolution_param { num_output: 6 kernel_size: 3 pad: 1 stride: 1 group: 2 } }
layer { name: "r1" type: "ReLU" bottom: "c1" top: "c1" }
layer { name: "c2" type: "Convolution" bottom: "c1" top: "c2"
  convolution_param { num_output: 4 kernel_h: 3 kernel_w: 1 pad_h: 2 pad_w: 0 dilation: 2 bias_term: false } }
layer { name: "lr" type: "ReLU" bottom: "c2" top: "c2r" relu_param { negative_slope: 0.1 } }
layer { name: "p1" type: "Pooling" bottom: "c1" top: "p1" pooling_param { pool: MAX kernel_size: 3 stride: 2 pad: 1 } }
layer { name: "p2" type: "Pooling" bottom: "c2r" top: "p2" pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }
layer { name: "n1" type: "LRN" bottom: "p1" top: "n1" lrn_param { local_size: 3 alpha: 0.5 beta: 0.75 k: 2 } }
layer { name: "cat" type: "Concat" bottom: "n1" bottom: "p2" top: "cat" }
layer { name: "bn" type: "BatchNorm" bottom: "cat" top: "cat" }
layer { name: "sc" type: "Scale" bottom: "cat" top: "cat" scale_param { bias_term: true } }
layer { name: "sum" type: "Eltwise" bottom: "cat" bottom: "cat" top: "sum" eltwise_param { operation: SUM coeff: 0.5 coeff: -2 } }
layer { name: "prod" type: "Eltwise" bottom: "sum" bottom: "cat" top: "prod" eltwise_param { operation: PROD } }
layer { name: "max" type: "Eltwise" bottom: "prod" bottom: "cat" top: "max" eltwise_param { operation: MAX } }
layer { name: "drop" type: "Dropout" bottom: "max" top: "max" }
layer { name: "flat" type: "Flatten" bottom: "max" top: "flat" }
layer { name: "fc" type: "InnerProduct" bottom: "max" top: "fc" inner_product_param { num_output: 5 } }
layer { name: "fct" type: "InnerProduct" bottom: "flat" top: "fct" inner_product_param { num_output: 3 transpose: true } }
layer { name: "rs" type: "Reshape" bottom: "fc" top: "rs" reshape_param { shape { dim: 0 dim: -1 dim: 1 } } }
layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }
`;

// Every blob's shape for a [2, 4, 9, 10] input, by Caffe's rules.
const SHAPES: Record<string, number[]> = {
  data: [2, 4, 9, 10],
  c1: [2, 6, 9, 10],
  c2: [2, 4, 9, 10], // (9 + 4 − 5)/1 + 1 rows, 10 columns
  c2r: [2, 4, 9, 10],
  // ceil((9 + 2 − 3)/2) + 1 = 5; ceil((10 + 2 − 3)/2) + 1 = 6, kept as (6 − 1)·2 < 10 + 1
  p1: [2, 6, 5, 6],
  p2: [2, 4, 5, 6],
  n1: [2, 6, 5, 6],
  cat: [2, 10, 5, 6],
  sum: [2, 10, 5, 6],
  prod: [2, 10, 5, 6],
  max: [2, 10, 5, 6],
  flat: [2, 300],
  fc: [2, 5],
  fct: [2, 3],
  rs: [2, 5, 1],
  prob: [2, 5],
};

function weightsOn(backend: "cpu" | "webgpu"): Map<string, Tensor> {
  const specs: [string, number[]][] = [
    ["c1.weight", [6, 2, 3, 3]],
    ["c1.bias", [6]],
    ["c2.weight", [4, 6, 3, 1]],
    ["fc.weight", [5, 300]],
    ["fc.bias", [5]],
    ["fct.weight", [300, 3]],
    ["fct.bias", [3]],
    ["sc.weight", [10]],
    ["sc.bias", [10]],
  ];
  const m = new Map<string, Tensor>();
  specs.forEach(([name, shape], i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    m.set(name, tensor(values(n, 100 + i), { shape, backend }));
  });
  // BatchNorm stores sums: mean·f, var·f and f (here f = 4).
  m.set(
    "bn.mean",
    tensor(
      values(10, 7).map((v) => 4 * v),
      { shape: [10], backend },
    ),
  );
  m.set(
    "bn.variance",
    tensor(
      values(10, 8).map((v) => 4 * (1 + v * v)),
      { shape: [10], backend },
    ),
  );
  m.set("bn.scale_factor", tensor([4], { shape: [1], backend }));
  return m;
}

describe("a net with every layer type", () => {
  test("blob shapes follow Caffe's rules; the forward matches them", () => {
    const net = new CaffeNet(NET, weightsOn("cpu"));
    expect(net.tapNames).toEqual(Object.keys(SHAPES));
    expect(Object.fromEntries(net.blobShapes([2, 4, 9, 10]))).toEqual(SHAPES);
  });

  test("WebGPU matches the float64 cpu backend at every tap", async () => {
    const x = values(2 * 4 * 9 * 10, 1);
    const taps = Object.keys(SHAPES);
    const cpu = new CaffeNet(NET, weightsOn("cpu")).forward(
      tensor(x, { shape: [2, 4, 9, 10], backend: "cpu" }),
      taps,
    );
    const gpu = new CaffeNet(NET, weightsOn("webgpu")).forward(
      tensor(x, { shape: [2, 4, 9, 10], backend: "webgpu" }),
      taps,
    );
    for (const t of taps) {
      const [a, e] = [await gpu.get(t)!.data(), await cpu.get(t)!.data64()];
      expect(gpu.get(t)!.shape, t).toEqual(SHAPES[t]);
      const worst = e.reduce(
        (m, v, i) => Math.max(m, Math.abs(a[i] - v) / (1e-3 + Math.abs(v))),
        0,
      );
      expect(worst, t).toBeLessThan(1e-3);
    }
  });

  test("Caffe's meanings, against values computed here", async () => {
    const w = weightsOn("cpu");
    const net = new CaffeNet(NET, w);
    const x = tensor(values(2 * 4 * 9 * 10, 2), { shape: [2, 4, 9, 10], backend: "cpu" });
    const out = net.forward(x, [
      "c1",
      "n1",
      "p2",
      "cat",
      "sum",
      "prod",
      "max",
      "flat",
      "fc",
      "fct",
      "rs",
      "prob",
    ]);
    const get = async (t: string) => out.get(t)!.data64();
    // In place: "c1" is the value after its ReLU, and "cat" after BatchNorm and Scale.
    expect(Math.min(...(await get("c1")))).toBeGreaterThanOrEqual(0);
    // cat before bn: n1 and p2 stacked on channels; bn: (v − mean) / sqrt(var + 1e-5) with the
    // stored sums divided by the factor 4; scale: · gamma + beta.
    const [n1, p2, cat] = [await get("n1"), await get("p2"), await get("cat")];
    const mean = await w.get("bn.mean")!.data64();
    const variance = await w.get("bn.variance")!.data64();
    const gamma = await w.get("sc.weight")!.data64();
    const beta = await w.get("sc.bias")!.data64();
    const hw = 30;
    for (let n = 0; n < 2; n++) {
      for (let c = 0; c < 10; c++) {
        for (let p = 0; p < hw; p++) {
          const raw = c < 6 ? n1[(n * 6 + c) * hw + p] : p2[(n * 4 + c - 6) * hw + p];
          const want =
            ((raw - mean[c] / 4) / Math.sqrt(variance[c] / 4 + 1e-5)) * gamma[c] + beta[c];
          expect(cat[(n * 10 + c) * hw + p]).toBeCloseTo(want, 10);
        }
      }
    }
    const [sum, prod, max] = [await get("sum"), await get("prod"), await get("max")];
    cat.forEach((v, i) => {
      expect(sum[i]).toBeCloseTo(0.5 * v - 2 * v, 12);
      expect(prod[i]).toBeCloseTo(sum[i] * v, 12);
      expect(max[i]).toBeCloseTo(Math.max(prod[i], v), 12);
    });
    // fc: flatten(max) · Wᵀ + b with W [5, 300]; fct: flatten · W + b with W [300, 3] (transpose).
    const [fcW, fcB] = [await w.get("fc.weight")!.data64(), await w.get("fc.bias")!.data64()];
    const [ftW, ftB] = [await w.get("fct.weight")!.data64(), await w.get("fct.bias")!.data64()];
    const [fc, fct, flat] = [await get("fc"), await get("fct"), await get("flat")];
    for (let n = 0; n < 2; n++) {
      for (let o = 0; o < 5; o++) {
        let s = fcB[o];
        for (let i = 0; i < 300; i++) s += max[n * 300 + i] * fcW[o * 300 + i];
        expect(fc[n * 5 + o]).toBeCloseTo(s, 10);
      }
      for (let o = 0; o < 3; o++) {
        let s = ftB[o];
        for (let i = 0; i < 300; i++) s += flat[n * 300 + i] * ftW[i * 3 + o];
        expect(fct[n * 3 + o]).toBeCloseTo(s, 10);
      }
    }
    expect(await get("rs")).toEqual(fc);
    const prob = await get("prob");
    for (let n = 0; n < 2; n++) {
      const z = fc.slice(n * 5, n * 5 + 5);
      const e = z.map((v) => Math.exp(v));
      const total = e.reduce((a, b) => a + b, 0);
      for (const [o, v] of e.entries()) expect(prob[n * 5 + o]).toBeCloseTo(v / total, 12);
    }
  });

  test("only the layers the taps need run, and a conv's ReLU is fused into it", async () => {
    const net = new CaffeNet(NET, weightsOn("webgpu"));
    const x = tensor(values(2 * 4 * 9 * 10, 3), { shape: [2, 4, 9, 10] });
    // The kernels that ran, less the conv's input packing. A first pass packs (and caches) the
    // conv weights, so the traced passes show only the layers themselves.
    await net.forward(x, ["p2", "p1"]).get("p2")!.data();
    const ops = async (taps: string[]) =>
      (await engine.trace(() => net.forward(x, taps)))
        .filter((r) => r.kernel !== "conv2d.packInput")
        .map((r) => r.op);
    // c1 with its ReLU: one conv dispatch (the fused variant, conv2dRelu), no separate relu.
    expect(await ops(["c1"])).toEqual(["conv2dRelu"]);
    // p1 needs c1 but not the c2 branch.
    expect(await ops(["p1"])).toEqual(["conv2dRelu", "maxPool2d"]);
    expect((await ops(["p2"])).filter((o) => o.startsWith("conv2d"))).toHaveLength(2);
    // A small input still reaches c1 though fc could not take it: nothing past c1 is run.
    const tiny = tensor(values(4 * 2 * 2, 4), { shape: [1, 4, 2, 2] });
    expect(net.forward(tiny, ["c1"]).get("c1")!.shape).toEqual([1, 6, 2, 2]);
    expect(() => net.forward(tiny, ["fc"])).toThrow(
      'Caffe layer "fc" (InnerProduct): input [1,10,2,2] has 40 features per item; the weights take 300',
    );
  });

  test("clear errors: unknown layer type, missing or misshapen weights, unknown tap, bad input", () => {
    const w = weightsOn("cpu");
    expect(
      () =>
        new CaffeNet(
          'input: "d" input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2 layer { name: "odd" type: "Frobnicate" bottom: "d" top: "o" }',
          w,
        ),
    ).toThrow(
      /^Caffe layer "odd" \(Frobnicate\): unknown layer type "Frobnicate" \(known: Convolution/,
    );
    const missing = new Map(w);
    missing.delete("c1.bias");
    expect(() => new CaffeNet(NET, missing)).toThrow(
      'Caffe layer "c1" (Convolution): no weights "c1.bias" for Convolution layer "c1"',
    );
    const wrong = new Map(w);
    wrong.set("fc.bias", tensor(values(4, 1), { shape: [4], backend: "cpu" }));
    expect(() => new CaffeNet(NET, wrong)).toThrow(
      'weights "fc.bias" have shape [4], expected [5]',
    );
    const net = new CaffeNet(NET, w);
    expect(() =>
      net.forward(tensor(values(10, 1), { shape: [1, 1, 2, 5], backend: "cpu" }), ["c1"]),
    ).toThrow('every-layer: input "data" must have 4 channels (dim 1), got [1,1,2,5]');
    expect(() => net.blobShapes([1, 4, 9, 10], ["nope"])).toThrow(
      /every-layer has no blob "nope" \(its blobs: data, c1/,
    );
    expect(
      () => new CaffeNet('input: "d" layer { name: "x" type: "ReLU" bottom: "q" top: "x" }', w),
    ).toThrow('Caffe layer "x" (ReLU): bottom "q" is not written by any earlier layer or input');
  });
});

describe("the shipped deploy prototxts", () => {
  const dir = new URL("../weights/", import.meta.url);
  const weights = async (file: string) =>
    loadTensors(await openFileSource(fileURLToPath(new URL(file, dir))), undefined, {
      backend: "cpu",
    });

  test.each([
    [
      "googlenet.deploy.prototxt",
      224,
      {
        "conv1/7x7_s2": [1, 64, 112, 112],
        "pool1/3x3_s2": [1, 64, 56, 56],
        "inception_4c/output": [1, 512, 14, 14],
        "pool5/7x7_s1": [1, 1024, 1, 1],
        "loss3/classifier": [1, 1000],
        prob: [1, 1000],
      },
    ],
    ["googlenet.deepdream.prototxt", 224, { "inception_5b/output": [1, 1024, 7, 7] }],
    [
      "squeezenet.deploy.prototxt",
      227,
      {
        conv1: [1, 64, 113, 113],
        pool1: [1, 64, 56, 56],
        "fire9/concat": [1, 512, 14, 14],
        pool10: [1, 1000, 1, 1],
        prob: [1, 1000, 1, 1],
      },
    ],
  ] as const)("%s: every blob is a tap, with Caffe's shapes at %i²", async (file, size, known) => {
    const text = readFileSync(new URL(file, dir), "utf8");
    const w = await weights(
      file.startsWith("google") ? "googlenet.safetensors" : "squeezenet.safetensors",
    );
    const net = new CaffeNet(text, w);
    // Every name written as a top or read as a bottom, found in the text independently.
    const blobs = new Set([...text.matchAll(/^\s*(?:top|bottom): "([^"]+)"/gm)].map((m) => m[1]));
    blobs.add("data");
    expect(new Set(net.tapNames)).toEqual(blobs);
    const shapes = net.blobShapes([1, 3, size, size]);
    expect(shapes.size).toBe(blobs.size);
    for (const [tap, shape] of Object.entries(known)) expect(shapes.get(tap), tap).toEqual(shape);
  });
});
