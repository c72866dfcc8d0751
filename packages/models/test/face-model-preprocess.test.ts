// face-api's input handling on the engine against TensorFlow.js: padToSquare (centred) and
// tf.image.resizeBilinear with alignCorners = false, halfPixelCenters = false, as
// NetInput.toBatchTensor does them, on non-square images bigger and smaller than 150.

import { grad, init, rand, release, type Tensor } from "@sheep/tensor";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  legacyBilinearMatrix,
  padToSquare,
  prepareFaceImage,
  resizeBilinearLegacy,
} from "../src/face/preprocess.ts";
import { PREPROCESSING } from "../src/preprocess.ts";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await init();
});
afterAll(() => release());

/** face-api's padToSquare(img, true) on NHWC, written with its own tf ops and rounding. */
function tfPadToSquare(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (h === w) return x;
  const diff = Math.abs(h - w);
  const append = Math.round(diff * 0.5);
  const axis = h > w ? 2 : 1;
  const zeros = (n: number) => {
    const shape = [...x.shape];
    shape[axis] = n;
    return tf.zeros(shape);
  };
  const parts = [diff - append ? zeros(diff - append) : null, x, zeros(append)].filter((t) => t);
  return tf.concat(parts as tf.Tensor4D[], axis);
}

async function nhwc(t: Tensor): Promise<tf.Tensor4D> {
  const shape = t.shape as [number, number, number, number];
  return tf.transpose(tf.tensor4d(await t.data(), shape), [0, 2, 3, 1]);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("face input handling vs TF.js", () => {
  test.each([
    [37, 50],
    [171, 160],
    [150, 149],
    [80, 80],
  ])("%i×%i image: pad to square, resize to 150, as face-api", async (h, w) => {
    const img = rand([2, 3, h, w], { seed: h + w });
    const ours = padToSquare(img);
    const side = Math.max(h, w);
    expect(ours.shape).toEqual([2, 3, side, side]);
    const theirs = tfPadToSquare(await nhwc(img));
    expect(maxDiff(await (await nhwc(ours)).data(), await theirs.data())).toBe(0);
    const resized = resizeBilinearLegacy(ours, [150, 150]);
    const tfResized = tf.image.resizeBilinear(theirs, [150, 150], false, false);
    const err = maxDiff(await (await nhwc(resized)).data(), await tfResized.data());
    expect(err).toBeLessThan(1e-6);
    // prepareFaceImage = those two, then the face preset.
    const prepared = PREPROCESSING.face.denormalize(prepareFaceImage(img));
    expect(maxDiff(await (await nhwc(prepared)).data(), await tfResized.data())).toBeLessThan(1e-5);
  });

  test("the interpolation matrix: rows sum to 1, sampling at i · in / out", () => {
    const m = legacyBilinearMatrix(4, 3);
    // i = 0 → 0; i = 1 → 4/3 (rows 1 and 2); i = 2 → 8/3 (rows 2 and 3).
    const expected = [1, 0, 0, 0, 0, 2 / 3, 1 / 3, 0, 0, 0, 1 / 3, 2 / 3];
    for (const [i, v] of expected.entries()) expect(m[i]).toBeCloseTo(v, 6);
    const up = legacyBilinearMatrix(3, 7);
    for (let r = 0; r < 7; r++)
      expect(up.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
  });

  test("is differentiable in the image", async () => {
    const img = rand([1, 3, 20, 30], { seed: 9 });
    const [g] = grad((x) => prepareFaceImage(x).sum())(img);
    expect(g.shape).toEqual([1, 3, 20, 30]);
    expect((await g.data()).every((v) => v > 0)).toBe(true);
  });
});
