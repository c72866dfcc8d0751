// A user's own Caffe model through loadDreamModel({ model: "caffe" }): a .caffemodel written by
// the project's writer with a VGG-style deploy prototxt (legacy V1 layers, input_dim lines),
// converted in memory, as a DreamModel whose logits, class names and default layer come from
// the prototxt and labels; and the same weights from a converted safetensors file.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caffemodelToSafetensors, writeCaffemodel } from "@sheep/models";
import { init, tensor } from "@sheep/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { caffeDreamLayer, caffeLogitsTap } from "../src/models/caffe.ts";
import { loadDreamModel } from "../src/node.ts";

// conv1_1 (1×1, 3 → 2) + ReLU, conv4_3 (1×1, 2 → 2) + ReLU in place, global average pool,
// fc8 (2 → 3), prob: the shape of VGG_ILSVRC_16_layers_deploy.prototxt in miniature.
const PROTOTXT = `name: "VGG_mini"
input: "data"
input_dim: 1
input_dim: 3
input_dim: 4
input_dim: 4
layers { bottom: "data" top: "conv1_1" name: "conv1_1" type: CONVOLUTION
  convolution_param { num_output: 2 kernel_size: 1 } }
layers { bottom: "conv1_1" top: "conv1_1" name: "relu1_1" type: RELU }
layers { bottom: "conv1_1" top: "conv4_3" name: "conv4_3" type: CONVOLUTION
  convolution_param { num_output: 2 kernel_size: 1 } }
layers { bottom: "conv4_3" top: "conv4_3" name: "relu4_3" type: RELU }
layers { bottom: "conv4_3" top: "pool5" name: "pool5" type: POOLING
  pooling_param { pool: AVE global_pooling: true } }
layers { bottom: "pool5" top: "fc8" name: "fc8" type: INNER_PRODUCT
  inner_product_param { num_output: 3 } }
layers { bottom: "fc8" top: "prob" name: "prob" type: SOFTMAX }
`;
const w1 = Float32Array.of(0.5, -1, 0.25, 2, -0.75, 1.5); // [2, 3, 1, 1]
const b1 = Float32Array.of(0.1, -0.2);
const w4 = Float32Array.of(1, -0.5, 0.25, 0.75); // [2, 2, 1, 1]
const b4 = Float32Array.of(0, 0.05);
const w8 = Float32Array.of(1, 2, -1, 0.5, 0.3, -0.3); // [3, 2]
const b8 = Float32Array.of(0.01, 0.02, 0.03);
const LABELS = "n01514859 hen\nn04285008 sports car, sport car\nn02123045 tabby, tabby cat";

/** The same net in loops, on the BGR 0..255 minus-mean input the adapter feeds it. */
function reference(rgb01: Float32Array): number[] {
  const mean = [104, 117, 123];
  const px = 16;
  const bgr = [2, 1, 0].map((c, i) =>
    Array.from({ length: px }, (_, p) => rgb01[c * px + p] * 255 - mean[i]),
  );
  const relu = (v: number) => Math.max(0, v);
  const h1 = [0, 1].map((o) =>
    Array.from({ length: px }, (_, p) =>
      relu(b1[o] + w1[3 * o] * bgr[0][p] + w1[3 * o + 1] * bgr[1][p] + w1[3 * o + 2] * bgr[2][p]),
    ),
  );
  const h4 = [0, 1].map((o) =>
    Array.from({ length: px }, (_, p) =>
      relu(b4[o] + w4[2 * o] * h1[0][p] + w4[2 * o + 1] * h1[1][p]),
    ),
  );
  const pooled = h4.map((c) => c.reduce((a, b) => a + b, 0) / px);
  return [0, 1, 2].map((k) => b8[k] + w8[2 * k] * pooled[0] + w8[2 * k + 1] * pooled[1]);
}

let dir: string;
beforeAll(async () => {
  await init({ backend: "cpu" });
  dir = mkdtempSync(join(tmpdir(), "sheep-caffe-user-"));
  const layers = [
    { name: "conv1_1", type: "Convolution", blobs: [blob([2, 3, 1, 1], w1), blob([2], b1)] },
    { name: "relu1_1", type: "ReLU", blobs: [] },
    { name: "conv4_3", type: "Convolution", blobs: [blob([2, 2, 1, 1], w4), blob([2], b4)] },
    { name: "fc8", type: "InnerProduct", blobs: [blob([3, 2], w8), blob([3], b8)] },
  ];
  const model = writeCaffemodel({ name: "VGG_mini", layers }, { format: "v1" });
  writeFileSync(join(dir, "mini.caffemodel"), model);
  writeFileSync(join(dir, "deploy.prototxt"), PROTOTXT);
  writeFileSync(join(dir, "labels.txt"), `${LABELS}\n`);
  writeFileSync(
    join(dir, "mini.safetensors"),
    caffemodelToSafetensors(model, { prototxt: PROTOTXT }),
  );
});

function blob(shape: number[], data: Float32Array) {
  return { shape, data };
}

const x01 = Float32Array.from({ length: 48 }, (_, i) => ((i * 37) % 101) / 100);

describe("loadDreamModel({ model: 'caffe' })", () => {
  it("a .caffemodel with its prototxt: logits, class names, default layer from the files", async () => {
    const { model } = await loadDreamModel({
      model: "caffe",
      weights: join(dir, "mini.caffemodel"),
      prototxt: join(dir, "deploy.prototxt"),
      labels: join(dir, "labels.txt"),
    });
    expect(model.name).toBe("VGG_mini");
    expect(model.logitsTap).toBe("fc8");
    expect(model.classes).toEqual(["hen", "sports car, sport car", "tabby, tabby cat"]);
    expect(model.dreamLayers).toEqual({ conv4_3: 1 });
    expect(model.inputSize).toBe(4);
    expect(model.taps).toEqual(["conv1_1", "conv4_3", "pool5", "fc8", "prob"]);
    const x = tensor(x01, { shape: [1, 3, 4, 4] });
    const out = model.forward(model.preprocess(x), ["fc8"]).get("fc8")!;
    const got = Array.from(await out.data());
    const want = reference(x01);
    for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo(want[k], 4);
  });

  it("a converted safetensors file carries its prototxt: no --prototxt needed", async () => {
    const { model } = await loadDreamModel({
      model: "caffe",
      weights: join(dir, "mini.safetensors"),
    });
    expect(model.classes).toBeUndefined(); // no labels given or carried
    const x = tensor(x01, { shape: [1, 3, 4, 4] });
    const got = Array.from(await model.forward(model.preprocess(x), ["fc8"]).get("fc8")!.data());
    const want = reference(x01);
    for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo(want[k], 4);
  });

  it("says what is missing", async () => {
    await expect(loadDreamModel({ model: "caffe" })).rejects.toThrow(/needs --weights/);
    await expect(
      loadDreamModel({ model: "caffe", weights: join(dir, "mini.caffemodel") }),
    ).rejects.toThrow(/deploy prototxt is needed too/);
    await expect(
      loadDreamModel({
        model: "caffe",
        weights: join(dir, "mini.caffemodel"),
        prototxt: join(dir, "nope.prototxt"),
      }),
    ).rejects.toThrow(/no prototxt file at/);
  });

  it("finds the logits and a dream layer in nets without VGG names", async () => {
    const { model } = await loadDreamModel({
      model: "caffe",
      weights: join(dir, "mini.safetensors"),
    });
    expect(model.logitsTap).toBe("fc8");
    const { CaffeNet } = await import("@sheep/models");
    const plain = new CaffeNet(
      `name: "P" input: "data" input_shape { dim: 1 dim: 1 dim: 2 dim: 2 }
       layer { name: "a" type: "Convolution" bottom: "data" top: "a"
         convolution_param { num_output: 1 kernel_size: 1 bias_term: false } }
       layer { name: "b" type: "Convolution" bottom: "a" top: "b"
         convolution_param { num_output: 1 kernel_size: 1 bias_term: false } }
       layer { name: "c" type: "Convolution" bottom: "b" top: "c"
         convolution_param { num_output: 1 kernel_size: 1 bias_term: false } }`,
      new Map(["a", "b", "c"].map((n) => [`${n}.weight`, tensor([1], { shape: [1, 1, 1, 1] })])),
    );
    expect(caffeLogitsTap(plain)).toBeUndefined();
    expect(caffeDreamLayer(plain)).toBe("c");
  });
});
