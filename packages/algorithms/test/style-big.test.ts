// Style transfer past the device's binding limits: the device is opened with
// maxStorageBufferBindingSize forced down to 64 KiB, so a 64 × 64 image's first activations
// (6 × 64 × 64 floats, 96 KiB) cannot be bound whole. stylize's "auto" tiles must then give the
// same loss terms and gradient as the untiled float64 cpu oracle (the Gram summed exactly over
// the tiles' cores).

import { engine, init, release, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  autoTileSize,
  contentTargets,
  evaluate,
  type LossSetup,
  profileModel,
  styleGrams,
  stylize,
  tileLayout,
} from "../src/index.ts";
import { hashNoise, maxAbs, maxMagnitude, picture, styleNet } from "./style-helpers.ts";

const LIMIT = 64 * 1024;
const STYLE = { a: 1, b: 0.5, c: 2 };
const STRIDES = new Map([
  ["a", 1],
  ["b", 2],
  ["c", 4],
]);
const WEIGHTS = { content: 5, style: 100, tv: 1e-3, layers: STYLE };

beforeAll(async () => {
  await init({ backend: "cpu", makeDefault: false });
  await init({ backend: "webgpu", limits: { maxStorageBufferBindingSize: LIMIT }, fresh: true });
});
afterAll(() => release());

function terms(backend: "webgpu" | "cpu", tile: number) {
  const model = styleNet(backend);
  const setup: LossSetup = {
    model,
    contentTap: "b",
    styleTaps: Object.keys(STYLE),
    norm: "gatys",
    strides: STRIDES,
  };
  const tiles = tileLayout(64, 64, tile, 12, 4);
  const content = picture(64, 64, 1, backend);
  const style = picture(64, 64, 2, backend);
  const targets = {
    grams: styleGrams(setup, setup.styleTaps, style, tiles),
    content: contentTargets(setup, "b", content, tiles),
    mask: null,
  };
  const x = tensor(
    hashNoise(3 * 64 * 64, 9).map((v) => 0.5 + 0.4 * v),
    { shape: [1, 3, 64, 64], backend },
  );
  return { e: evaluate(setup, WEIGHTS, targets, x, tiles), tiles };
}

describe("style transfer over maxStorageBufferBindingSize", () => {
  test("the device has the small limit, and auto tiles split a 64² image", () => {
    expect(engine.info.limits.maxStorageBufferBindingSize).toBe(LIMIT);
    const profile = profileModel(styleNet(), Object.keys(STYLE));
    const side = autoTileSize(profile, engine.info.limits, 2 ** 30);
    expect(side).toBeLessThan(64);
    expect(tileLayout(64, 64, side, 12, 4).flat().length).toBeGreaterThan(1);
  });

  test("tiled on webgpu equals untiled on the cpu oracle: terms and gradient", async () => {
    const side = autoTileSize(
      profileModel(styleNet(), Object.keys(STYLE)),
      engine.info.limits,
      2 ** 30,
    );
    const gpu = terms("webgpu", side);
    const cpu = terms("cpu", 64);
    expect(cpu.tiles.flat().length).toBe(1);
    const [ta, tb] = [await gpu.e.terms.data(), await cpu.e.terms.data64()];
    console.log(
      `${gpu.tiles.flat().length} tiles of ${side}²; terms gpu [${[...ta].map((v) => v.toPrecision(5))}] cpu [${[...tb].map((v) => v.toPrecision(5))}]`,
    );
    expect(maxAbs(ta, tb) / maxMagnitude(tb)).toBeLessThan(1e-4);
    const [ga, gb] = [await gpu.e.grad.data(), await cpu.e.grad.data64()];
    expect(maxAbs(ga, gb) / maxMagnitude(gb)).toBeLessThan(1e-3);
  });

  test("stylize tiles by itself and lowers the loss", async () => {
    const tiles: number[] = [];
    const { record } = await stylize(
      styleNet(),
      picture(64, 64, 1),
      [picture(64, 64, 2)],
      { contentLayer: "b", styleLayers: STYLE, steps: 3, tileOverlap: 12 },
      (p) => {
        tiles.push(p.tiles);
      },
    );
    expect(Math.min(...tiles)).toBeGreaterThan(1);
    expect(record[2].total).toBeLessThan(record[0].total);
  });
});
