// The working size of a dream and the big-photo path: a 3000×2000 picture is dreamt at the
// default --max-side (1024 on its longer side) with a notice, or at full size through tiles
// with a measured time and memory estimate first; the phases are named as they happen.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, encodeImage } from "@sheep/io";
import { randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import { beforeAll, expect, test } from "vitest";
import { shrinkRgba, workingSize } from "../src/size.ts";
import { sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-size-"));
const env = { ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: join(dir, "cache") };
const big = join(dir, "big.png");
const wide = join(dir, "wide.png");
const weights = join(dir, "tiny-vgg16.safetensors");

const sheep = sheepRunner(env);

/** A synthetic photo: waves and an xor pattern, so every tile has something to see. */
function photo(path: string, w: number, h: number): void {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const [x, y] = [i % w, Math.floor(i / w)];
    data.set(
      [128 + 100 * Math.sin(x / 37), 128 + 100 * Math.cos(y / 23), (x ^ y) & 255, 255],
      i * 4,
    );
  }
  writeFileSync(path, encodeImage({ width: w, height: h, data }, "png"));
}

beforeAll(() => {
  photo(big, 3000, 2000);
  photo(wide, 1500, 1000);
  const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
  writeFileSync(weights, vggSafetensors(config, "timm", randomVggWeights(config, 3)));
});

test("working size: the longer side capped, never enlarged; shrinking averages areas", () => {
  expect(workingSize(3000, 2000, 1024)).toEqual([1024, 683]);
  expect(workingSize(2000, 3000, 1024)).toEqual([683, 1024]);
  expect(workingSize(640, 480, 1024)).toEqual([640, 480]);
  // a 4×2 checkerboard of 0 and 255 halves into flat grey: each output pixel covers 2×2 inputs
  const data = new Uint8ClampedArray(4 * 2 * 4).map((_, i) => {
    const p = i >> 2;
    return i % 4 === 3 ? 255 : ((p % 4) + (p >> 2)) % 2 ? 255 : 0;
  });
  const half = shrinkRgba({ width: 4, height: 2, data }, 2, 1);
  expect([...half.data]).toEqual([128, 128, 128, 255, 128, 128, 128, 255]);
  // 3 → 2: the middle input pixel is split between both outputs, half and half
  const row = {
    width: 3,
    height: 1,
    data: new Uint8ClampedArray([0, 0, 0, 255, 90, 90, 90, 255, 180, 180, 180, 255]),
  };
  expect([...shrinkRgba(row, 2, 1).data.filter((_, i) => i % 4 === 0)]).toEqual([30, 150]);
});

// One step, one octave, the first conv: the test is about sizes and tiles, not dreams (a step on
// a few MP takes tens of seconds on lavapipe even so).
const quick = ["--weights", weights, "--layers", "block1_conv1", "--octaves", "1", "--steps", "1"];

test("a 3000×2000 photo dreams at 1024×683 by default, in tiles, each phase named", async () => {
  const small = join(dir, "small.png");
  const r = await sheep("dream", big, "--out", small, ...quick, "--tile", "384");
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/the picture is 3000×2000: dreaming at 1024×683 \(--max-side N/);
  expect(r.stderr).toMatch(/octave 1\/1 \(1024×683, \d+ tiles\)/);
  const order = ["decoding", "loading the network", "preparing", "writing"].map((p) =>
    r.stderr.indexOf(`sheep: ${p}`),
  );
  expect(
    order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
    r.stderr,
  ).toBe(true);
  const s = decodeImage(readFileSync(small));
  expect([s.width, s.height]).toEqual([1024, 683]);
}, 300_000);

test("--full-size dreams a 1500×1000 photo at its own size through tiles, estimate first", async () => {
  const full = join(dir, "full.png");
  const f = await sheep(
    "dream",
    wide,
    "--out",
    full,
    ...quick,
    "--full-size",
    "--tile",
    "512",
    "--estimate",
  );
  expect(f.code, f.stderr).toBe(0);
  expect(f.stderr).not.toMatch(/dreaming at/);
  // a measured estimate comes first (--estimate; by itself from 3 M pixel-steps), naming the tiles
  expect(f.stderr).toMatch(
    /expect about .+ and .+ on the device \(one step measured at \d+×\d+, scaled by pixels; the last octave in \d+ tiles\)/,
  );
  const out = decodeImage(readFileSync(full));
  expect([out.width, out.height]).toEqual([1500, 1000]);
  const src = decodeImage(readFileSync(wide));
  expect(out.data.some((v, i) => v !== src.data[i])).toBe(true);
}, 300_000);
