// The face network on the engine against face-api's own TF.js forward pass: the four synthetic
// inputs of data/face-reference.json, through our preprocessing and every stage, on WebGPU and
// on the float64 cpu backend. The project's real-weights test.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BackendKind, init, narrow, release, type Tensor, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FACE_INPUT_NAMES, faceInput } from "../src/face/inputs.ts";
import { FACE_TAPS, type FaceNet } from "../src/face/model.ts";
import { loadFaceNetFile } from "../src/face/node.ts";
import { prepareFaceImage } from "../src/face/preprocess.ts";
import { faceWeightsPath } from "../src/face/weights-node.ts";

interface Stage {
  name: string;
  shape: number[];
  mean: number;
  std: number;
  first8: number[];
}
const reference: { cases: { name: string; descriptor: number[]; stages: Stage[] }[] } = JSON.parse(
  readFileSync(new URL("../data/face-reference.json", import.meta.url), "utf8"),
);

/** The four reference images as one batch [4, 3, 150, 150] in [0, 1]. */
function batch(backend: BackendKind): Tensor {
  const n = 150 * 150;
  const data = new Float32Array(4 * 3 * n);
  FACE_INPUT_NAMES.forEach((name, b) => {
    const hwc = faceInput(name);
    for (let p = 0; p < n; p++)
      for (let c = 0; c < 3; c++) data[(b * 3 + c) * n + p] = hwc[p * 3 + c] / 255;
  });
  return tensor(data, { shape: [4, 3, 150, 150], backend });
}

/** Mean and population std of one image's values. */
function stats(v: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
}

let weightsFile: string;
beforeAll(async () => {
  weightsFile = await faceWeightsPath(mkdtempSync(join(tmpdir(), "face-model-")));
  await init({ backend: "cpu", makeDefault: false });
  await init({ backend: "webgpu" });
});
afterAll(() => release());

// Measured: WebGPU (lavapipe, float32) ≈ 1e-6 on the descriptors; cpu (float64) ≈ 1.5e-7,
// the float32 rounding of face-api's own outputs.
const TOLERANCE: Record<BackendKind, number> = { webgpu: 2e-5, cpu: 1e-6 };

for (const backend of ["webgpu", "cpu"] as const) {
  describe(`face network on ${backend} vs face-api`, () => {
    let net: FaceNet;
    let out: Map<string, Tensor>;
    beforeAll(async () => {
      net = await loadFaceNetFile(weightsFile, { backend });
      // The reference names the max-pool's output "stem.maxpool" (our alias of "stem").
      const x = prepareFaceImage(batch(backend));
      out = net.forward(x, [...FACE_TAPS, "stem.maxpool"]);
      out.set("input", x);
    });

    test("every stage: shape, mean, std and first values", async () => {
      let worst = 0;
      for (const [b, c] of reference.cases.entries()) {
        for (const s of c.stages) {
          const t = out.get(s.name);
          expect(t, s.name).toBeDefined();
          expect([1, ...t!.shape.slice(1)], s.name).toEqual(
            s.name === "avgpool" ? [1, 256] : s.shape,
          );
          const per = t!.size / t!.shape[0];
          const v = (await t!.data()).subarray(b * per, (b + 1) * per);
          const st = stats(v);
          const scale = Math.max(1, s.std);
          worst = Math.max(
            worst,
            Math.abs(st.mean - s.mean) / scale,
            Math.abs(st.std - s.std) / scale,
          );
          for (let i = 0; i < 8; i++) worst = Math.max(worst, Math.abs(v[i] - s.first8[i]) / scale);
        }
      }
      console.log(
        `face stages on ${backend}: worst error (relative to max(1, std)) ` +
          worst.toExponential(2),
      );
      expect(worst).toBeLessThan(TOLERANCE[backend] * 10);
    });

    test("the 128-D descriptors", async () => {
      const emb = await out.get("embedding")!.data();
      let worst = 0;
      reference.cases.forEach((c, b) => {
        for (let i = 0; i < 128; i++)
          worst = Math.max(worst, Math.abs(emb[b * 128 + i] - c.descriptor[i]));
      });
      console.log(
        `face descriptors on ${backend}: max abs error vs face-api ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(TOLERANCE[backend]);
    });
  });
}

describe("face network API", () => {
  test("taps by alias, deepest-tap stop, frozen weights with the file's names", async () => {
    const net = await loadFaceNetFile(weightsFile);
    const x = prepareFaceImage(narrow(batch("webgpu"), 0, 0, 1));
    const out = net.forward(x, ["layer2", "stem.maxpool", "fc"]);
    expect(out.get("layer2")!.shape).toEqual([1, 64, 17, 17]);
    expect(out.get("stem.maxpool")!.shape).toEqual([1, 32, 35, 35]);
    expect(out.get("fc")!.shape).toEqual([1, 128]);
    expect(() => net.forward(x, ["layer5"])).toThrow(/no tap "layer5"/);
    expect(net.parameters().every((p) => !p.requiresGrad)).toBe(true);
    const names = net.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual([
      "stem.conv.weight",
      "stem.conv.bias",
      "stem.affine.weight",
      "stem.affine.bias",
    ]);
    expect(names).toContain("layer4.3.affine2.bias");
    expect(names.at(-1)).toBe("fc.weight");
    expect(names).toHaveLength(117);
    net.dispose();
  });
});
