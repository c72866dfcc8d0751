// From a .caffemodel to a running network: a legacy V1 caffemodel our writer makes (with an
// extra layer the deploy prototxt lacks, like a training snapshot's auxiliary classifier) is
// converted with its prototxt and labels, loaded by loadCaffeSafetensors with nothing else,
// and run on the float64 cpu backend against the same net computed with plain loops.

import { init, tensor } from "@sheep/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { CaffeError, readCaffemodel } from "../src/caffe/caffemodel.ts";
import { caffeConversion, caffemodelToSafetensors } from "../src/caffe/caffemodel-convert.ts";
import { writeCaffemodel } from "../src/caffe/caffemodel-write.ts";
import { loadCaffeSafetensors } from "../src/caffe/load.ts";

const PROTOTXT = `name: "Tiny"
input: "data"
input_shape { dim: 1 dim: 2 dim: 3 dim: 3 }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param { num_output: 3 kernel_size: 1 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "fc" type: "InnerProduct" bottom: "conv1" top: "fc"
  inner_product_param { num_output: 2 } }
layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }
`;

const seq = (n: number, f: (i: number) => number) =>
  Float32Array.from({ length: n }, (_, i) => f(i));
const convW = seq(6, (i) => [0.5, -1, 0.25, 2, -0.75, 1.5][i]); // [3, 2, 1, 1]
const convB = Float32Array.of(0.1, -0.2, 0.3);
const fcW = seq(2 * 27, (i) => Math.sin(i + 1) / 4); // [2, 27], columns in C, H, W order
const fcB = Float32Array.of(0.05, -0.05);
const LAYERS = [
  { name: "data", type: "Data", blobs: [] },
  {
    name: "conv1",
    type: "Convolution",
    blobs: [
      { shape: [3, 2, 1, 1], data: convW },
      { shape: [3], data: convB },
    ],
  },
  { name: "relu1", type: "ReLU", blobs: [] },
  {
    name: "aux/fc",
    type: "InnerProduct",
    blobs: [{ shape: [4, 27], data: new Float32Array(108) }],
  },
  {
    name: "fc",
    type: "InnerProduct",
    blobs: [
      { shape: [2, 27], data: fcW },
      { shape: [2], data: fcB },
    ],
  },
  { name: "prob", type: "Softmax", blobs: [] },
];
const CAFFEMODEL = writeCaffemodel(
  { name: "Tiny", layers: LAYERS },
  { format: "v1", shape: "nchw" },
);

/** The same net with loops: 1×1 conv, ReLU, fully connected over the C, H, W-flattened map. */
function reference(x: Float32Array): number[] {
  const h: number[] = [];
  for (let o = 0; o < 3; o++) {
    for (let p = 0; p < 9; p++) {
      const v = convB[o] + convW[2 * o] * x[p] + convW[2 * o + 1] * x[9 + p];
      h.push(Math.max(0, v));
    }
  }
  return [0, 1].map((k) => fcB[k] + h.reduce((s, v, j) => s + fcW[27 * k + j] * v, 0));
}

beforeAll(() => init({ backend: "cpu" }));

describe("caffemodel → safetensors → CaffeNet", () => {
  it("keeps the prototxt's layers, and carries the prototxt and labels", () => {
    const c = caffeConversion(readCaffemodel(CAFFEMODEL), {
      prototxt: PROTOTXT,
      labels: "n1 a\nn2 b\n",
    });
    expect(c.dropped).toEqual(["aux/fc"]);
    expect([...c.tensors.keys()]).toEqual(["conv1.weight", "conv1.bias", "fc.weight", "fc.bias"]);
    expect(c.metadata).toMatchObject({
      format: "caffe",
      net: "Tiny",
      prototxt: PROTOTXT,
      labels: "n1 a\nn2 b",
    });
  });

  it("loads with nothing but the file, and computes what the loops compute", async () => {
    const file = caffemodelToSafetensors(CAFFEMODEL, { prototxt: PROTOTXT, labels: "n1 a\nn2 b" });
    const { net, synsets } = await loadCaffeSafetensors(file, { backend: "cpu" });
    expect(synsets).toEqual(["n1 a", "n2 b"]);
    const x = seq(18, (i) => ((i * 7) % 11) / 5 - 1);
    const out = net.forward(tensor(x, { shape: [1, 2, 3, 3], backend: "cpu" }), ["fc"]).get("fc")!;
    expect(out.shape).toEqual([1, 2]);
    const got = Array.from((await out.data()) as ArrayLike<number>);
    const want = reference(x);
    // Float64 arithmetic, read back as float32: agreement to float32 rounding.
    for (let k = 0; k < 2; k++) expect(got[k]).toBeCloseTo(want[k], 6);
  });

  it("refuses a caffemodel that lacks a layer the prototxt needs", () => {
    const missing = writeCaffemodel({ layers: LAYERS.filter((l) => l.name !== "fc") });
    expect(() => caffemodelToSafetensors(missing, { prototxt: PROTOTXT })).toThrow(CaffeError);
    expect(() => caffemodelToSafetensors(missing, { prototxt: PROTOTXT })).toThrow(
      'caffemodel NetParameter: the prototxt\'s InnerProduct layer "fc" has no weights in this caffemodel',
    );
  });
});
