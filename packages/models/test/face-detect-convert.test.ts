// Converting face-api's Tiny Face Detector and 68-point landmark weights: every TF.js weight
// lands under our name in our layout (checked element by element against the decoded TF.js
// tensor for one weight of each kind), and the conversion is deterministic (fixed SHA-256, so
// the demo build and the Node cache hold the same bytes). No GPU.

import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { landmarkParams, tinyDetectorParams } from "../src/face/detect-architecture.ts";
import { convertFaceApiModel, FACE_DETECT_SHA256 } from "../src/face/detect-weights-node.ts";
import { convertTfjsParams } from "../src/face/tfjs-convert.ts";
import { concatShards, decodeTfjsWeights, type TfjsManifest } from "../src/face/tfjs-weights.ts";
import { faceApiModelDir } from "../src/face/weights-node.ts";

function load(model: string) {
  const dir = faceApiModelDir();
  const manifest = JSON.parse(
    readFileSync(join(dir, `${model}-weights_manifest.json`), "utf8"),
  ) as TfjsManifest;
  const bytes = concatShards(manifest, (p) => new Uint8Array(readFileSync(join(dir, p))));
  return { manifest, bytes };
}

describe("tiny face detector weights", () => {
  const { manifest, bytes } = load("tiny_face_detector_model");
  const w = convertTfjsParams("detector", tinyDetectorParams(), manifest, bytes);
  const tf = decodeTfjsWeights(manifest, bytes);

  test("every weight converted, with our shapes", () => {
    expect([...w.keys()]).toEqual(tinyDetectorParams().map((p) => p.name));
    expect(w.get("conv1.depthwise")?.shape).toEqual([16, 1, 3, 3]);
    expect(w.get("conv5.pointwise")?.shape).toEqual([512, 256, 1, 1]);
    expect(w.get("conv8.weight")?.shape).toEqual([25, 512, 1, 1]);
  });

  test("depthwise [3, 3, C, 1] → [C, 1, 3, 3] and HWIO → OIHW, element by element", () => {
    const dw = w.get("conv3.depthwise")!.data;
    const src = tf.get("conv3/depthwise_filter")!.data; // [3, 3, 64, 1]
    for (const [c, i, j] of [
      [0, 0, 0],
      [5, 1, 2],
      [63, 2, 1],
    ]) {
      expect(dw[c * 9 + i * 3 + j]).toBe(src[(i * 3 + j) * 64 + c]);
    }
    const k = w.get("conv0.weight")!.data; // [16, 3, 3, 3]
    const hwio = tf.get("conv0/filters")!.data; // [3, 3, 3, 16]
    for (const [o, c, i, j] of [
      [0, 0, 0, 0],
      [7, 2, 1, 2],
      [15, 1, 2, 0],
    ]) {
      expect(k[((o * 3 + c) * 3 + i) * 3 + j]).toBe(hwio[((i * 3 + j) * 3 + c) * 16 + o]);
    }
  });

  test("a manifest the table does not describe is refused by name", () => {
    const wrong = structuredClone(manifest);
    wrong[0].weights[0].name = "conv0/kernel";
    expect(() => convertTfjsParams("detector", tinyDetectorParams(), wrong, bytes)).toThrow(
      /detector: weights not in the table: conv0\/kernel/,
    );
  });
});

describe("68-point landmark weights", () => {
  const { manifest, bytes } = load("face_landmark_68_model");
  const w = convertTfjsParams("landmarks", landmarkParams(), manifest, bytes);
  const tf = decodeTfjsWeights(manifest, bytes);

  test("every weight converted; fc [256, 136] → [136, 256]", () => {
    expect(w.size).toBe(landmarkParams().length);
    const fc = w.get("fc.weight")!.data;
    const io = tf.get("fc/weights")!.data;
    for (const [o, i] of [
      [0, 0],
      [100, 7],
      [135, 255],
    ])
      expect(fc[o * 256 + i]).toBe(io[i * 136 + o]);
  });
});

describe("converted files", () => {
  for (const which of ["detector", "landmarks"] as const) {
    test(`${which}: deterministic bytes (SHA-256)`, async () => {
      const dest = join(mkdtempSync(join(tmpdir(), "face-detect-")), `${which}.safetensors`);
      await convertFaceApiModel(which, dest);
      const digest = createHash("sha256").update(readFileSync(dest)).digest("hex");
      expect(digest).toBe(FACE_DETECT_SHA256[which]);
    });
  }
});
