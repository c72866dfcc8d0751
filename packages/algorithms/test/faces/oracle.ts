// face-api itself (its CommonJS build on TF.js's CPU backend) as the oracle for the face
// detector and landmark net, and the shipped group photos as small test images.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type RgbaImage, readImageFile } from "@sheep/io";

const require = createRequire(import.meta.url);

/** face-api's demo photo `sample{n}.jpg` (MIT, shipped in the npm package). */
export function samplePhoto(n: number): string {
  const dir = dirname(require.resolve("@vladmandic/face-api/package.json"));
  return join(dir, "demo", `sample${n}.jpg`);
}

/** A photo shrunk by an integer factor (box average), so tests stay small on lavapipe. */
export async function smallPhoto(n: number, factor: number): Promise<RgbaImage> {
  const img = await readImageFile(samplePhoto(n));
  const width = Math.floor(img.width / factor);
  const height = Math.floor(img.height / factor);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let dy = 0; dy < factor; dy++)
          for (let dx = 0; dx < factor; dx++)
            s += img.data[((y * factor + dy) * img.width + x * factor + dx) * 4 + c];
        data[(y * width + x) * 4 + c] = Math.round(s / (factor * factor));
      }
    }
  }
  return { width, height, data } as RgbaImage;
}

export interface OracleFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: { x: number; y: number }[];
}

/** face-api's TinyFaceDetector + FaceLandmark68Net on TF.js CPU, on exactly these pixels. */
export async function faceApiFaces(img: RgbaImage, inputSize: number): Promise<OracleFace[]> {
  // biome-ignore lint/suspicious/noExplicitAny: face-api's CommonJS build is untyped here.
  const faceapi: any = require("@vladmandic/face-api/dist/face-api.node-wasm.js");
  const { tf } = faceapi;
  await tf.setBackend("cpu");
  await tf.ready();
  const dir = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
  if (!faceapi.nets.tinyFaceDetector.isLoaded)
    await faceapi.nets.tinyFaceDetector.loadFromDisk(dir);
  if (!faceapi.nets.faceLandmark68Net.isLoaded)
    await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
  const rgb = new Int32Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++)
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = img.data[p * 4 + c];
  const t = tf.tensor3d(rgb, [img.height, img.width, 3], "int32");
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 });
  const found = await faceapi.detectAllFaces(t, options).withFaceLandmarks();
  t.dispose();
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  return found.map((f: any) => ({
    box: {
      x: f.detection.box.x,
      y: f.detection.box.y,
      width: f.detection.box.width,
      height: f.detection.box.height,
    },
    score: f.detection.score,
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    landmarks: f.landmarks.positions.map((p: any) => ({ x: p.x, y: p.y })),
  }));
}

/** The image mirrored left ↔ right. */
export function mirror(img: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const from = (y * img.width + (img.width - 1 - x)) * 4;
      data.set(img.data.subarray(from, from + 4), (y * img.width + x) * 4);
    }
  }
  return { width: img.width, height: img.height, data } as RgbaImage;
}

/** A rectangle of an image (clipped to it). */
export function cropImage(
  img: RgbaImage,
  r: { x: number; y: number; width: number; height: number },
): RgbaImage {
  const x0 = Math.max(0, Math.round(r.x));
  const y0 = Math.max(0, Math.round(r.y));
  const width = Math.min(img.width, Math.round(r.x + r.width)) - x0;
  const height = Math.min(img.height, Math.round(r.y + r.height)) - y0;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * img.width + x0) * 4;
    data.set(img.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data } as RgbaImage;
}
