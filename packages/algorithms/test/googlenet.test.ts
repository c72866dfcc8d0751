// The shipped GoogLeNet and SqueezeNet behind the DreamModel interface: their taps and class
// names, minSize against Caffe's size rules worked out here by hand, GoogLeNet's classifier
// applied convolutionally (equal to Caffe's own at 224², a map beyond), real photos from
// apps/demo/static/samples classified, and a class-targeted dream whose objective rises.

import { join } from "node:path";
import { classify, loadGoogLeNetFile, loadSqueezeNetFile } from "@sheep/models/node";
import { add, flatten, matmul, noGrad, randn, tidy, transpose } from "@sheep/tensor";
import { beforeAll, describe, expect, test } from "vitest";
import {
  type DreamModel,
  dream,
  googLeNetDreamModel,
  objectiveFromSpec,
  parseClassMixture,
  readImageTensor,
  squeezeNetDreamModel,
} from "../src/node.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

let googlenet: Awaited<ReturnType<typeof loadGoogLeNetFile>>;
let squeezenet: Awaited<ReturnType<typeof loadSqueezeNetFile>>;
let gModel: DreamModel;
let sModel: DreamModel;
beforeAll(async () => {
  googlenet = await loadGoogLeNetFile();
  squeezenet = await loadSqueezeNetFile();
  gModel = googLeNetDreamModel(googlenet);
  sModel = squeezeNetDreamModel(squeezenet);
});

/** GoogLeNet's side at inception_4c for an n×n input: conv1 7×7/2 pad 3, then three ceil pools. */
function side4c(n: number): number {
  const conv = (m: number) => Math.floor((m + 6 - 7) / 2) + 1;
  const pool = (m: number) => (m < 3 ? 0 : Math.ceil((m - 3) / 2) + 1);
  return pool(pool(pool(conv(n))));
}

describe("googLeNetDreamModel", () => {
  test("taps, default layer, readable class names with synonyms", () => {
    expect(gModel.name).toBe("googlenet");
    expect(gModel.taps).toContain("inception_4c/output");
    expect(gModel.taps).toContain("conv1/7x7_s2");
    expect(gModel.taps).not.toContain("data");
    expect(gModel.dreamLayers).toEqual({ "inception_4c/output": 1 });
    expect(gModel.inputSize).toBe(224);
    expect(gModel.classes).toHaveLength(1000);
    expect(gModel.classes?.[8]).toBe("hen");
    const terms = parseClassMixture("hen:0.5,sports car:0.5", gModel.classes);
    expect(terms).toEqual([
      { kind: "class", index: 8, weight: 0.5 },
      { kind: "class", index: 817, weight: 0.5 },
    ]);
    expect(gModel.classes?.[817]).toBe("sports car, sport car");
  });

  test("minSize follows Caffe's rounding (worked out by hand here)", () => {
    let n = 1;
    while (side4c(n) < 1) n++;
    expect(gModel.minSize?.(["inception_4c/output"])).toBe(n);
    // The classifier reads pool5 (7×7/1 over inception_5b): 5b must be at least 7×7.
    const min = gModel.minSize!(["loss3/classifier"]);
    expect(min).toBeGreaterThan(160);
    expect(min).toBeLessThanOrEqual(224);
  });

  test("the logits: Caffe's classifier at 224², the same weights at every position beyond", async () => {
    // One pass gives pool5 and the adapter's logits; Caffe's InnerProduct is computed here from
    // pool5 with a matrix product, independently of the adapter's 1×1 convolution.
    const x224 = randn([1, 3, 224, 224], { seed: 3 });
    const out = noGrad(() => gModel.forward(x224, ["pool5/7x7_s1", "loss3/classifier"]));
    const logits = out.get("loss3/classifier")!;
    expect(logits.shape).toEqual([1, 1000]);
    const w = googlenet.net.weight("loss3/classifier.weight")!;
    const bias = googlenet.net.weight("loss3/classifier.bias")!;
    const byHand = noGrad(() =>
      add(matmul(flatten(out.get("pool5/7x7_s1")!, 1), transpose(w, 0, 1)), bias),
    );
    const [a, b] = [(await logits.data()) as Float32Array, (await byHand.data()) as Float32Array];
    const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)).toBeLessThan(1e-4 * scale);
    // 256²: inception_5b is 8×8, pool5 2×2, and so are the class scores.
    const big = noGrad(() =>
      tidy(
        () =>
          gModel.forward(randn([1, 3, 256, 256]), ["loss3/classifier"]).get("loss3/classifier")!
            .shape,
      ),
    );
    expect(big).toEqual([1, 1000, 2, 2]);
  });
});

// Real photos shipped with the project (scikit-image's samples, CC0; credits in CREDITS.md there).
const images = join(import.meta.dirname, "..", "..", "..", "apps", "demo", "static", "samples");

describe("real photos", () => {
  // What is asserted, and why it is robust: a cat photo's probability lies mostly on the five
  // domestic-cat classes (GoogLeNet 97%, SqueezeNet 98% measured) and the coffee photo's top
  // class is espresso (97% / 99.8%); "over half" and "top-1" leave wide room for rounding.
  const cats = /\b(tabby|tiger cat|Persian cat|Siamese cat|Egyptian cat)\b/;
  const photo = (name: string) => readImageTensor(join(images, name));
  test("squeezenet: Chelsea is a cat, the coffee is an espresso", async () => {
    const chelsea = await classify(squeezenet, await photo("chelsea.png"), { topK: 5 });
    const catMass = chelsea
      .filter((p) => cats.test(p.label))
      .reduce((a, p) => a + p.probability, 0);
    expect(catMass, JSON.stringify(chelsea)).toBeGreaterThan(0.5);
    expect(chelsea[0].label).toMatch(cats);
    const coffee = await classify(squeezenet, await photo("coffee.png"), { topK: 1 });
    expect(coffee[0].label).toBe("espresso");
    expect(coffee[0].probability).toBeGreaterThan(0.5);
  });

  // GoogLeNet's Chelsea is apps/cli's classify test; here the coffee, through classify().
  test("googlenet: the coffee is an espresso", async () => {
    const coffee = await classify(googlenet, await photo("coffee.png"), { topK: 1 });
    expect(coffee[0].label).toBe("espresso");
    expect(coffee[0].probability).toBeGreaterThan(0.5);
  });
});

describe("squeezeNetDreamModel", () => {
  test("a class-targeted dream raises that class's logit", async () => {
    expect(sModel.logitsTap).toBe("pool10");
    const image = randn([1, 3, 64, 64], { seed: 1 }).mul(0.1).add(0.5);
    const objective = objectiveFromSpec(sModel, { classes: "espresso" });
    const seen: number[] = [];
    // Small steps and no jitter: at 64² the default 1.5 (std-normalised) overshoots a logit.
    const options = { objective, octaves: 1, steps: 3, stepSize: 0.1, jitter: 0 };
    const out = await dream(sModel, image, options, (p) => {
      seen.push(p.objective);
    });
    expect(out.shape).toEqual([1, 3, 64, 64]);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toBeGreaterThan(seen[0]);
    // And the network agrees: the espresso logit of the result is above that of the start.
    const logit = (x: typeof image) =>
      noGrad(() =>
        tidy(() => flatten(sModel.forward(sModel.preprocess(x), ["pool10"]).get("pool10")!, 1)),
      );
    const [before, after] = [await logit(image).data(), await logit(out).data()];
    console.log(
      `squeezenet espresso dream: objective ${seen.map((v) => v.toFixed(2)).join(" → ")}, logit ${before[967].toFixed(2)} → ${after[967].toFixed(2)}`,
    );
    expect(after[967]).toBeGreaterThan(before[967]);
  });
});
