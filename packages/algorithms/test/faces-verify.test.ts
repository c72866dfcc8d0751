// Face verification and identification on face-api's shipped group photos (MIT), through the
// whole pipeline: detector, landmarks, alignment, the dlib ResNet. Same person: a photo and
// its mirror image, and a face cut out at another scale; different people: the faces of one
// group photo (distinct people by construction). Small images (the photo shrunk 4×).

import type { RgbaImage } from "@sheep/io";
import { beforeAll, expect, test } from "vitest";
import {
  buildGallery,
  DLIB_THRESHOLD,
  type FaceModels,
  faceDescriptors,
  faceDistance,
  identifyDescriptor,
  identifyFace,
  NoFaceError,
  verifyFaces,
} from "../src/index.ts";
import { loadFaceModels } from "../src/node.ts";
import { cropImage, mirror, smallPhoto } from "./faces/oracle.ts";
import { useWebGPU } from "./helpers.ts";

useWebGPU();

const INPUT = 320;
let models: FaceModels;
let photo: RgbaImage;
let found: Awaited<ReturnType<typeof faceDescriptors>>;

beforeAll(async () => {
  models = await loadFaceModels();
  photo = await smallPhoto(1, 4); // 480×320, three women
  found = await faceDescriptors(models, photo, { inputSize: INPUT });
}, 120_000);

test("the faces of one group photo are different people (distance > 0.6)", () => {
  expect(found.faces.length).toBeGreaterThanOrEqual(2);
  const d: number[] = [];
  for (let i = 0; i < found.descriptors.length; i++)
    for (let j = i + 1; j < found.descriptors.length; j++)
      d.push(faceDistance(found.descriptors[i], found.descriptors[j]));
  console.log(`different people: distances ${d.map((v) => v.toFixed(3)).join(", ")}`);
  for (const v of d) expect(v).toBeGreaterThan(DLIB_THRESHOLD);
});

test("a photo and its mirror image: the largest face is the same person", async () => {
  const r = await verifyFaces(models, photo, mirror(photo), { inputSize: INPUT });
  console.log(`mirror: distance ${r.distance.toFixed(3)}`);
  expect(r.a.found).toBe(found.faces.length);
  expect(r.same).toBe(true);
  expect(r.distance).toBeLessThan(DLIB_THRESHOLD);
  // The mirrored box sits where the original's mirror image is.
  const a = r.a.face.box;
  const b = r.b.face.box;
  expect(Math.abs(photo.width - (a.x + a.width) - b.x)).toBeLessThan(0.15 * a.width);
}, 120_000);

test("a face cut out with a margin, then the whole photo: same; the other faces: different", async () => {
  const face = found.faces[0].box;
  const crop = cropImage(photo, {
    x: face.x - face.width,
    y: face.y - face.height,
    width: 3 * face.width,
    height: 3 * face.height,
  });
  const { gallery, skipped } = await buildGallery(
    models,
    [{ name: "first", source: "crop of face 1", image: crop }],
    { inputSize: 160 },
  );
  expect(skipped).toEqual([]);
  for (const [i, d] of found.descriptors.entries()) {
    const who = identifyDescriptor(gallery, d);
    console.log(`face ${i + 1} vs crop of face 1: ${who.distance.toFixed(3)} → ${who.name}`);
    expect(who.name).toBe(i === 0 ? "first" : "unknown");
  }
}, 120_000);

test("identification: the mirrored photo's largest face is person 1; without person 1, unknown", async () => {
  const entries = found.descriptors.map((descriptor, i) => ({
    name: `person${i + 1}`,
    source: "sample1",
    descriptor,
  }));
  const who = await identifyFace(models, { entries }, mirror(photo), { inputSize: INPUT });
  console.log(`identify: ${who.distances.map((d) => `${d.name} ${d.distance.toFixed(3)}`)}`);
  expect(who.name).toBe("person1");
  expect(who.distances.map((d) => d.name).sort()).toEqual(entries.map((e) => e.name).sort());
  const others = identifyDescriptor({ entries: entries.slice(1) }, who.query.descriptor);
  expect(others.name).toBe("unknown");
}, 120_000);

test("a picture without a face: a NoFaceError that says what to try", async () => {
  const blank = { width: 96, height: 96, data: new Uint8ClampedArray(96 * 96 * 4).fill(200) };
  await expect(verifyFaces(models, blank, photo, { inputSize: 96 })).rejects.toThrow(NoFaceError);
  await expect(verifyFaces(models, blank, photo, { inputSize: 96 })).rejects.toThrow(
    /no face found in the first image.*input size/,
  );
}, 60_000);
