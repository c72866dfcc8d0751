// Modules: parameter naming, state dicts in and out (and their errors), modes, lifetimes;
// the layers' forward passes; the initialisers' statistics.

import { describe, expect, test } from "vitest";
import { engine, manualSeed, matmul, nn, type Tensor, tensor, tidy, zeros } from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

/** A module with a buffer and nested children, named like a torchvision model. */
class Net extends nn.Module {
  readonly features: nn.Sequential;
  readonly head: nn.Linear;
  readonly scale: Tensor;

  constructor(hidden = 8) {
    super();
    this.features = this.registerModule(
      "features",
      new nn.Sequential(new nn.Linear(4, hidden), new nn.ReLU(), new nn.Linear(hidden, hidden)),
    );
    this.head = this.registerModule("head", new nn.Linear(hidden, 3, { bias: false }));
    this.scale = this.registerBuffer("scale", tensor([2]));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x)).mul(this.scale);
  }
}

const stats = (v: ArrayLike<number>) => {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    s2 += v[i] * v[i];
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean) };
};

describe("Module", () => {
  test("parameters, buffers and the state dict use dotted PyTorch names", () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "features.0.weight",
      "features.0.bias",
      "features.2.weight",
      "features.2.bias",
      "head.weight",
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(["scale"]);
    const sd = net.stateDict();
    expect([...sd.keys()]).toEqual([
      "scale",
      "features.0.weight",
      "features.0.bias",
      "features.2.weight",
      "features.2.bias",
      "head.weight",
    ]);
    expect(sd.get("features.2.weight")).toBe(net.features.at(2).parameters()[0]);
    expect(sd.get("head.weight")!.shape).toEqual([3, 8]);
    expect(net.parameters().every((p) => p.requiresGrad && p.kept)).toBe(true);
    net.dispose();
  });

  test("loadStateDict copies values and keeps the parameters' identity", async () => {
    manualSeed(1);
    const a = new Net();
    const b = new Net();
    const before = b.parameters();
    const x = tensor([[0.5, -1, 2, 0.25]]);
    const want = await a.forward(x).data();
    expect(Array.from(await b.forward(x).data())).not.toEqual(Array.from(want));
    const r = b.loadStateDict(a.stateDict());
    expect(r).toEqual({ missing: [], unexpected: [] });
    expect(b.parameters()).toEqual(before);
    for (const [i, p] of b.parameters().entries()) expect(p).toBe(before[i]);
    expect(Array.from(await b.forward(x).data())).toEqual(Array.from(want));
    // The loaded model trains on its own: a's weights are untouched by b's updates.
    nn.assign(b.head.weight, zeros([3, 8]));
    expect(Array.from(await a.forward(x).data())).toEqual(Array.from(want));
    a.dispose();
    b.dispose();
    x.dispose();
  });

  test("strict loading lists every missing key, unexpected key and shape mismatch", async () => {
    const net = new Net();
    const other = new Net(5);
    const sd = new Map(other.stateDict());
    sd.delete("head.weight");
    sd.set("classifier.weight", sd.get("scale")!);
    let err: unknown;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(nn.StateDictError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/nothing was loaded/);
    expect(msg).toMatch(/missing keys \(1\):\n {4}head\.weight/);
    expect(msg).toMatch(/unexpected keys \(1\):\n {4}classifier\.weight/);
    expect(msg).toMatch(/features\.0\.weight: model \[8, 4\], given \[5, 4\]/);
    expect(msg).toMatch(/shape mismatches \(4\)/);
    // Non-strict loading tolerates key differences but never a wrong shape.
    expect(() => net.loadStateDict(sd, { strict: false })).toThrow(/shape mismatches/);
    const fits = new Map([...net.stateDict()].filter(([k]) => k !== "scale"));
    fits.set("extra", tensor([1]));
    expect(net.loadStateDict(fits, { strict: false })).toEqual({
      missing: ["scale"],
      unexpected: ["extra"],
    });
    // Tensors on another backend are refused before anything is copied.
    const onCpu = new Map(
      [...net.stateDict()].map(([k, t]) => [
        k,
        tensor(new Float32Array(t.size), { shape: t.shape, backend: "cpu" }),
      ]),
    );
    const w = await net.head.weight.data();
    expect(() => net.loadStateDict(onCpu)).toThrow(/live on the cpu backend, the model on webgpu/);
    expect(Array.from(await net.head.weight.data())).toEqual(Array.from(w));
    net.dispose();
    other.dispose();
  });

  test("train() and eval() reach every module; zeroGrad and dispose", () => {
    const before = engine.memory().tensors;
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.eval();
    expect(net.modules().some((m) => m.training)).toBe(false);
    net.train();
    expect(net.features.at(1).training).toBe(true);
    tidy(() =>
      net
        .forward(tensor([[1, 2, 3, 4]]))
        .sum()
        .backward(),
    );
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.dispose();
    expect(engine.memory().tensors).toBe(before);
  });

  test("registration refuses dotted and duplicate names", () => {
    class Bad extends nn.Module {
      constructor(name: string) {
        super();
        this.registerBuffer("x", null);
        this.registerBuffer(name, null);
      }
    }
    expect(() => new Bad("a.b")).toThrow(/not a valid name/);
    expect(() => new Bad("x")).toThrow(/already registered/);
  });
});

describe("layers", () => {
  test("Linear is x·wᵀ + b over the last dim, with PyTorch's default init bounds", async () => {
    const lin = new nn.Linear(3, 2, { seed: 7 });
    const x = tensor([[[1, 2, 3]], [[-1, 0, 1]]]);
    const out = lin.forward(x);
    expect(out.shape).toEqual([2, 1, 2]);
    const [w, b, xs] = [await lin.weight.data64(), await lin.bias!.data64(), await x.data64()];
    const got = await out.data64();
    for (let n = 0; n < 2; n++) {
      for (let o = 0; o < 2; o++) {
        let s = b[o];
        for (let i = 0; i < 3; i++) s += xs[n * 3 + i] * w[o * 3 + i];
        expect(got[n * 2 + o]).toBeCloseTo(s, 5);
      }
    }
    const bound = 1 / Math.sqrt(3);
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    lin.dispose();
  });

  test("activations and Flatten", async () => {
    const x = tensor([
      [-2, 0.5],
      [1, -0.1],
    ]);
    expect(Array.from(await new nn.ReLU().forward(x).data())).toEqual([0, 0.5, 1, 0]);
    const leaky = Array.from(await new nn.LeakyReLU(0.2).forward(x).data());
    expect(leaky.map((v) => +v.toFixed(6))).toEqual([-0.4, 0.5, 1, -0.02]);
    expect((await new nn.Sigmoid().forward(x).data())[2]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect((await new nn.Tanh().forward(x).data())[0]).toBeCloseTo(Math.tanh(-2), 6);
    expect(new nn.Flatten().forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    const seq = new nn.Sequential(new nn.Flatten(), new nn.Identity());
    expect(seq.length).toBe(2);
    expect(seq.forward(zeros([2, 3, 4])).shape).toEqual([2, 12]);
  });

  test("Linear on the cpu backend agrees with matmul", async () => {
    const lin = new nn.Linear(5, 4, { seed: 3, backend: "cpu" });
    const x = tensor([[1, 2, 3, 4, 5]], { backend: "cpu" });
    const want = matmul(x, lin.weight.T).add(lin.bias!);
    expect(Array.from(await lin.forward(x).data64())).toEqual(Array.from(await want.data64()));
    lin.dispose();
  });
});

describe("initialisers", () => {
  // A large tensor: sample mean and std are within a few standard errors of the target.
  const shape = [256, 128, 3, 3]; // fan_in = 1152, fan_out = 2304, n = 294912
  const n = 256 * 128 * 9;

  async function check(fill: (t: Tensor) => void, std: number, uniformBound?: number) {
    const t = zeros(shape);
    fill(t);
    const v = await t.data64();
    const s = stats(v);
    expect(Math.abs(s.mean)).toBeLessThan((5 * std) / Math.sqrt(n));
    expect(s.std / std).toBeGreaterThan(0.99);
    expect(s.std / std).toBeLessThan(1.01);
    if (uniformBound !== undefined) {
      let hi = 0;
      for (const x of v) hi = Math.max(hi, Math.abs(x));
      expect(hi).toBeLessThanOrEqual(uniformBound * (1 + 1e-6));
      expect(hi).toBeGreaterThan(uniformBound * 0.999);
    }
    t.dispose();
  }

  test("kaiming normal and uniform (fan_in, ReLU gain √2)", async () => {
    const std = Math.SQRT2 / Math.sqrt(1152);
    await check((t) => nn.init.kaimingNormal_(t, { nonlinearity: "relu", seed: 1 }), std);
    await check((t) => nn.init.kaimingUniform_(t, { seed: 2 }), std, Math.sqrt(3) * std);
  });

  test("kaiming with fan_out and a leaky-ReLU slope", async () => {
    const std = Math.sqrt(2 / (1 + 0.2 ** 2)) / Math.sqrt(2304);
    await check((t) => nn.init.kaimingNormal_(t, { a: 0.2, mode: "fanOut", seed: 3 }), std);
  });

  test("xavier normal and uniform", async () => {
    const std = Math.sqrt(2 / (1152 + 2304));
    await check((t) => nn.init.xavierNormal_(t, { seed: 4 }), std);
    await check((t) => nn.init.xavierUniform_(t, { seed: 5 }), std, Math.sqrt(3) * std);
    await check((t) => nn.init.xavierNormal_(t, { gain: 5 / 3, seed: 6 }), (5 / 3) * std);
  });

  test("normal(0, 0.02) for DCGAN; zeros, ones; seeds reproduce", async () => {
    await check((t) => nn.init.normal_(t, 0, 0.02, { seed: 7 }), 0.02);
    const a = nn.init.normal_(zeros([100]), 0, 1, { seed: 9 });
    const b = nn.init.normal_(zeros([100]), 0, 1, { seed: 9 });
    const c = nn.init.normal_(zeros([100]), 0, 1, { seed: 10 });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
    expect(Array.from(await nn.init.ones_(a).data())).toEqual(Array(100).fill(1));
    expect(Array.from(await nn.init.zeros_(b).data())).toEqual(Array(100).fill(0));
    expect(nn.init.calculateGain("tanh")).toBeCloseTo(5 / 3, 12);
    expect(nn.init.calculateGain("leakyRelu")).toBeCloseTo(Math.sqrt(2 / 1.0001), 12);
    expect(() => nn.init.fans([5])).toThrow(/at least 2 dims/);
  });
});
