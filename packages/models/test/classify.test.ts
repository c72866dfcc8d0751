// classify(): resize, preprocess by dialect, logits, softmax, top-k with ImageNet labels; and
// the labels themselves, with their attribution.

import { init, rand, release, tidy } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { classify, classifyBatch, classProbabilities } from "../src/classify.ts";
import { IMAGENET_LABELS_ATTRIBUTION, imagenetLabels } from "../src/labels.ts";
import { vggConfig } from "../src/vgg/architecture.ts";
import { loadVgg } from "../src/vgg/load.ts";
import type { Vgg } from "../src/vgg/model.ts";
import { randomVggWeights, vggSafetensors } from "../src/vgg/random.ts";

let model: Vgg;
beforeAll(async () => {
  await init();
  const config = vggConfig("vgg16", { divisor: 16, hidden: 64 });
  model = await loadVgg(vggSafetensors(config, "torchvision", randomVggWeights(config, 21)), {
    taps: ["logits"],
  });
});
afterAll(() => release());

describe("ImageNet labels", () => {
  test("1,000 labels in the standard order, with their attribution", () => {
    const labels = imagenetLabels();
    expect(labels).toHaveLength(1000);
    expect(labels[0]).toBe("tench, Tinca tinca");
    expect(labels[281]).toBe("tabby, tabby cat");
    expect(labels[999]).toMatch(/toilet tissue/);
    expect(IMAGENET_LABELS_ATTRIBUTION).toMatch(
      /@tensorflow-models\/mobilenet.*Apache License 2\.0/,
    );
  });
});

describe("classify", () => {
  test("top-k classes, most probable first, from any image size", async () => {
    const image = rand([1, 3, 57, 90], { seed: 1 });
    const top = await classify(model, image, { topK: 5 });
    expect(top).toHaveLength(5);
    const labels = imagenetLabels();
    for (const p of top) {
      expect(p.label).toBe(labels[p.index]);
      expect(p.probability).toBeGreaterThan(0);
    }
    for (let i = 1; i < 5; i++)
      expect(top[i].probability).toBeLessThanOrEqual(top[i - 1].probability);
    // The same numbers as the differentiable path, and all probabilities sum to 1.
    const probs = tidy(() => classProbabilities(model, image));
    const all = await probs.data();
    expect(Array.from(all).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(top[0].probability).toBeCloseTo(Math.max(...all), 6);
    expect(top[0].index).toBe(all.indexOf(Math.max(...all)));
  });

  test("batches, CHW images, custom labels and the errors", async () => {
    const batch = rand([2, 3, 40, 40], { seed: 2 });
    const both = await classifyBatch(model, batch, { topK: 3 });
    expect(both.map((r) => r.length)).toEqual([3, 3]);
    const chw = await classify(model, rand([3, 224, 224], { seed: 3 }), { topK: 1 });
    expect(chw).toHaveLength(1);
    const named = await classify(model, rand([1, 3, 30, 30]), {
      topK: 2,
      labels: imagenetLabels().map((l) => l.toUpperCase()),
    });
    expect(named[0].label).toBe(imagenetLabels()[named[0].index].toUpperCase());
    await expect(classify(model, batch)).rejects.toThrow(/classifyBatch/);
    await expect(classify(model, rand([1, 3, 32, 32]), { topK: 0 })).rejects.toThrow(/topK/);
    const features = await loadVgg(
      vggSafetensors(model.config, "timm", randomVggWeights(model.config, 1)),
      { taps: ["relu1_1"] },
    );
    await expect(classify(features, rand([1, 3, 32, 32]))).rejects.toThrow(
      /without its classifier/,
    );
  });
});
