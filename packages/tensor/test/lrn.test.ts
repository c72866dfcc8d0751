// localResponseNorm (Caffe's ACROSS_CHANNELS LRN, PyTorch's local_response_norm): the webgpu
// forward and gradients against the float64 cpu oracle and finite differences (checkFunction),
// and against two values computed outside the engine: the formula written as plain loops here,
// and TF.js's tf.localResponseNormalization with depthRadius = (size − 1)/2, bias = k,
// alpha = alpha/size (TF does not divide alpha by the window), beta = beta.

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, test } from "vitest";
import { localResponseNorm, mul, sum, type Tensor, tensor } from "../src/index.ts";
import { checkFunction } from "./cnn-helpers.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();
beforeAll(async () => {
  await tf.setBackend("cpu");
});

// Large alpha so the normalisation visibly matters at these magnitudes (GoogLeNet's 1e-4 acts on
// activations in the hundreds).
const opts = { alpha: 0.5, beta: 0.75, k: 2 };

describe("localResponseNorm", () => {
  checkFunction("lrn size 5", (x) => localResponseNorm(x, 5, opts), [{ shape: [2, 7, 3, 4] }]);
  checkFunction("lrn size 3, one channel", (x) => localResponseNorm(x, 3, opts), [
    { shape: [1, 1, 5, 3] },
  ]);
  checkFunction("lrn even size 4", (x) => localResponseNorm(x, 4, { k: 1.5, alpha: 1 }), [
    { shape: [1, 6, 2, 3] },
  ]);

  /** out[c] = x[c] / (k + alpha/size · Σ_{c' = c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋} x[c']²)^beta */
  function loops(x: Float32Array, shape: number[], size: number, a: number, b: number, k: number) {
    const [n, c, h, w] = shape;
    const hw = h * w;
    const out = new Float64Array(x.length);
    for (let i = 0; i < n; i++)
      for (let ch = 0; ch < c; ch++)
        for (let p = 0; p < hw; p++) {
          let s = 0;
          for (let d = ch - Math.floor(size / 2); d <= ch + Math.floor((size - 1) / 2); d++) {
            if (d >= 0 && d < c) s += x[(i * c + d) * hw + p] ** 2;
          }
          const at = (i * c + ch) * hw + p;
          out[at] = x[at] / (k + (a / size) * s) ** b;
        }
    return out;
  }

  test("matches the formula written as loops (sizes 1, 4, 5, 7)", async () => {
    const shape = [2, 9, 3, 5];
    const x = sample({ shape, domain: [-3, 3] }, 11) as Float32Array;
    for (const size of [1, 4, 5, 7]) {
      const out = localResponseNorm(tensor(x, { shape }), size, opts);
      const r = closeness(await out.data(), loops(x, shape, size, 0.5, 0.75, 2), { rtol: 1e-5 });
      expect(r.ok, `size ${size}: ${r.detail}`).toBe(true);
    }
  });

  test("matches TF.js localResponseNormalization, forward and gradient", async () => {
    const shape = [1, 8, 4, 5];
    const size = 5;
    const x = sample({ shape, domain: [-3, 3] }, 5) as Float32Array;
    const g = sample({ shape, domain: [-1, 1] }, 6) as Float32Array;
    const nhwc = tf.transpose(
      tf.tensor4d(x, shape as [number, number, number, number]),
      [0, 2, 3, 1],
    );
    const gNhwc = tf.transpose(
      tf.tensor4d(g, shape as [number, number, number, number]),
      [0, 2, 3, 1],
    );
    const lrn = (t: tf.Tensor4D) =>
      tf.localResponseNormalization(t, (size - 1) / 2, opts.k, opts.alpha / size, opts.beta);
    const tfOut = await tf.transpose(lrn(nhwc as tf.Tensor4D), [0, 3, 1, 2]).data();
    const tfGrad = await tf
      .transpose(
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lrn(t as tf.Tensor4D), gNhwc)))(nhwc),
        [0, 3, 1, 2],
      )
      .data();

    const xt: Tensor = tensor(x, { shape, requiresGrad: true });
    const out = localResponseNorm(xt, size, opts);
    sum(mul(out, tensor(g, { shape }))).backward();
    const fwd = closeness(await out.data(), tfOut, { rtol: 1e-5, atol: 1e-6 });
    expect(fwd.ok, fwd.detail).toBe(true);
    const back = closeness(await xt.grad!.data(), tfGrad, { rtol: 1e-4, atol: 1e-5 });
    expect(back.ok, back.detail).toBe(true);
  });

  test("bad arguments are one-line errors", () => {
    const x = tensor(new Float32Array(8), { shape: [1, 2, 2, 2] });
    expect(() => localResponseNorm(x, 0)).toThrow(/size must be an integer ≥ 1, got 0/);
    expect(() => localResponseNorm(x, 2.5)).toThrow(/size must be an integer ≥ 1, got 2.5/);
    expect(() => localResponseNorm(tensor([1, 2]), 3)).toThrow(/at least 3 dims/);
    expect(() => localResponseNorm(x, 3, { beta: Number.NaN })).toThrow(/beta must be finite/);
  });
});
