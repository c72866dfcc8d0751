// Caffe's pooling (caffePool, caffePoolShape) against Caffe's own algorithm written out here as
// plain loops (pooling_layer.cpp, Forward_cpu): the ceil-rounded window count, the rule that the
// last window starts inside the padded image, MAX over the window clipped to the image, AVE
// divided by the window clipped to the PADDED image. Both backends, float64 and float32.

import { init, release, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type CaffePooling, caffePool, caffePoolShape } from "../src/caffe/pool.ts";

beforeAll(async () => {
  await init({ backend: "cpu", makeDefault: false });
  await init();
});
afterAll(() => release());

/** Caffe's Forward_cpu for one [H, W] plane, transcribed from pooling_layer.cpp. */
function caffeReference(x: Float64Array, h: number, w: number, p: CaffePooling) {
  const [kh, kw] = p.global ? [h, w] : p.kernel;
  const [sh, sw] = p.global ? [1, 1] : p.stride;
  const [ph, pw] = p.global ? [0, 0] : p.pad;
  const round = p.round === "CEIL" ? Math.ceil : Math.floor;
  let oh = round((h + 2 * ph - kh) / sh) + 1;
  let ow = round((w + 2 * pw - kw) / sw) + 1;
  if (ph || pw) {
    if ((oh - 1) * sh >= h + ph) --oh;
    if ((ow - 1) * sw >= w + pw) --ow;
  }
  const out = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let hs = i * sh - ph;
      let ws = j * sw - pw;
      let he = Math.min(hs + kh, h + ph);
      let we = Math.min(ws + kw, w + pw);
      const poolSize = (he - hs) * (we - ws);
      hs = Math.max(hs, 0);
      ws = Math.max(ws, 0);
      he = Math.min(he, h);
      we = Math.min(we, w);
      let acc = p.method === "MAX" ? -Number.MAX_VALUE : 0;
      for (let y = hs; y < he; y++) {
        for (let z = ws; z < we; z++) {
          const v = x[y * w + z];
          acc = p.method === "MAX" ? Math.max(acc, v) : acc + v;
        }
      }
      out[i * ow + j] = p.method === "MAX" ? acc : acc / poolSize;
    }
  }
  return { oh, ow, out };
}

const pool = (o: Partial<CaffePooling>): CaffePooling => ({
  method: "MAX",
  kernel: [3, 3],
  stride: [2, 2],
  pad: [0, 0],
  global: false,
  round: "CEIL",
  ...o,
});

// [label, H, W, pooling]
const CASES: [string, number, number, CaffePooling][] = [
  ["GoogLeNet pool1: 3×3/2 ceil, 112 → 56", 112, 112, pool({})],
  ["ceil adds a partial last window (6 → 3)", 6, 7, pool({})],
  ["inception branch: 3×3/1 pad 1", 5, 6, pool({ stride: [1, 1], pad: [1, 1] })],
  [
    "AVE 3×3/2 pad 1, last window clipped to the padded image",
    6,
    6,
    pool({ method: "AVE", pad: [1, 1] }),
  ],
  [
    "AVE 2×2/3 pad 1: the last-window rule drops one",
    5,
    5,
    pool({ method: "AVE", kernel: [2, 2], stride: [3, 3], pad: [1, 1] }),
  ],
  [
    "MAX 2×2/3 pad 1: the last-window rule drops one",
    5,
    8,
    pool({ kernel: [2, 2], stride: [3, 3], pad: [1, 1] }),
  ],
  ["pad 2 on a 3×3 kernel (over PyTorch's half-kernel limit): MAX", 5, 6, pool({ pad: [2, 2] })],
  ["pad 2 on a 3×3 kernel: AVE", 5, 6, pool({ method: "AVE", pad: [2, 2] })],
  [
    "kernel_h/kernel_w 1×3, stride 1×2, pad 0×1: AVE",
    4,
    7,
    pool({ method: "AVE", kernel: [1, 3], stride: [1, 2], pad: [0, 1] }),
  ],
  [
    "GoogLeNet pool5: AVE 7×7/1 on 7×7",
    7,
    7,
    pool({ method: "AVE", kernel: [7, 7], stride: [1, 1] }),
  ],
  ["global AVE (SqueezeNet pool10)", 5, 3, pool({ method: "AVE", global: true })],
  ["round_mode FLOOR", 6, 7, pool({ round: "FLOOR" })],
];

describe("caffePool against Caffe's loops", () => {
  test.each(CASES)("%s", async (_label, h, w, p) => {
    const [n, c] = [2, 3];
    const data = Float64Array.from(
      { length: n * c * h * w },
      (_, i) => Math.sin(i * 1.7) * 3 + (i % 5),
    );
    const planes = Array.from({ length: n * c }, (_, i) =>
      caffeReference(data.subarray(i * h * w, (i + 1) * h * w), h, w, p),
    );
    const { oh, ow } = planes[0];
    expect(caffePoolShape(p, h, w)).toEqual([oh, ow]);
    const expected = new Float64Array(n * c * oh * ow);
    for (const [i, pl] of planes.entries()) expected.set(pl.out, i * oh * ow);
    for (const backend of ["cpu", "webgpu"] as const) {
      const out = caffePool(tensor(data, { shape: [n, c, h, w], backend }), p);
      expect(out.shape).toEqual([n, c, oh, ow]);
      const got = backend === "cpu" ? await out.data64() : await out.data();
      const tol = backend === "cpu" ? 1e-12 : 1e-5;
      got.forEach((v, i) => {
        expect(
          Math.abs(v - expected[i]),
          `${backend} at ${i}: ${v} vs ${expected[i]}`,
        ).toBeLessThan(tol * (1 + Math.abs(expected[i])));
      });
    }
  });

  test("where Caffe would pool an empty window, or the window does not fit, a one-line error", () => {
    expect(() => caffePoolShape(pool({ kernel: [1, 1], stride: [2, 2] }), 4, 4)).toThrow(
      /would put a window wholly outside a 4-long input/,
    );
    expect(() => caffePoolShape(pool({ kernel: [5, 5] }), 3, 3)).toThrow(
      /a 3×3 input is smaller than the 5×5 pooling window/,
    );
    expect(() => caffePoolShape(pool({ pad: [3, 3] }), 8, 8)).toThrow(
      /padding 3 must be smaller than the kernel 3/,
    );
  });
});
