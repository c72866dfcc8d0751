// `sheep face verify A B`, `sheep face identify --gallery DIR IMAGE`, `sheep face detect IMAGE`:
// faces found with face-api's Tiny Face Detector and 68 landmarks on the engine, aligned to
// dlib's 150×150 chip, compared with the dlib ResNet's 128-D descriptors (dlib threshold 0.6).
// All three networks' weights are converted from the npm package @vladmandic/face-api.

import { extname } from "node:path";
import {
  buildGallery,
  type ChosenFace,
  DLIB_THRESHOLD,
  drawFaces,
  type FaceModels,
  type FaceProgress,
  findFaces,
  galleryItemsFromFolder,
  identifyFace,
  loadFaceModels,
  verifyFaces,
} from "@sheep/algorithms/node";
import { readImageFile, writeFileAtomic, writeImageFile } from "@sheep/io";
import { init } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";
import { ProgressBar, phase } from "../progress.ts";

const USAGE = `sheep face verify A B [--threshold T] [--face N] [--json]
       sheep face identify --gallery DIR IMAGE [--threshold T] [--face N] [--json]
       sheep face detect IMAGE [--out FILE.png|FILE.json] [--json]

  verify         are the faces in photos A and B the same person? (distance < threshold)
  identify       who is the face in IMAGE, among the people of DIR? (a name or "unknown")
                 DIR: pictures named after their person (ann.jpg, ann_2.jpg → "ann") and/or
                 one sub-folder per person; the largest face of each picture is used
  detect         find faces: boxes, scores and 68 landmarks; --out draws them (PNG) or
                 writes them (JSON); a list on stdout (JSON with --json)
  --threshold T  the largest distance still called the same person (default ${DLIB_THRESHOLD}, dlib's)
  --face N       which face when a photo has several: 1 = the largest (default), 2 = next…
  --input-size S the detector's input, a multiple of 32 (default 416; 608 finds smaller faces)
  --score P      the detector's confidence threshold (default 0.5; lower finds more faces)
  --json         machine-readable output

Faces are found by face-api's Tiny Face Detector, placed by its 68-point landmark net and
described by dlib's face-recognition ResNet (weights converted from the npm package
@vladmandic/face-api, MIT; dlib's model, public domain).`;

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

function detectOptions(v: Values) {
  const inputSize = num(v["input-size"], "input-size", { int: true, min: 32, max: 2048 });
  if (inputSize !== undefined && inputSize % 32 !== 0) {
    throw new UsageError(`--input-size must be a multiple of 32, got ${inputSize}`);
  }
  const scoreThreshold = num(v.score, "score", { min: 0.01, max: 0.99 });
  return { inputSize, scoreThreshold };
}

/** --face N (1-based) → index, or undefined for the largest. */
function faceIndex(v: Values): number | undefined {
  const n = num(v.face, "face", { int: true, min: 1, max: 1000 });
  return n === undefined ? undefined : n - 1;
}

async function models(): Promise<FaceModels> {
  await init();
  phase("loading the face networks (converted from @vladmandic/face-api on first use)");
  return loadFaceModels();
}

/** Stages as shares of the bar: detection, then landmarks per face, then the descriptors. */
const SHARE: Record<FaceProgress["stage"], [number, number]> = {
  detect: [0, 0.5],
  landmarks: [0.5, 0.4],
  describe: [0.9, 0.1],
};

function progress(label: string) {
  const bar = new ProgressBar(label, 1, { unit: null });
  return {
    onProgress: (p: FaceProgress) => {
      const [start, share] = SHARE[p.stage];
      bar.update(start + (share * p.done) / Math.max(1, p.total), p.stage);
    },
    done: () => bar.finish(),
  };
}

/** "(the largest of 3 faces; --face N picks another)" where a photo had several. */
function several(c: ChosenFace, what: string): string | null {
  if (c.found < 2) return null;
  const which = c.index === 0 ? "the largest" : `face ${c.index + 1}`;
  return `${what} has ${c.found} faces: using ${which} (--face N picks another)`;
}

function box(c: ChosenFace) {
  const { x, y, width, height, score } = c.face.box;
  return { x, y, width, height, score, face: c.index + 1, facesFound: c.found };
}

async function verify(v: Values, args: string[]): Promise<number> {
  if (args.length !== 2) throw new UsageError("sheep face verify needs two images: A B");
  const threshold = num(v.threshold, "threshold", { min: 0.01, max: 10 }) ?? DLIB_THRESHOLD;
  const face = faceIndex(v);
  const opts = detectOptions(v);
  const [a, b] = [await readImageFile(args[0]), await readImageFile(args[1])];
  const m = await models();
  const p = progress("faces");
  const r = await verifyFaces(m, a, b, {
    ...opts,
    threshold,
    faceA: face,
    faceB: face,
    onProgress: p.onProgress,
  });
  p.done();
  for (const note of [several(r.a, args[0]), several(r.b, args[1])]) {
    if (note) process.stderr.write(`sheep: ${note}\n`);
  }
  if (v.json) {
    const out = { a: args[0], b: args[1], distance: r.distance, same: r.same, threshold };
    console.log(JSON.stringify({ ...out, faceA: box(r.a), faceB: box(r.b) }, null, 2));
    return 0;
  }
  const verdict = r.same ? "same person" : "different people";
  console.log(`${verdict}: distance ${r.distance.toFixed(4)} (threshold ${threshold})`);
  return 0;
}

async function identify(v: Values, args: string[]): Promise<number> {
  const dir = v.gallery as string | undefined;
  if (!dir) throw new UsageError("sheep face identify needs --gallery DIR (see --help)");
  if (args.length !== 1) throw new UsageError("sheep face identify needs one IMAGE");
  const threshold = num(v.threshold, "threshold", { min: 0.01, max: 10 }) ?? DLIB_THRESHOLD;
  const face = faceIndex(v);
  const opts = detectOptions(v);
  const items = await galleryItemsFromFolder(dir);
  const image = await readImageFile(args[0]);
  const m = await models();
  const bar = new ProgressBar("gallery", items.length, { unit: String });
  const { gallery, skipped } = await buildGallery(m, items, {
    ...opts,
    onItem: (d, t) => bar.update(d, "", t),
  });
  bar.finish();
  for (const s of skipped) process.stderr.write(`sheep: no face found in ${s}: left out\n`);
  if (gallery.entries.length === 0) {
    throw new Error(`no face found in any picture of ${dir}: the gallery is empty`);
  }
  const who = await identifyFace(m, gallery, image, { ...opts, threshold, face });
  const note = several(who.query, args[0]);
  if (note) process.stderr.write(`sheep: ${note}\n`);
  if (v.json) {
    const { name, distance, distances } = who;
    const out = { image: args[0], gallery: dir, name, distance, threshold, distances };
    console.log(JSON.stringify({ ...out, face: box(who.query), skipped }, null, 2));
    return 0;
  }
  console.log(`${who.name} (distance ${who.distance.toFixed(4)}, threshold ${threshold})`);
  for (const d of who.distances) console.log(`  ${d.distance.toFixed(4)}  ${d.name}`);
  return 0;
}

async function detect(v: Values, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("sheep face detect needs one IMAGE");
  const out = v.out as string | undefined;
  const kind = out ? extname(out).toLowerCase() : null;
  if (out && kind !== ".png" && kind !== ".json") {
    throw new UsageError(`--out must end in .png (boxes drawn) or .json, got "${out}"`);
  }
  const opts = detectOptions(v);
  const image = await readImageFile(args[0]);
  const m = await models();
  const p = progress("faces");
  const faces = await findFaces(m, image, { ...opts, onProgress: p.onProgress });
  p.done();
  const list = faces.map((f, i) => ({
    face: i + 1,
    box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height },
    score: f.box.score,
    landmarks: f.landmarks.map((q) => [q.x, q.y]),
  }));
  if (kind === ".json") {
    const json = JSON.stringify({
      image: args[0],
      width: image.width,
      height: image.height,
      faces: list,
    });
    await writeFileAtomic(out!, new TextEncoder().encode(`${json}\n`));
  } else if (kind === ".png") await writeImageFile(out!, drawFaces(image, faces));
  if (faces.length === 0) {
    process.stderr.write(
      "sheep: no face found: try --input-size 608 for small faces or --score 0.3\n",
    );
  }
  if (v.json) console.log(JSON.stringify({ image: args[0], faces: list }, null, 2));
  else {
    console.log(
      `${faces.length} face${faces.length === 1 ? "" : "s"} in ${args[0]}${out ? ` → ${out}` : ""}`,
    );
    for (const f of list) {
      const b = f.box;
      console.log(
        `  ${f.face}. x ${b.x.toFixed(0)} y ${b.y.toFixed(0)} ${b.width.toFixed(0)}×${b.height.toFixed(0)} score ${f.score.toFixed(3)}`,
      );
    }
  }
  return 0;
}

export const faceCommand: Command = {
  name: "face",
  summary: "face verification, identification and detection (dlib ResNet, face-api detector)",
  usage: USAGE,
  options: {
    threshold: { type: "string" },
    face: { type: "string" },
    gallery: { type: "string" },
    out: { type: "string" },
    "input-size": { type: "string" },
    score: { type: "string" },
    json: { type: "boolean" },
  },
  async run(v, [sub, ...args]) {
    if (sub === "verify") return verify(v, args);
    if (sub === "identify") return identify(v, args);
    if (sub === "detect") return detect(v, args);
    throw new UsageError(
      sub
        ? `unknown face command "${sub}": use verify, identify or detect`
        : "sheep face needs a command: verify, identify or detect (see `sheep face --help`)",
    );
  },
};
