// The face-recognition weights converter against TF.js's own decoder, and the converted weights
// against face-api's descriptors through a naive float64 forward pass.

import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { findWeights } from "../src/download/registry.ts";
import { faceParams } from "../src/face/architecture.ts";
import { convertFaceWeights, type FaceTensor, transpose } from "../src/face/convert.ts";
import { FACE_INPUT_NAMES, faceInput, fnv1a } from "../src/face/inputs.ts";
import {
  concatShards,
  decodeTfjsWeights,
  type TfjsManifest,
  type TfjsWeightSpec,
} from "../src/face/tfjs-weights.ts";
import { convertFaceApiWeights } from "../src/face/weights-node.ts";
import { faceForward } from "./face-ref-forward.ts";

const require = createRequire(import.meta.url);
const modelDir = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
const manifest: TfjsManifest = JSON.parse(
  readFileSync(join(modelDir, "face_recognition_model-weights_manifest.json"), "utf8"),
);
const bytes = concatShards(manifest, (p) => new Uint8Array(readFileSync(join(modelDir, p))));
const specs = manifest.flatMap((g) => g.weights);
const reference = JSON.parse(
  readFileSync(new URL("../data/face-reference.json", import.meta.url), "utf8"),
);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

let weights: Map<string, FaceTensor>;
beforeAll(async () => {
  await tf.setBackend("cpu");
  weights = convertFaceWeights(manifest, bytes);
});

describe("face weights: converter vs manifest", () => {
  it("has one tensor per manifest weight, with the manifest's shape permuted to ours", () => {
    expect(weights.size).toBe(specs.length);
    const byTfName = new Map([...weights.values()].map((t) => [t.tfName, t]));
    for (const spec of specs) {
      const t = byTfName.get(spec.name);
      expect(t, spec.name).toBeDefined();
      expect(t!.tfShape).toEqual(spec.shape);
      const s = spec.shape;
      const ours = s.length === 4 ? [s[3], s[2], s[0], s[1]] : s.length === 2 ? [s[1], s[0]] : s;
      expect(t!.shape).toEqual(ours);
      expect(t!.data.length).toBe(s.reduce((a, b) => a * b, 1));
    }
    expect(faceParams().map((p) => p.name)).toEqual([...weights.keys()]);
  });
});

describe("face weights: dequantisation vs TF.js", () => {
  it("equals tf.io.decodeWeights on face_recognition_model.bin, bit for bit", () => {
    const tfWeights = tf.io.decodeWeights(
      bytes.slice().buffer,
      specs as tf.io.WeightsManifestEntry[],
    );
    for (const t of weights.values()) {
      const theirs = tfWeights[t.tfName];
      const perm = t.tfShape.length === 4 ? [3, 2, 0, 1] : t.tfShape.length === 2 ? [1, 0] : null;
      const laidOut = perm ? tf.transpose(theirs, perm) : theirs;
      expect(maxAbsDiff(t.data, laidOut.dataSync()), t.tfName).toBe(0);
    }
    tf.dispose(Object.values(tfWeights));
  });

  it("decodes float32, float16, uint8 and uint16 storage like TF.js, at unaligned offsets", () => {
    const spec = (name: string, shape: number[], q?: TfjsWeightSpec["quantization"]) =>
      ({ name, shape, dtype: "float32", ...(q ? { quantization: q } : {}) }) as TfjsWeightSpec;
    const manifestSpecs = [
      spec("u8", [3, 5], { dtype: "uint8", scale: 0.013, min: -1.7 }),
      spec("f32", [2, 3]),
      spec("f16", [7], { dtype: "float16" }),
      spec("u16", [4, 2], { dtype: "uint16", scale: 3.1e-5, min: 0.25 }),
    ];
    const size = 15 + 6 * 4 + 7 * 2 + 8 * 2;
    const raw = new Uint8Array(size).map((_, i) => (i * 97 + 13) & 0xff);
    const view = new DataView(raw.buffer);
    // Real float32 values (arbitrary bit patterns could be NaNs) at the unaligned offset 15.
    const floats = [-2.5, 0.1, 3e-39, 1e30, -0, 7];
    for (const [i, v] of floats.entries()) view.setFloat32(15 + 4 * i, v, true);
    // float16 edge cases: smallest subnormal, -0, +infinity, largest finite, 1, -2.72, 2^-14.
    const halves = [0x0001, 0x8000, 0x7c00, 0x7bff, 0x3c00, 0xc170, 0x0400];
    for (const [i, h] of halves.entries()) view.setUint16(39 + 2 * i, h, true);
    const ours = decodeTfjsWeights([{ paths: ["x.bin"], weights: manifestSpecs }], raw);
    const theirs = tf.io.decodeWeights(
      raw.slice().buffer,
      manifestSpecs as tf.io.WeightsManifestEntry[],
    );
    for (const s of manifestSpecs) {
      // toEqual compares numbers with Object.is, so -0 ≠ 0 here, as it should be.
      expect(Array.from(ours.get(s.name)!.data), s.name).toEqual(
        Array.from(theirs[s.name].dataSync()),
      );
    }
  });

  it("transposes HWIO → OIHW like tf.transpose", () => {
    const shape = [3, 2, 4, 5];
    const data = Float32Array.from({ length: 120 }, (_, i) => i * 0.5 - 7);
    const theirs = tf.transpose(tf.tensor(data, shape), [3, 2, 0, 1]).dataSync();
    expect(Array.from(transpose(data, shape, [3, 2, 0, 1]))).toEqual(Array.from(theirs));
  });

  it("rejects shards that do not match the manifest", () => {
    expect(() => convertFaceWeights(manifest, bytes.subarray(1))).toThrow(/bytes/);
  });
});

describe("face weights: the converted safetensors file", () => {
  // Parsed by hand (8-byte little-endian header length, JSON header, data), so this checks the
  // file our converter writes without depending on the project's safetensors reader.
  it("holds exactly the converted weights, as F32, with their TF.js names in the metadata", async () => {
    const path = await convertFaceApiWeights(
      join(mkdtempSync(join(tmpdir(), "face-")), "face.safetensors"),
    );
    const file = readFileSync(path);
    expect(createHash("sha256").update(file).digest("hex")).toBe(findWeights("face")?.sha256);
    const headerLength = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.subarray(8, 8 + headerLength).toString("utf8"));
    const { __metadata__: metadata, ...entries } = header;
    expect(Object.keys(entries).sort()).toEqual([...weights.keys()].sort());
    const tfNames = JSON.parse(metadata.tf_names);
    for (const [name, t] of weights) {
      const e = entries[name];
      expect(e.dtype).toBe("F32");
      expect(e.shape).toEqual(t.shape);
      const [begin, end] = e.data_offsets;
      const raw = file.subarray(8 + headerLength + begin, 8 + headerLength + end);
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(raw)).toBe(
        true,
      );
      expect(tfNames[name]).toContain(t.tfName);
    }
  });
});

describe("face network: float64 forward on converted weights vs face-api", () => {
  const cases: {
    name: string;
    fnv1a: string;
    descriptor: number[];
    stages: { name: string; shape: number[]; mean: number; std: number; first8: number[] }[];
  }[] = reference.cases;

  it("regenerates the reference's input images exactly", () => {
    expect(cases.map((c) => c.name)).toEqual([...FACE_INPUT_NAMES]);
    for (const c of cases) expect(fnv1a(faceInput(c.name as never)), c.name).toBe(c.fnv1a);
  });

  for (const c of cases) {
    it(`reproduces face-api's descriptor for '${c.name}' within 1e-4`, () => {
      const w = new Map([...weights].map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
      const { descriptor, stages } = faceForward(w, faceInput(c.name as never));
      // Stage by stage first: a wrong layer fails here, by name, before the descriptor does.
      expect(stages.map((s) => s.name)).toEqual(c.stages.map((s) => s.name));
      stages.forEach((s, i) => {
        const ref = c.stages[i];
        expect([1, s.value.c, s.value.h, s.value.w], s.name).toEqual(ref.shape);
        expect(maxAbsDiff(s.value.data.slice(0, 8), ref.first8), s.name).toBeLessThan(1e-4);
        const mean = s.value.data.reduce((a, v) => a + v, 0) / s.value.data.length;
        const variance =
          s.value.data.reduce((a, v) => a + (v - mean) ** 2, 0) / s.value.data.length;
        expect(Math.abs(mean - ref.mean), `${s.name} mean`).toBeLessThan(1e-4);
        expect(Math.abs(Math.sqrt(variance) - ref.std), `${s.name} std`).toBeLessThan(1e-4);
      });
      const err = maxAbsDiff(descriptor, c.descriptor);
      console.log(`face descriptor '${c.name}': max abs error vs face-api ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
    });
  }
});
