// The adapters: VGG (a tiny random file in timm names) and the face network behind the
// DreamModel interface — taps, sizes, class names — and a short dream through each.

import {
  loadFaceNetFile,
  loadVgg,
  randomVggWeights,
  vggConfig,
  vggSafetensors,
} from "@sheep/models/node";
import { noGrad, randn, tidy } from "@sheep/tensor";
import { describe, expect, test } from "vitest";
import { dream, faceDreamModel, faceTapSides, vggDreamModel } from "../src/index.ts";
import { testImage, useWebGPU } from "./helpers.ts";

useWebGPU();

describe("vggDreamModel", () => {
  test("a tiny VGG16 with its classifier: taps, ImageNet names, sizes, a dream", async () => {
    const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
    const vgg = await loadVgg(vggSafetensors(config, "timm", randomVggWeights(config, 2)));
    const model = vggDreamModel(vgg);
    expect(model.name).toBe("vgg16");
    expect(model.taps).toContain("block4_conv3");
    expect(model.taps).toContain("logits");
    expect(model.classes?.[8]).toBe("hen");
    expect(model.minSize?.(["block1_conv1"])).toBe(1);
    expect(model.minSize?.(["block3_conv1"])).toBe(4);
    expect(model.minSize?.(["logits"])).toBe(32);
    const out = await dream(model, testImage(40, 48), { octaves: 2, steps: 2 });
    expect(out.shape).toEqual([1, 3, 40, 48]);
  });

  test("loaded only to block3: deeper taps are not offered", async () => {
    const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
    const bytes = vggSafetensors(config, "timm", randomVggWeights(config, 2), {
      classifier: false,
    });
    const model = vggDreamModel(await loadVgg(bytes, { taps: ["block3_conv2"] }));
    expect(model.taps).toContain("block3_conv2");
    expect(model.taps).not.toContain("block4_conv1");
    expect(model.classes).toBeUndefined();
    expect(model.dreamLayers).toEqual({ block3_conv2: 1 });
  });
});

describe("faceDreamModel", () => {
  test("faceTapSides predicts the network's map sizes; non-square inputs work", async () => {
    const model = faceDreamModel(await loadFaceNetFile());
    const taps = ["stem", "layer2.3", "layer3.0", "layer4.3"];
    for (const side of [103, 150]) {
      const shapes = noGrad(() =>
        tidy(() =>
          [...model.forward(randn([1, 3, side, side]), taps).values()].map((t) => t.shape),
        ),
      );
      const sides = faceTapSides(side);
      expect(shapes.map((s) => s[2])).toEqual(taps.map((t) => sides.get(t)));
    }
    expect(model.minSize?.(["layer4.3"])).toBe(103);
    const shapes = noGrad(() =>
      tidy(() => [...model.forward(randn([1, 3, 96, 140]), ["layer2.3"]).values()][0].shape),
    );
    expect(shapes).toEqual([
      1,
      64,
      faceTapSides(96).get("layer2.3"),
      faceTapSides(140).get("layer2.3"),
    ]);
    const out = await dream(model, testImage(72, 90), { octaves: 1, steps: 2 });
    expect(out.shape).toEqual([1, 3, 72, 90]);
  });
});
