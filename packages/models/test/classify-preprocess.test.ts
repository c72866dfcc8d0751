// Preprocessing presets: the documented constants, channel order, exact inverses and gradients
// (the dream and style pipelines optimise images through these maps).

import { grad, init, rand, release, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PREPROCESSING, preprocessingFor } from "../src/preprocess.ts";

beforeAll(() => init());
afterAll(() => release());

/** One pixel per channel value: an image [1, 3, 1, 1] of (r, g, b). */
const pixel = (r: number, g: number, b: number) => tensor([r, g, b], { shape: [1, 3, 1, 1] });

function close(a: ArrayLike<number>, b: readonly number[], digits = 4): void {
  for (const [i, v] of b.entries()) expect(a[i]).toBeCloseTo(v, digits);
}

describe("presets", () => {
  test("torchvision / timm: RGB, (x − mean) / std", async () => {
    const p = preprocessingFor("timm");
    expect(p).toBe(PREPROCESSING.torchvision);
    expect(preprocessingFor("torchvision")).toBe(p);
    const out = await p.normalize(pixel(0.5, 0, 1)).data();
    close(out, [(0.5 - 0.485) / 0.229, (0 - 0.456) / 0.224, (1 - 0.406) / 0.225]);
  });

  test("Keras / caffe: BGR, 0..255 minus the BGR mean", async () => {
    const p = preprocessingFor("keras");
    expect(p.name).toBe("caffe");
    const out = await p.normalize(pixel(1, 0.5, 0)).data();
    // Channel 0 is blue now.
    close(out, [0 - 103.939, 127.5 - 116.779, 255 - 123.68]);
  });

  test("face: RGB, (255·x − mean) / 255", async () => {
    const out = await PREPROCESSING.face.normalize(pixel(1, 0, 0.5)).data();
    close(out, [(255 - 122.782) / 255, (0 - 117.001) / 255, (127.5 - 104.298) / 255]);
  });

  test("denormalize undoes normalize, for batches and single CHW images", async () => {
    for (const p of Object.values(PREPROCESSING)) {
      for (const shape of [
        [2, 3, 5, 4],
        [3, 6, 2],
      ]) {
        const x = rand(shape, { seed: 3 });
        const back = await p.denormalize(p.normalize(x)).data();
        const want = await x.data();
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(back[i] - want[i]), p.name).toBeLessThan(1e-6);
      }
    }
  });

  test("gradients flow through, channel by channel (reversed for BGR)", async () => {
    const x = rand([1, 3, 2, 2], { seed: 4 });
    // d/dx of Σ c·net[c], with weights 1, 2, 3 on the network's channels.
    const w = tensor([1, 2, 3], { shape: [1, 3, 1, 1] });
    const [g] = grad((img) => PREPROCESSING.caffe.normalize(img).mul(w).sum())(x);
    const gd = await g.data();
    // Image channel R is network channel 2 (weight 3), scaled by 255.
    close([gd[0], gd[4], gd[8]], [3 * 255, 2 * 255, 1 * 255]);
    const [g2] = grad((img) => PREPROCESSING.torchvision.normalize(img).mul(w).sum())(x);
    close(
      Array.from(await g2.data()).filter((_, i) => i % 4 === 0),
      [1 / 0.229, 2 / 0.224, 3 / 0.225],
    );
  });

  test("refuses images that are not 3-channel NCHW or CHW", () => {
    expect(() => PREPROCESSING.torchvision.normalize(rand([1, 4, 2, 2]))).toThrow(/\[N, 3, H, W\]/);
    expect(() => PREPROCESSING.caffe.normalize(rand([3, 2]))).toThrow(/\[N, 3, H, W\]/);
  });
});
