// Taps: names and shapes, one pass that stops at the deepest tap, the ReLU fused unless the
// pre-ReLU value is asked for, clear errors, gradients to the input, and parameter names.

import { engine, grad, init, randn, release } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { vggConfig, vggTapTable } from "../src/vgg/architecture.ts";
import { loadVgg } from "../src/vgg/load.ts";
import type { Vgg } from "../src/vgg/model.ts";
import { randomVggWeights, vggSafetensors } from "../src/vgg/random.ts";

let vgg16: Vgg;
let vgg19: Vgg;
beforeAll(async () => {
  await init();
  const c16 = vggConfig("vgg16", { divisor: 16, hidden: 64, classes: 10 });
  const c19 = vggConfig("vgg19", { divisor: 16, hidden: 64, classes: 10 });
  vgg16 = await loadVgg(vggSafetensors(c16, "torchvision", randomVggWeights(c16, 7)));
  vgg19 = await loadVgg(vggSafetensors(c19, "keras", randomVggWeights(c19, 8)));
});
afterAll(() => release());

/** The ops that dispatched kernels while computing the taps. */
async function opsOf(model: Vgg, taps: string[], size = 32): Promise<string[]> {
  const x = randn([1, 3, size, size], { seed: 1 });
  const records = await engine.trace(() => model.forward(x, taps));
  return records.map((r) => r.op);
}

describe("tap names", () => {
  test("every naming scheme, aliases pointing at the same point", () => {
    const t16 = vggTapTable(vgg16.config);
    // torchvision features indices: conv at 2k, its ReLU at 2k + 1, pools at 4, 9, 16, 23, 30.
    expect(t16.get("features.0")).toEqual(t16.get("conv1_1"));
    expect(t16.get("features.1")).toEqual(t16.get("relu1_1"));
    expect(t16.get("features.1")).toEqual(t16.get("block1_conv1"));
    expect(t16.get("features.4")).toEqual(t16.get("block1_pool"));
    expect(t16.get("features.16")).toEqual(t16.get("pool3"));
    expect(t16.get("features.29")).toEqual(t16.get("block5_conv3"));
    expect(t16.get("features.30")).toEqual(t16.get("block5_pool"));
    expect(t16.has("features.31")).toBe(false);
    expect(t16.get("conv1_1")!.pre).toBe(true);
    expect(t16.get("block1_conv1")!.pre).toBe(false);
    const t19 = vggTapTable(vgg19.config);
    expect(t19.get("features.16")).toEqual(t19.get("conv3_4"));
    expect(t19.get("features.36")).toEqual(t19.get("block5_pool"));
    expect(t19.get("features.35")).toEqual(t19.get("relu5_4"));
    expect(t19.has("relu5_4")).toBe(true);
    expect(t16.has("relu5_4")).toBe(false);
    for (const t of [t16, t19]) {
      expect(t.get("classifier.1")).toEqual(t.get("fc1"));
      expect(t.get("classifier.5")).toEqual(t.get("fc2"));
      expect(t.get("classifier.6")).toEqual(t.get("logits"));
    }
  });

  test("shapes at 64×64 and 224×224", () => {
    const s = vgg16.tapShapes(
      [2, 3, 64, 64],
      ["conv1_1", "pool1", "relu3_3", "block5_pool", "avgpool", "fc2", "logits"],
    );
    expect([...s.values()]).toEqual([
      [2, 4, 64, 64],
      [2, 4, 32, 32],
      [2, 16, 16, 16],
      [2, 32, 2, 2],
      [2, 32, 7, 7],
      [2, 64],
      [2, 10],
    ]);
    expect(vgg19.tapShapes([1, 3, 224, 224], ["relu4_4", "pool5"]).get("pool5")).toEqual([
      1, 32, 7, 7,
    ]);
  });
});

describe("one forward pass", () => {
  test("returns exactly the taps asked for, with the predicted shapes", () => {
    const x = randn([2, 3, 48, 40], { seed: 2 });
    const taps = ["relu1_2", "conv2_1", "features.16", "block4_pool", "fc1", "logits"];
    const out = vgg16.forward(x, taps);
    expect([...out.keys()]).toEqual(taps);
    const shapes = vgg16.tapShapes(x.shape, taps);
    for (const t of taps) expect(out.get(t)!.shape, t).toEqual(shapes.get(t));
  });

  test("stops at the deepest tap", async () => {
    const ops = await opsOf(vgg16, ["relu1_2"]);
    expect(ops.filter((o) => o === "conv2dRelu").length).toBeGreaterThan(0);
    expect(ops).not.toContain("maxPool2d");
    const deeper = await opsOf(vgg16, ["block2_pool", "relu1_1"]);
    expect(deeper.filter((o) => o === "maxPool2d").length).toBe(2);
    expect(deeper).not.toContain("adaptiveAvgPool2d");
    expect(deeper).not.toContain("matmul");
  });

  test("fuses each ReLU into its conv unless the pre-ReLU tap is asked for", async () => {
    const fused = await opsOf(vgg16, ["relu1_2"]);
    expect(fused).not.toContain("relu");
    const pre = await opsOf(vgg16, ["conv1_2", "relu1_2"]);
    expect(pre).toContain("relu");
    // The pre-ReLU value at the deepest tap needs no ReLU at all.
    const last = await opsOf(vgg16, ["conv1_2"]);
    expect(last).not.toContain("relu");
  });

  test("pre- and post-ReLU taps agree with each other", async () => {
    const x = randn([1, 3, 32, 32], { seed: 3 });
    const out = vgg19.forward(x, ["conv3_2", "relu3_2", "block3_conv2"]);
    const pre = await out.get("conv3_2")!.data();
    const post = await out.get("relu3_2")!.data();
    expect(pre.some((v) => v < 0)).toBe(true);
    for (let i = 0; i < pre.length; i++) expect(post[i]).toBeCloseTo(Math.max(0, pre[i]), 5);
    expect(out.get("block3_conv2")).toBe(out.get("relu3_2"));
  });
});

describe("errors and gradients", () => {
  test("bad inputs and taps are refused clearly", () => {
    expect(() => vgg16.forward(randn([1, 3, 16, 16]), ["pool5"])).toThrow(/too small to reach/);
    expect(() => vgg16.forward(randn([1, 4, 32, 32]), ["pool1"])).toThrow(/\[N, 3, H, W\]/);
    expect(() => vgg16.forward(randn([1, 3, 32, 32]), ["relu5_4"])).toThrow(/no tap "relu5_4"/);
    expect(() => vgg16.forward(randn([1, 3, 32, 32]), [])).toThrow(/at least one tap/);
  });

  test("a model loaded for shallow taps refuses deeper ones", async () => {
    const c = vgg16.config;
    const shallow = await loadVgg(vggSafetensors(c, "timm", randomVggWeights(c, 9)), {
      taps: ["relu2_1", "conv1_1"],
    });
    expect(shallow.depth).toBe(vggTapTable(c).get("relu2_1")!.step);
    expect(shallow.namedParameters().map(([n]) => n)).toEqual([
      "features.0.weight",
      "features.0.bias",
      "features.2.weight",
      "features.2.bias",
      "features.5.weight",
      "features.5.bias",
    ]);
    expect(() => shallow.forward(randn([1, 3, 32, 32]), ["relu2_2"])).toThrow(/loaded without/);
    shallow.dispose();
  });

  test("weights are frozen, gradients reach the input (what dream pipelines need)", async () => {
    expect(vgg16.parameters().every((p) => !p.requiresGrad)).toBe(true);
    expect(vgg16.training).toBe(false);
    const x = randn([1, 3, 32, 32], { seed: 4 });
    const [g] = grad((img) => vgg16.forward(img, ["relu4_3"]).get("relu4_3")!.square().mean())(x);
    expect(g.shape).toEqual([1, 3, 32, 32]);
    const data = await g.data();
    expect(data.some((v) => v !== 0)).toBe(true);
    expect(data.every(Number.isFinite)).toBe(true);
  });

  test("parameters carry torchvision's names whatever the dialect", () => {
    const names = vgg19.namedParameters().map(([n]) => n);
    expect(names.slice(0, 2)).toEqual(["features.0.weight", "features.0.bias"]);
    expect(names).toContain("features.34.weight");
    expect(names.slice(-2)).toEqual(["classifier.6.weight", "classifier.6.bias"]);
  });
});
