// `sheep face` end to end: real processes on face-api's shipped group photo sample1.jpg (MIT),
// shrunk 4× to 480×320 so lavapipe stays quick; detect (JSON and drawn PNG), verify against
// the mirror image, identify against a gallery folder cut from the same photo, and the errors.

import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type RgbaImage, readImageFile, writeImageFile } from "@sheep/io";
import { beforeAll, describe, expect, test } from "vitest";
import { sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-face-"));
const cache = mkdtempSync(join(tmpdir(), "sheep-face-cache-"));
const run = sheepRunner({ ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: cache });
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("Warning: max"));

/** The image shrunk by `f` (box average), mirrored if asked, or a rectangle of it. */
function shrink(img: RgbaImage, f: number, flip = false): RgbaImage {
  const [w, h] = [Math.floor(img.width / f), Math.floor(img.height / f)];
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let d = 0; d < f * f; d++)
          s += img.data[((y * f + Math.floor(d / f)) * img.width + x * f + (d % f)) * 4 + c];
        data[(y * w + (flip ? w - 1 - x : x)) * 4 + c] = Math.round(s / (f * f));
      }
  return { width: w, height: h, data };
}

function crop(img: RgbaImage, b: { x: number; y: number; width: number; height: number }) {
  const x0 = Math.max(0, Math.round(b.x - b.width));
  const y0 = Math.max(0, Math.round(b.y - b.height));
  const w = Math.min(img.width, Math.round(b.x + 2 * b.width)) - x0;
  const h = Math.min(img.height, Math.round(b.y + 2 * b.height)) - y0;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    data.set(
      img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4),
      y * w * 4,
    );
  return { width: w, height: h, data };
}

const photo = join(dir, "group.png");
const mirrored = join(dir, "mirrored.png");
const blank = join(dir, "blank.png");
let full: RgbaImage;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const faceApi = dirname(require.resolve("@vladmandic/face-api/package.json"));
  const original = await readImageFile(join(faceApi, "demo", "sample1.jpg"));
  full = shrink(original, 4);
  await writeImageFile(photo, full);
  await writeImageFile(mirrored, shrink(original, 4, true));
  await writeImageFile(blank, {
    width: 64,
    height: 64,
    data: new Uint8ClampedArray(64 * 64 * 4).fill(180),
  });
});

describe("sheep face: usage errors (no network loaded)", () => {
  test("--help names the three commands; no command or an unknown one is a usage error", async () => {
    const help = await run("face", "--help");
    expect(help.code).toBe(0);
    for (const w of ["verify", "identify", "detect", "--gallery", "--threshold"])
      expect(help.stdout).toContain(w);
    const none = await run("face");
    expect(none.code).toBe(2);
    expect(errLines(none.stderr)).toEqual([
      expect.stringMatching(/needs a command: verify, identify or detect/),
    ]);
    const bad = await run("face", "verfy", photo, photo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown face command "verfy"/);
  });

  test("bad flags and arguments: one line naming the flag or argument", async () => {
    const cases: [string[], RegExp][] = [
      [["face", "verify", photo], /needs two images/],
      [
        ["face", "verify", photo, photo, "--threshold", "-1"],
        /--threshold must be a number from 0.01/,
      ],
      [
        ["face", "detect", photo, "--input-size", "100"],
        /--input-size must be a multiple of 32, got 100/,
      ],
      [["face", "detect", photo, "--out", "x.gif"], /--out must end in .png .* or .json/],
      [["face", "identify", photo], /needs --gallery DIR/],
      [["face", "verify", photo, photo, "--face", "0"], /--face must be an integer from 1/],
    ];
    for (const [args, re] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(errLines(r.stderr), args.join(" ")).toEqual([expect.stringMatching(re)]);
    }
  });
});

describe("sheep face on a group photo", () => {
  let faces: {
    face: number;
    box: { x: number; y: number; width: number; height: number };
    landmarks: number[][];
  }[];

  test("detect: boxes, scores and 68 landmarks per face (--json), drawn into --out PNG", async () => {
    const png = join(dir, "faces.png");
    const r = await run("face", "detect", photo, "--input-size", "320", "--out", png, "--json");
    expect(r.code).toBe(0);
    faces = JSON.parse(r.stdout).faces;
    expect(faces.length).toBeGreaterThanOrEqual(2);
    for (const f of faces) {
      expect(f.landmarks.length).toBe(68);
      // The landmarks' centroid lies inside the box.
      const [cx, cy] = f.landmarks.reduce((s, p) => [s[0] + p[0] / 68, s[1] + p[1] / 68], [0, 0]);
      expect(cx).toBeGreaterThan(f.box.x);
      expect(cx).toBeLessThan(f.box.x + f.box.width);
      expect(cy).toBeGreaterThan(f.box.y);
      expect(cy).toBeLessThan(f.box.y + f.box.height);
    }
    const drawn = await readImageFile(png);
    expect([drawn.width, drawn.height]).toEqual([full.width, full.height]);
    // The box outline is drawn in its colour just right of the box's right edge.
    const b = faces[0].box;
    const at = (Math.round(b.y + b.height / 2) * drawn.width + Math.round(b.x + b.width) + 1) * 4;
    expect([...drawn.data.subarray(at, at + 3)]).toEqual([40, 220, 90]);
  }, 180_000);

  test("detect --out json writes the same faces to a file", async () => {
    const json = join(dir, "faces.json");
    const r = await run("face", "detect", photo, "--input-size", "320", "--out", json);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${faces.length} faces in`);
    const saved = JSON.parse(readFileSync(json, "utf8"));
    expect(saved.faces.map((f: { box: unknown }) => f.box)).toEqual(faces.map((f) => f.box));
  }, 180_000);

  test("verify against the mirror image: same person, and it says which of several faces", async () => {
    const r = await run("face", "verify", photo, mirrored, "--input-size", "320", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.same).toBe(true);
    expect(out.distance).toBeLessThan(0.6);
    expect(out.faceA.face).toBe(1);
    expect(r.stderr).toMatch(
      /group\.png has \d faces: using the largest \(--face N picks another\)/,
    );
  }, 180_000);

  test("identify: a gallery folder (a file and a sub-folder) names face 2; a blank is left out", async () => {
    const gallery = join(dir, "gallery");
    mkdirSync(join(gallery, "bea"), { recursive: true });
    await writeImageFile(join(gallery, "ann_1.png"), crop(full, faces[0].box));
    await writeImageFile(join(gallery, "bea", "x.png"), crop(full, faces[1].box));
    await writeImageFile(join(gallery, "nobody.png"), {
      width: 64,
      height: 64,
      data: new Uint8ClampedArray(64 * 64 * 4).fill(90),
    });
    const args = ["face", "identify", "--gallery", gallery, photo, "--input-size", "320"];
    const r = await run(...args, "--face", "2", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.name).toBe("bea");
    expect(out.distances.map((d: { name: string }) => d.name).sort()).toEqual(["ann", "bea"]);
    expect(out.skipped).toEqual([join(gallery, "nobody.png")]);
    expect(r.stderr).toMatch(/no face found in .*nobody\.png: left out/);
  }, 180_000);

  test("a picture without a face: exit 1, one line saying so and what to try", async () => {
    const r = await run("face", "verify", blank, photo, "--input-size", "64");
    expect(r.code).toBe(1);
    expect(
      errLines(r.stderr).filter((l) => !l.includes("loading") && !l.startsWith("faces")),
    ).toEqual([
      expect.stringMatching(/no face found in the first image .*try a larger input size/),
    ]);
  }, 180_000);
});
