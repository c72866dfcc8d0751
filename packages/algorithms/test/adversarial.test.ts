// Attacks: FGSM against a hand-computed gradient, PGD's ball and loss, targeted PGD on the
// shipped LeNet, the ε sweep, and the errors a user can cause.

import { concat, flip, tensor, tidy } from "@sheep/tensor";
import { describe, expect, test } from "vitest";
import {
  type AttackProgress,
  attack,
  attackAsync,
  classIndex,
  classLoss,
  epsilonSweep,
  predict,
} from "../src/index.ts";
import { loadMnistDigits, loadSmallClassifierFile } from "../src/node.ts";
import { linearModel } from "./hand-models.ts";
import { testImage, tinyModel, useWebGPU } from "./helpers.ts";

useWebGPU();

/** Softmax-cross-entropy gradient of a linear model, by hand in float64: (p − e_y)ᵀ W. */
function handGradient(w: Float32Array, k: number, x: number[], y: number): number[] {
  const d = x.length;
  const z = Array.from({ length: k }, (_, c) => x.reduce((s, v, i) => s + v * w[c * d + i], 0));
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const p = e.map((v) => v / e.reduce((a, b) => a + b, 0));
  return x.map((_, i) => p.reduce((s, pc, c) => s + (pc - (c === y ? 1 : 0)) * w[c * d + i], 0));
}

describe("FGSM", () => {
  test("moves each pixel by ε·sign(∇ loss), clipped to [0, 1]", async () => {
    const w = Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5, -2, 1, 0.3, 0.6, -0.9, 1.2]);
    const model = linearModel(w, 3);
    // pixel 1 of image 0 sits near 1 and is pushed up, pixel 1 of image 1 near 0 and is
    // pushed down: the clip must show there
    const xs = [
      [0.3, 0.95, 0.6, 0.5],
      [0.5, 0.04, 0.7, 0.2],
    ];
    const labels = [0, 2];
    const x = tensor(Float32Array.from(xs.flat()), { shape: [2, 1, 2, 2] });
    const eps = 0.1;
    const adv = await attack(model, x, "fgsm", { eps, labels }).data();
    const want = xs.flatMap((row, n) =>
      handGradient(w, 3, row, labels[n]).map((g, i) =>
        Math.min(1, Math.max(0, row[i] + eps * Math.sign(g))),
      ),
    );
    expect(Math.max(...want.map((v, i) => Math.abs(v - adv[i])))).toBeLessThan(1e-6);
    // the hand case does exercise both clips
    expect(want[1]).toBe(1);
    expect(want[5]).toBe(0);
  });
});

describe("PGD", () => {
  for (const norm of ["linf", "l2"] as const) {
    test(`${norm}: stays in its ball and in [0, 1], and raises the loss`, async () => {
      const model = tinyModel(3);
      const img = testImage(16, 16);
      const x = concat([img, flip(img, [3]), flip(img, [2])], 0);
      const eps = norm === "linf" ? 0.03 : 0.5;
      const labels = predict(model, x);
      const adv = attack(model, x, "pgd", { eps, norm, steps: 3, labels, seed: 4 });
      const [xd, ad] = [await x.data(), await adv.data()];
      const per = xd.length / 3;
      for (let n = 0; n < 3; n++) {
        let size = 0;
        for (let i = n * per; i < (n + 1) * per; i++) {
          const d = ad[i] - xd[i];
          size = norm === "linf" ? Math.max(size, Math.abs(d)) : size + d * d;
          expect(ad[i]).toBeGreaterThanOrEqual(0);
          expect(ad[i]).toBeLessThanOrEqual(1);
        }
        if (norm === "l2") size = Math.sqrt(size);
        expect(size).toBeLessThanOrEqual(eps * (1 + 1e-4));
        expect(size).toBeGreaterThan(eps / 4);
      }
      const loss = (t: typeof x) =>
        tidy(() =>
          classLoss(model.forward(model.preprocess(t), ["logits"]).get("logits")!, labels),
        );
      const [before, after] = [await loss(x).item(), await loss(adv).item()];
      expect(after).toBeGreaterThan(before);
    });
  }
});

/** n test digits spread evenly over the split (which is ordered by digit: all ten appear). */
function testDigits(n: number) {
  const digits = loadMnistDigits("test");
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = Math.floor((i * digits.n) / n);
    images.set(digits.images.subarray(j * 784, (j + 1) * 784), i * 784);
    labels[i] = digits.labels[j];
  }
  return { images, labels };
}

describe("attackAsync", () => {
  test("makes attack()'s images, reports each step's loss, and stops where it is told", async () => {
    const model = tinyModel(3);
    const img = testImage(16, 16);
    const x = concat([img, flip(img, [3])], 0);
    const labels = predict(model, x);
    const o = { eps: 0.03, steps: 4, labels, seed: 7 };
    const sync = await attack(model, x, "pgd", o).data();
    const seen: AttackProgress[] = [];
    const adv = await attackAsync(model, x, "pgd", { ...o, onProgress: (p) => void seen.push(p) });
    const got = await adv.data();
    expect(Math.max(...got.map((v, i) => Math.abs(v - sync[i])))).toBeLessThan(1e-6);
    expect(seen.map((p) => `${p.step}/${p.steps}`)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    // each reported loss is the true classes' summed cross-entropy at the step's start
    const loss = (t: typeof x) =>
      tidy(() => classLoss(model.forward(model.preprocess(t), ["logits"]).get("logits")!, labels));
    const start = attack(model, x, "pgd", { ...o, steps: 1, stepSize: 1e-30 });
    expect(seen[0].loss).toBeCloseTo(await loss(start).item(), 4);
    expect(seen.at(-1)!.loss).toBeGreaterThan(seen[0].loss);

    // stopped after step 2: the images of step 2, and no step after it
    const stop = new AbortController();
    const calls: number[] = [];
    const two = await attackAsync(model, x, "pgd", {
      ...o,
      signal: stop.signal,
      onProgress: (p) => {
        calls.push(p.step);
        if (p.step === 2) stop.abort();
      },
    });
    const twoSync = await attack(model, x, "pgd", {
      ...o,
      stepSize: (2.5 * 0.03) / 4,
      steps: 2,
    }).data();
    expect(calls).toEqual([1, 2]);
    const twoGot = await two.data();
    expect(Math.max(...twoGot.map((v, i) => Math.abs(v - twoSync[i])))).toBeLessThan(1e-6);
  });
});

describe("the shipped LeNet", () => {
  // Measured on lavapipe: 27 of 32 test digits (84%) reach their target class (label + 1) with
  // L∞ ε = 0.3, 20 steps of 0.025.
  test("targeted PGD turns most of a batch of digits into the class it is told", async () => {
    const { model } = await loadSmallClassifierFile("lenet-mnist");
    const { images, labels } = testDigits(32);
    const target = Array.from(labels, (y) => (y + 1) % 10);
    const x = tensor(images, { shape: [32, 1, 28, 28] });
    const adv = attack(model, x, "pgd", { eps: 0.3, steps: 20, stepSize: 0.025, target, seed: 1 });
    const got = await predict(model, adv).data();
    const hits = target.filter((t, i) => got[i] === t).length;
    console.log(`targeted PGD (L∞ 0.3, 20 steps): ${hits}/32 reach their target`);
    expect(hits).toBeGreaterThanOrEqual(24);
  }, 120_000);

  test("epsilonSweep: accuracy at ε = 0 is the clean accuracy and falls with ε", async () => {
    const { model } = await loadSmallClassifierFile("lenet-mnist");
    const n = 60;
    const { images, labels } = testDigits(n);
    const points = await epsilonSweep(
      model,
      { images, shape: [n, 1, 28, 28], labels },
      "fgsm",
      [0, 0.1, 0.3],
      { batchSize: 60, keep: 4 },
    );
    const clean = await predict(model, tensor(images, { shape: [n, 1, 28, 28] })).data();
    const right = labels.filter((y, i) => clean[i] === y).length;
    expect(points[0].correct).toBe(right);
    expect(points[0].total).toBe(n);
    expect(points[1].accuracy).toBeLessThan(points[0].accuracy);
    expect(points[2].accuracy).toBeLessThan(points[1].accuracy);
    expect(points[2].examples.images.length).toBe(4 * 784);
    expect(points[2].examples.labels).toEqual(labels.subarray(0, 4));

    // stopped during the second ε: only the first comes back, and it is the same
    const stop = new AbortController();
    const part = await epsilonSweep(
      model,
      { images, shape: [n, 1, 28, 28], labels },
      "fgsm",
      [0, 0.1, 0.3],
      {
        batchSize: 30,
        keep: 4,
        signal: stop.signal,
        onProgress: (done) => {
          if (done === 90) stop.abort();
        },
      },
    );
    expect(part.map((p) => p.eps)).toEqual([0]);
    expect(part[0].correct).toBe(right);
  }, 120_000);
});

describe("bad inputs", () => {
  const image = () => tensor(new Float32Array(4).fill(0.5), { shape: [1, 1, 2, 2] });
  test("ε < 0, an unknown method, steps 0", () => {
    const x = image();
    const model = linearModel(new Float32Array(8).fill(1), 2);
    expect(() => attack(model, x, "fgsm", { eps: -0.1 })).toThrow(
      "attack: eps must be a number ≥ 0 (pixels are in [0, 1]), got -0.1",
    );
    expect(() => attack(model, x, "cw" as never, { eps: 0.1 })).toThrow(
      'unknown attack "cw" (fgsm, bim or pgd)',
    );
    expect(() => attack(model, x, "pgd", { eps: 0.1, steps: 0 })).toThrow(
      "attack: steps must be an integer ≥ 1, got 0",
    );
  });
  test("a target class the model lacks; a class name with a typo", () => {
    const x = image();
    const model = linearModel(new Float32Array(8).fill(1), 2);
    expect(() => attack(model, x, "pgd", { eps: 0.1, target: 7 })).toThrow(
      "linear: class 7 does not exist (classes are 0…1)",
    );
    const fashion = { ...model, name: "fashion-cnn", classes: ["T-shirt/top", "Sneaker", "Bag"] };
    expect(classIndex(fashion, "sneaker")).toBe(1);
    expect(classIndex(fashion, "2")).toBe(2);
    expect(() => classIndex(fashion, "sneeker")).toThrow(
      'fashion-cnn has no class "sneeker" (did you mean "Sneaker"',
    );
    expect(() => classIndex(fashion, "12")).toThrow(
      "fashion-cnn has no class 12 (classes are 0…2)",
    );
  });
});
