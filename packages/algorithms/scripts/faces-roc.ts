// Measures face verification (distances, ROC, AUC, EER, and the dlib threshold 0.6) on the
// pictures we may use offline: face-api's six group photos (npm, MIT) and scikit-image's
// astronaut (Eileen Collins, NASA, public domain; /work/shared/images or --astronaut FILE).
//
// Identity labels we can vouch for without a dataset:
//   same person: one face under changes of the picture (mirrored; brightness and contrast
//     changed; the photo resampled at another scale) — easy pairs, the same pose and moment;
//   different people: two faces of one group photo, and the astronaut against every face.
// Pairs of faces from different group photos carry no label (the same woman may appear in two
// photos) and are reported apart. A detection overlapping a better one (a box straddling two
// faces) is dropped. Run from the repository root: node scripts/run-ts.mjs \
//   packages/algorithms/scripts/faces-roc.ts [--out FILE.json]

import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type RgbaImage, readImageFile } from "@sheep/io";
import { iou } from "@sheep/models";
import { init } from "@sheep/tensor";
import { auc, eer, faceDescriptors, faceDistance, roc } from "../src/index.ts";
import { loadFaceModels } from "../src/node.ts";

const require = createRequire(import.meta.url);
const faceApi = dirname(require.resolve("@vladmandic/face-api/package.json"));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const astronautPath = flag("astronaut") ?? "/work/shared/images/astronaut.png";
const INPUT = 416;

function shrink(img: RgbaImage, f: number): RgbaImage {
  const [w, h] = [Math.floor(img.width / f), Math.floor(img.height / f)];
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let d = 0; d < f * f; d++)
          s += img.data[((y * f + Math.floor(d / f)) * img.width + x * f + (d % f)) * 4 + c];
        data[(y * w + x) * 4 + c] = Math.round(s / (f * f));
      }
  return { width: w, height: h, data };
}

function mirror(img: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const from = (y * img.width + img.width - 1 - x) * 4;
      data.set(img.data.subarray(from, from + 4), (y * img.width + x) * 4);
    }
  return { ...img, data };
}

/** Darker and flatter: 0.7·v + 20 on R, G, B. */
function relight(img: RgbaImage): RgbaImage {
  const data = img.data.map((v, i) => (i % 4 === 3 ? v : 0.7 * v + 20));
  return { ...img, data };
}

interface Found {
  centre: [number, number];
  width: number;
  d: Float32Array;
}

/** Faces of an image, dropping any box that overlaps a higher-scoring one. */
async function faces(models: Awaited<ReturnType<typeof loadFaceModels>>, img: RgbaImage) {
  const { faces, descriptors } = await faceDescriptors(models, img, { inputSize: INPUT });
  const keep = faces.map((f) =>
    faces.every((g) => g === f || g.box.score < f.box.score || iou(f.box, g.box) === 0),
  );
  return faces.flatMap((f, i): Found[] =>
    keep[i]
      ? [
          {
            centre: [f.box.x + f.box.width / 2, f.box.y + f.box.height / 2],
            width: f.box.width,
            d: descriptors[i],
          },
        ]
      : [],
  );
}

/** The face of `list` whose centre is nearest `c`, if within half a face width. */
function match(list: Found[], c: [number, number], width: number): Found | undefined {
  let best: Found | undefined;
  let bd = Number.POSITIVE_INFINITY;
  for (const f of list) {
    const d = Math.hypot(f.centre[0] - c[0], f.centre[1] - c[1]);
    if (d < bd) [best, bd] = [f, d];
  }
  return bd < width / 2 ? best : undefined;
}

await init();
const models = await loadFaceModels();
const same: { pair: string; distance: number }[] = [];
const different: { pair: string; distance: number }[] = [];
const unlabelled: { pair: string; distance: number }[] = [];
const base: { photo: number; face: number; d: Float32Array }[] = [];
const t0 = performance.now();
for (let n = 1; n <= 6; n++) {
  const original = await readImageFile(join(faceApi, "demo", `sample${n}.jpg`));
  const img = shrink(original, 3);
  const found = await faces(models, img);
  const variants: [string, Found[], (c: [number, number]) => [number, number], number][] = [
    ["mirrored", await faces(models, mirror(img)), ([x, y]) => [img.width - x, y], 1],
    ["relit", await faces(models, relight(img)), (c) => c, 1],
    ["scale 1/2", await faces(models, shrink(original, 2)), ([x, y]) => [1.5 * x, 1.5 * y], 1.5],
  ];
  for (const [i, f] of found.entries()) {
    base.push({ photo: n, face: i + 1, d: f.d });
    for (const [what, list, at, s] of variants) {
      const g = match(list, at(f.centre), s * f.width);
      if (g)
        same.push({
          pair: `sample${n} face ${i + 1} vs ${what}`,
          distance: faceDistance(f.d, g.d),
        });
    }
  }
  console.error(
    `sample${n}: ${found.length} faces (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
}
for (let i = 0; i < base.length; i++)
  for (let j = i + 1; j < base.length; j++) {
    const [a, b] = [base[i], base[j]];
    const pair = {
      pair: `sample${a.photo}.${a.face} vs sample${b.photo}.${b.face}`,
      distance: faceDistance(a.d, b.d),
    };
    (a.photo === b.photo ? different : unlabelled).push(pair);
  }
const astronaut = await faces(models, await readImageFile(astronautPath));
if (astronaut.length !== 1)
  throw new Error(`expected one face in the astronaut, found ${astronaut.length}`);
for (const b of base) {
  different.push({
    pair: `astronaut vs sample${b.photo}.${b.face}`,
    distance: faceDistance(astronaut[0].d, b.d),
  });
}

const scores = [...same, ...different].map((p) => -p.distance);
const truth = [...same.map(() => true), ...different.map(() => false)];
const curve = roc(scores, truth);
const at = (t: number) => ({
  tar: same.filter((p) => p.distance < t).length / same.length,
  far: different.filter((p) => p.distance < t).length / different.length,
});
const stats = (l: { distance: number }[]) => {
  const v = l.map((p) => p.distance).sort((a, b) => a - b);
  return { n: v.length, min: v[0], median: v[v.length >> 1], max: v[v.length - 1] };
};
const result = {
  inputSize: INPUT,
  faces: base.length,
  same: stats(same),
  different: stats(different),
  unlabelled: { ...stats(unlabelled), below06: unlabelled.filter((p) => p.distance < 0.6).length },
  auc: auc(curve),
  eer: eer(curve),
  atDlibThreshold: at(0.6),
  seconds: (performance.now() - t0) / 1000,
  pairs: { same, different, unlabelled },
};
console.log(JSON.stringify({ ...result, pairs: undefined }, null, 2));
const out = flag("out");
if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
