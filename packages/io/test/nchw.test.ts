// RGBA ↔ NCHW conversion: layout, ranges, alpha compositing, batches and exact 8-bit round trips.

import { describe, expect, it } from "vitest";
import {
  imagesToNCHW,
  imageToNCHW,
  nchwToImage,
  nchwToImages,
  type RgbaImage,
} from "../src/index.ts";

/** Every 8-bit value appears in every channel: 16×16 pixels, channel c of pixel p = (p + 85c). */
function allValues(): RgbaImage {
  const data = new Uint8ClampedArray(16 * 16 * 4);
  for (let p = 0; p < 256; p++) data.set([p, (p + 85) % 256, (p + 170) % 256, 255], p * 4);
  return { width: 16, height: 16, data };
}

describe("imageToNCHW", () => {
  it("lays out planes R, G, B, each row-major, in [0, 1]", () => {
    // 2×1 image: pixel 0 = (255, 0, 51), pixel 1 = (0, 102, 255).
    const img = {
      width: 2,
      height: 1,
      data: new Uint8ClampedArray([255, 0, 51, 255, 0, 102, 255, 255]),
    };
    const { shape, data } = imageToNCHW(img);
    expect(shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(data)).toEqual([1, 0, 0, 0.4, 0.2, 1].map(Math.fround));
  });

  it("maps to another range", () => {
    const img = { width: 1, height: 1, data: new Uint8ClampedArray([0, 255, 51, 255]) };
    expect(Array.from(imageToNCHW(img, { range: [-1, 1] }).data)).toEqual(
      [-1, 1, -0.6].map(Math.fround),
    );
    expect(Array.from(imageToNCHW(img, { range: [0, 255] }).data)).toEqual([0, 255, 51]);
  });

  it("composites alpha over the background, white by default", () => {
    // Half-transparent black over white is mid-grey; fully transparent shows the background.
    const img = { width: 2, height: 1, data: new Uint8ClampedArray([0, 0, 0, 51, 9, 9, 9, 0]) };
    const white = imageToNCHW(img, { range: [0, 255] }).data;
    expect(Array.from(white)).toEqual([204, 255, 204, 255, 204, 255]);
    const red = imageToNCHW(img, { range: [0, 255], background: [255, 0, 0] }).data;
    expect(Array.from(red)).toEqual([204, 255, 0, 0, 0, 0]);
  });

  it("batches equal-sized images and refuses different sizes", () => {
    const a = allValues();
    const batch = imagesToNCHW([a, a, a]);
    expect(batch.shape).toEqual([3, 3, 16, 16]);
    expect(batch.data.subarray(768 * 2)).toEqual(imageToNCHW(a).data);
    const small = { width: 1, height: 1, data: new Uint8ClampedArray(4) };
    expect(() => imagesToNCHW([a, small])).toThrow(/image 1 is 1×1, image 0 is 16×16/);
    expect(() => imagesToNCHW([])).toThrow(RangeError);
  });
});

describe("nchwToImage", () => {
  it.each([[[0, 1]], [[-1, 1]], [[0, 255]], [[-2.1179, 2.64]]] as const)(
    "round-trips every 8-bit value exactly through range %j",
    (range) => {
      const img = allValues();
      const { data, shape } = imageToNCHW(img, { range });
      expect(nchwToImage(data, shape, { range }).data).toEqual(img.data);
    },
  );

  it("rounds, clamps, and turns NaN into 0", () => {
    const data = [0.5 / 255, 1.49 / 255, -3, 7, Number.NaN, 254.5 / 255];
    const img = nchwToImage(data, [1, 3, 1, 2]);
    // Planes: R = [0.5, 1.49], G = [−765, 1785], B = [NaN, 254.5] (in 0–255 units).
    expect(Array.from(img.data)).toEqual([1, 0, 0, 255, 1, 255, 255, 255]);
  });

  it("accepts [C, H, W] and one grey channel", () => {
    const img = nchwToImage(new Float32Array([0, 0.2, 1]), [1, 1, 3]);
    expect([img.width, img.height]).toEqual([3, 1]);
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 51, 51, 51, 255, 255, 255, 255, 255]);
  });

  it("splits a batch, and says what is wrong with a bad shape", () => {
    const a = allValues();
    const batch = imagesToNCHW([a, a]);
    const images = nchwToImages(batch.data, batch.shape);
    expect(images).toHaveLength(2);
    expect(images[1].data).toEqual(a.data);
    expect(() => nchwToImage(batch.data, batch.shape)).toThrow(/use nchwToImages for N = 2/);
    expect(() => nchwToImages(batch.data, [2, 4, 16, 16])).toThrow(
      /expected shape \[N, 1 or 3, H, W\]/,
    );
    expect(() => nchwToImages(batch.data, [2, 3, 16, 15])).toThrow(/needs 1440/);
    expect(() => nchwToImages(batch.data, batch.shape, { range: [1, 1] })).toThrow(/range/);
  });
});
