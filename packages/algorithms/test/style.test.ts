// Style transfer: the losses against plain-loop definitions, the whole loss's gradient against
// float64 finite differences and the cpu oracle, tiled equal to untiled, and the pipeline's
// properties (losses fall, blend (1, 0) is the single style, a seed reproduces a run).

import { engine, type Tensor, tensor } from "@sheep/tensor";
import { describe, expect, test } from "vitest";
import {
  contentTargets,
  evaluate,
  gramFactor,
  gramPart,
  type LossSetup,
  type LossTargets,
  type LossWeights,
  type StyleOptions,
  styleGrams,
  styleLayerLoss,
  stylize,
  tileLayout,
  totalVariation,
} from "../src/index.ts";
import { useWebGPU } from "./helpers.ts";
import { gramLoops, hashNoise, maxAbs, maxMagnitude, picture, styleNet } from "./style-helpers.ts";

useWebGPU();

const STYLE = { a: 1, b: 0.5, c: 2 };
const STRIDES = new Map([
  ["a", 1],
  ["b", 2],
  ["c", 4],
]);
const WEIGHTS: LossWeights = { content: 5, style: 100, tv: 1e-3, layers: STYLE };

describe("losses", () => {
  test("Gram per position, each normalisation, TV and content equal plain loops", async () => {
    const [c, h, w] = [5, 6, 7];
    const f = hashNoise(c * h * w, 1);
    const a = hashNoise(c * c, 2);
    const g = gramLoops(f, c, h * w);
    const ft = tensor(f, { shape: [1, c, h, w], backend: "cpu" });
    const gt = gramPart(ft, h * w);
    expect(maxAbs(await gt.data64(), g)).toBeLessThan(1e-12);
    let d2 = 0;
    for (let i = 0; i < c * c; i++) d2 += (g[i] - a[i]) ** 2;
    const at = tensor(a, { shape: [1, c, c], backend: "cpu" });
    // Gatys: Σ(G − A)²/(4C²M²) with G = FFᵀ; neural-style: mean of ((G − A)/(CM))²
    const expected = {
      gatys: d2 / (4 * c * c),
      johnson: d2 / (c * c),
      "neural-style": d2 / c ** 4,
    };
    for (const [norm, v] of Object.entries(expected)) {
      const got = await styleLayerLoss(gt, at, norm as keyof typeof expected).item();
      expect(got).toBeCloseTo(v, 10);
    }
    expect(gramFactor("gatys", 3)).toBeCloseTo(1 / 36, 12);
    expect(() => gramFactor("x" as never, 3)).toThrow(/unknown Gram normalisation "x"/);
    // TV: ½Σ(dx² + dy²) in 0–255 levels
    const img = hashNoise(3 * h * w, 3).map((v) => 0.5 + 0.5 * v);
    let tv = 0;
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const at = (yy: number, xx: number) => img[ch * h * w + yy * w + xx];
          if (x + 1 < w) tv += (at(y, x + 1) - at(y, x)) ** 2;
          if (y + 1 < h) tv += (at(y + 1, x) - at(y, x)) ** 2;
        }
      }
    }
    const tvGot = await totalVariation(tensor(img, { shape: [1, 3, h, w], backend: "cpu" })).item();
    expect(tvGot / (0.5 * 255 * 255 * tv)).toBeCloseTo(1, 10);
  });
});

/** Loss setup and targets for the tiny net on one backend, at h × w, with `tiles`. */
function problem(backend: "webgpu" | "cpu", h: number, w: number, tile: number | null) {
  const model = styleNet(backend);
  const setup: LossSetup = {
    model,
    contentTap: "b",
    styleTaps: Object.keys(STYLE),
    norm: "gatys",
    strides: STRIDES,
  };
  const tiles = tileLayout(h, w, tile ?? Math.max(h, w), 12, 4);
  const content = picture(h, w, 1, backend);
  const style = picture(20, 20, 2, backend);
  const targets: LossTargets = {
    grams: styleGrams(setup, setup.styleTaps, style, tileLayout(20, 20, 20, 16, 4)),
    content: contentTargets(setup, "b", content, tiles),
    mask: null,
  };
  const x = tensor(
    hashNoise(3 * h * w, 9).map((v) => 0.5 + 0.4 * v),
    { shape: [1, 3, h, w], backend },
  );
  return { setup, targets, tiles, x };
}

async function loss(p: ReturnType<typeof problem>, x: Tensor) {
  const e = evaluate(p.setup, WEIGHTS, p.targets, x, p.tiles);
  const terms = await e.terms.data64();
  e.terms.dispose();
  return { terms, grad: e.grad };
}

describe("gradients", () => {
  test("each term's gradient (content, style, TV) and the total's match float64 finite differences", async () => {
    const p = problem("cpu", 16, 20, null);
    const only = (k: "content" | "style" | "tv" | "all"): LossWeights => ({
      content: k === "content" || k === "all" ? 5 : 0,
      style: k === "style" || k === "all" ? 100 : 0,
      tv: k === "tv" || k === "all" ? 1e-3 : 0,
      layers: STYLE,
    });
    for (const [k, seed] of [
      ["content", 11],
      ["style", 12],
      ["tv", 13],
      ["all", 14],
    ] as const) {
      const w = only(k);
      const total = async (x: Tensor) => {
        const e = evaluate(p.setup, w, p.targets, x, p.tiles);
        const t = await e.terms.data64();
        e.terms.dispose();
        return { value: t.reduce((a, v) => a + v, 0), grad: e.grad };
      };
      const g = await (await total(p.x)).grad.data64();
      const v = hashNoise(p.x.size, seed);
      const eps = 1e-5;
      const shifted = async (s: number) => {
        const xs = p.x.add(tensor(v, { shape: p.x.shape, backend: "cpu" }).mul(s * eps));
        const r = await total(xs);
        r.grad.dispose();
        return r.value;
      };
      const fd = ((await shifted(1)) - (await shifted(-1))) / (2 * eps);
      const analytic = g.reduce((a, gi, i) => a + gi * v[i], 0);
      expect(Math.abs(analytic), k).toBeGreaterThan(0);
      expect(Math.abs(fd - analytic) / Math.abs(analytic), k).toBeLessThan(1e-6);
    }
  });

  test("each term's gradient on webgpu equals the cpu oracle's", async () => {
    for (const only of ["content", "style", "tv"] as const) {
      const w: LossWeights = {
        content: only === "content" ? 5 : 0,
        style: only === "style" ? 100 : 0,
        tv: only === "tv" ? 1e-3 : 0,
        layers: STYLE,
      };
      const grads = [];
      for (const backend of ["cpu", "webgpu"] as const) {
        const p = problem(backend, 20, 20, null);
        const e = evaluate(p.setup, w, p.targets, p.x, p.tiles);
        grads.push(await e.grad.data());
      }
      const scale = maxMagnitude(grads[0]);
      expect(scale).toBeGreaterThan(0);
      expect(maxAbs(grads[0], grads[1]) / scale, only).toBeLessThan(2e-4);
    }
  });

  test("tiled equals untiled: the terms and the gradient (exact Gram from the tiles' cores)", async () => {
    const whole = problem("cpu", 48, 56, null);
    const tiled = problem("cpu", 48, 56, 40);
    expect(tiled.tiles.flat().length).toBeGreaterThan(1);
    const a = await loss(whole, whole.x);
    const b = await loss(tiled, tiled.x);
    expect(maxAbs(a.terms, b.terms) / maxMagnitude(a.terms)).toBeLessThan(1e-10);
    const [ga, gb] = [await a.grad.data64(), await b.grad.data64()];
    expect(maxAbs(ga, gb) / maxMagnitude(ga)).toBeLessThan(1e-10);
  });
});

describe("stylize", () => {
  const model = () => styleNet("webgpu");
  const base = {
    contentLayer: "b",
    styleLayers: STYLE,
    steps: 12,
    normalization: "gatys",
  } as const;

  test("L-BFGS lowers the total and the style loss; the record has every term at every step", async () => {
    const content = picture(20, 20, 1);
    const style = picture(20, 20, 2);
    const { image, record } = await stylize(model(), content, [style], { ...base, init: "noise" });
    expect(image.shape).toEqual([1, 3, 20, 20]);
    expect(record).toHaveLength(12);
    for (const r of record) expect(Object.keys(r.style)).toEqual(["a", "b", "c"]);
    const style0 = Object.values(record[0].style).reduce((a, v) => a + v, 0);
    const styleN = Object.values(record[11].style).reduce((a, v) => a + v, 0);
    console.log(
      `tiny net, L-BFGS 12 steps from noise: total ${record[0].total.toPrecision(4)} → ${record[11].total.toPrecision(4)}, style ${style0.toPrecision(4)} → ${styleN.toPrecision(4)}`,
    );
    expect(record[11].total).toBeLessThan(0.2 * record[0].total);
    expect(styleN).toBeLessThan(0.2 * style0);
    const px = await image.data();
    expect(Math.min(...px)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...px)).toBeLessThanOrEqual(1);
  });

  test("Adam on the Fourier parameterisation lowers the loss too; two scales end at full size", async () => {
    const content = picture(20, 20, 1);
    const style = picture(20, 20, 2);
    const { image, record } = await stylize(model(), content, [style], {
      ...base,
      optimizer: "adam",
      parameterization: "fourier",
      steps: 10,
      scales: 2,
      average: 4,
    });
    expect(image.shape).toEqual([1, 3, 20, 20]);
    expect(record.map((r) => r.scale)).toEqual([
      ...new Array(10).fill(0),
      ...new Array(10).fill(1),
    ]);
    const last = record.filter((r) => r.scale === 1);
    expect(last[9].total).toBeLessThan(last[0].total);
  });

  test("blend (1, 0) equals the single style; a seed reproduces a run and another differs", async () => {
    const content = picture(20, 20, 1);
    const [s1, s2] = [picture(20, 20, 2), picture(20, 20, 3)];
    const o = { ...base, steps: 4, init: "noise" as const, seed: 3 };
    const one = await stylize(model(), content, [s1], o);
    const blend = await stylize(model(), content, [s1, s2], { ...o, blend: [1, 0] });
    const again = await stylize(model(), content, [s1], o);
    const other = await stylize(model(), content, [s1], { ...o, seed: 4 });
    const [a, b, c, d] = await Promise.all([one, blend, again, other].map((r) => r.image.data()));
    expect(maxAbs(a, b)).toBeLessThan(1e-5);
    expect(maxAbs(a, c)).toBe(0);
    expect(maxAbs(a, d)).toBeGreaterThan(0.01);
    await expect(stylize(model(), content, [s1, s2], { ...o, blend: [1] })).rejects.toThrow(
      /blend has 1 weights for 2 style images/,
    );
  });

  test("no tensor outlives a run but the result: L-BFGS, Adam + Fourier + averaging + two scales, a mask", async () => {
    const content = picture(20, 20, 1);
    const style = picture(20, 20, 2);
    const mask = tensor(new Float32Array(400).fill(1), { shape: [1, 1, 20, 20] });
    const runs = [
      { ...base, steps: 2 },
      { ...base, steps: 2, optimizer: "adam", parameterization: "fourier", average: 2, scales: 2 },
      { ...base, steps: 2, mask, preserveColour: "luminance" },
    ] as const;
    const net = model();
    for (const o of runs) {
      const before = engine.memory().tensors;
      const { image } = await stylize(net, content, [style], o);
      image.dispose();
      expect(engine.memory().tensors, JSON.stringify(o)).toBe(before);
    }
  });

  test("a weight changed while it runs takes effect at the next step", async () => {
    const content = picture(20, 20, 1);
    const [s1, s2] = [picture(20, 20, 2), picture(20, 20, 3)];
    const o: StyleOptions = { ...base, steps: 4, optimizer: "adam", blend: [1, 0] };
    const { record } = await stylize(model(), content, [s1, s2], o, (p) => {
      if (p.step === 2) o.styleWeight = 0; // the demo's sliders do this
    });
    expect(Object.values(record[1].style).every((v) => v > 0)).toBe(true);
    expect(Object.values(record[2].style).every((v) => v === 0)).toBe(true);
  });
});
