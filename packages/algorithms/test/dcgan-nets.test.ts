// DCGAN's networks against independent oracles: one D step's and one G step's gradients against
// TensorFlow.js (CPU) on the same weights and inputs (TF.js is NHWC/HWIO: transposed at the
// boundary); the critic's hand-written input gradient against the engine's autograd; and the
// WGAN-GP loss's parameter gradient is checked in dcgan-gp.test.ts.

import {
  backward,
  grad,
  init,
  type nn,
  rand,
  randn,
  release,
  sum,
  type Tensor,
  tidy,
} from "@sheep/tensor";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  Discriminator,
  Generator,
  generatorLoss,
  nsDiscriminatorLoss,
  oneHotRows,
} from "../src/index.ts";

beforeAll(async () => {
  await init({ backend: "cpu", makeDefault: false });
  await init({ backend: "webgpu" });
  await tf.setBackend("cpu");
});
afterAll(() => release());

const SHAPE = { zDim: 6, width: 2, classes: 0 };
const N = 4;

async function host(t: Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}

/** A module's parameters as TF.js variables, by name. */
async function tfParams(m: nn.Module): Promise<Map<string, tf.Variable>> {
  const out = new Map<string, tf.Variable>();
  for (const [name, p] of m.namedParameters())
    out.set(name, tf.variable(tf.tensor(await host(p), [...p.shape])));
  return out;
}

const nhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D;
const nchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]) as tf.Tensor4D;
/** Training-mode batch norm over NHWC channels (biased variance, as PyTorch normalises). */
const bn = (h: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor) => {
  const { mean, variance } = tf.moments(h, [0, 1, 2]);
  return tf.add(
    tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), w),
    b,
  ) as tf.Tensor4D;
};

/** G in TF.js: PyTorch ConvTranspose2d weight [in, out, kh, kw] is TF.js's [kh, kw, out, in]. */
function tfG(p: Map<string, tf.Tensor>, z: tf.Tensor): tf.Tensor4D {
  const w = SHAPE.width;
  let h = nhwc(tf.reshape(tf.matMul(z, p.get("fc.weight")!, false, true), [N, 2 * w, 7, 7]));
  h = tf.relu(bn(h, p.get("bn0.weight")!, p.get("bn0.bias")!));
  const up = (x: tf.Tensor4D, key: string, out: number) =>
    tf.conv2dTranspose(
      x,
      tf.transpose(p.get(key)!, [2, 3, 1, 0]) as tf.Tensor4D,
      [N, x.shape[1] * 2, x.shape[2] * 2, out],
      2,
      "same",
    );
  h = tf.relu(bn(up(h, "up1.weight", w), p.get("bn1.weight")!, p.get("bn1.bias")!));
  return nchw(tf.tanh(tf.add(up(h, "up2.weight", 1), p.get("up2.bias")!)));
}

/** D in TF.js: Conv2d weight [out, in, kh, kw] is TF.js's [kh, kw, in, out]; 'same' = pad 1 here. */
function tfD(p: Map<string, tf.Tensor>, x: tf.Tensor4D): tf.Tensor {
  const conv = (h: tf.Tensor4D, key: string) =>
    tf.conv2d(h, tf.transpose(p.get(key)!, [2, 3, 1, 0]) as tf.Tensor4D, 2, "same");
  let h = tf.leakyRelu(
    tf.add(conv(nhwc(x), "conv1.weight"), p.get("conv1.bias")!),
    0.2,
  ) as tf.Tensor4D;
  h = tf.leakyRelu(
    bn(conv(h, "conv2.weight"), p.get("bn2.weight")!, p.get("bn2.bias")!),
    0.2,
  ) as tf.Tensor4D;
  const flat = tf.reshape(nchw(h), [N, -1]); // PyTorch flattens C, H, W
  return tf.add(tf.matMul(flat, p.get("fc.weight")!, false, true), p.get("fc.bias")!);
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string) {
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(actual.length, what).toBe(expected.length);
  expect(scale, `${what}: gradient is not all zero`).toBeGreaterThan(0);
  expect(worst / scale, `${what}: max error / max |gradient|`).toBeLessThan(2e-3);
}

describe("one D step and one G step match TF.js", () => {
  test("non-saturating loss: every parameter's gradient", async () => {
    const g = new Generator(SHAPE, { seed: 3 });
    const d = new Discriminator(SHAPE, { seed: 4 });
    const x = rand([N, 1, 28, 28], { seed: 5 }).mul(2).sub(1);
    const z = randn([N, SHAPE.zDim], { seed: 6 });
    const gp = await tfParams(g);
    const dp = await tfParams(d);
    const xTf = tf.tensor(await host(x), [N, 1, 28, 28]) as tf.Tensor4D;
    const zTf = tf.tensor(await host(z), [N, SHAPE.zDim]);

    // D step: G's sample is a constant; the loss is E softplus(−D(x)) + E softplus(D(G(z))).
    tidy(() => {
      const fake = g.forward(z).detach();
      const loss = nsDiscriminatorLoss(d, x, fake);
      backward(loss);
      return loss;
    });
    const fakeTf = tf.tidy(() => tfG(gp, zTf));
    const dGrads = tf.variableGrads(
      () =>
        tf.add(
          tf.mean(tf.softplus(tf.neg(tfD(dp, xTf)))),
          tf.mean(tf.softplus(tfD(dp, fakeTf))),
        ) as tf.Scalar,
      [...dp.values()],
    ).grads;
    for (const [name, p] of d.namedParameters()) {
      expectClose(
        await host(p.grad!),
        (await dGrads[dp.get(name)!.name].data()) as Float32Array,
        `D ${name}`,
      );
    }

    // G step: D frozen, loss E softplus(−D(G(z))).
    d.requiresGrad_(false);
    tidy(() => {
      const loss = generatorLoss("ns", d, g, z);
      backward(loss);
      return loss;
    });
    const gGrads = tf.variableGrads(
      () => tf.mean(tf.softplus(tf.neg(tfD(dp, tfG(gp, zTf))))) as tf.Scalar,
      [...gp.values()],
    ).grads;
    for (const [name, p] of g.namedParameters()) {
      expectClose(
        await host(p.grad!),
        (await gGrads[gp.get(name)!.name].data()) as Float32Array,
        `G ${name}`,
      );
    }
  });
});

describe("the WGAN-GP critic", () => {
  test("its hand-written input gradient equals the engine's autograd ∂ΣD/∂x", async () => {
    const d = new Discriminator(SHAPE, { seed: 7, critic: true });
    const x = rand([N, 1, 28, 28], { seed: 8 }).mul(2).sub(1);
    const [auto] = grad((xx: Tensor) => sum(d.forward(xx)))(x);
    const { gx } = d.inputGrad(x);
    expectClose(await host(gx), await host(auto), "∇ₓD");
  });
});

describe("the conditional variant and bad input", () => {
  test("G and D take one-hot classes; G's class changes its output", async () => {
    const shape = { zDim: 6, width: 2, classes: 3 };
    const g = new Generator(shape, { seed: 13 });
    const d = new Discriminator(shape, { seed: 14 });
    g.eval();
    const z = randn([2, 6], { seed: 15 });
    const a = g.forward(z, oneHotRows([0, 0], 3));
    const b = g.forward(z, oneHotRows([2, 2], 3));
    expect(a.shape).toEqual([2, 1, 28, 28]);
    expect(d.forward(a, oneHotRows([0, 0], 3)).shape).toEqual([2, 1]);
    const [ha, hb] = [await host(a), await host(b)];
    expect(ha.some((v, i) => Math.abs(v - hb[i]) > 1e-4)).toBe(true);
  });

  test("bad shapes and classes are refused in one clear line", () => {
    expect(() => new Generator({ zDim: 0, width: 2, classes: 0 }, { seed: 1 })).toThrow(
      /Generator: zDim 0 must be an integer in \[1, 1024\]/,
    );
    expect(() => oneHotRows([3], 3)).toThrow(/class 3 must be an integer in \[0, 2\]/);
    const g = new Generator({ zDim: 6, width: 2, classes: 3 }, { seed: 1 });
    expect(() => g.forward(randn([1, 6]))).toThrow(/needs one-hot classes/);
    const d = new Discriminator(SHAPE, { seed: 1 });
    expect(() => d.inputGrad(randn([1, 1, 28, 28]))).toThrow(/only for the unconditional critic/);
  });
});
