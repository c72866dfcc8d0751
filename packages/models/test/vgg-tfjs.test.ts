// VGG16 and VGG19 with random weights, written in each dialect by the project's writer, loaded
// by loadVgg and run at 32×32 and 64×64 on WebGPU, against an independent TensorFlow.js CPU
// forward pass built from the same file (test/helpers/vgg-oracle.ts). Every tap name is
// compared, so the tap table, the dialect conversions and the layers are all checked.

import { init, randn, release, type Tensor } from "@sheep/tensor";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadSafetensors } from "../src/safetensors/reader.ts";
import { vggConfig } from "../src/vgg/architecture.ts";
import type { VggDialect } from "../src/vgg/dialects.ts";
import { loadVgg } from "../src/vgg/load.ts";
import { randomVggWeights, vggSafetensors } from "../src/vgg/random.ts";
import { oracleForward } from "./helpers/vgg-oracle.ts";

// Channels 4, 8, 16, 32, 32 and fc 64: VGG's shape at 1/16 of its width.
const small = (arch: "vgg16" | "vgg19") => vggConfig(arch, { divisor: 16, hidden: 64 });
const DIALECTS: VggDialect[] = ["timm", "torchvision", "keras"];

/** Largest |ours − theirs| relative to the largest |theirs| (activations grow with depth). */
function relError(ours: Float32Array, theirs: Float32Array): number {
  let err = 0;
  let scale = 1e-6;
  for (let i = 0; i < theirs.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  return err / scale;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  await init(); // WebGPU; SHEEP_BACKEND=cpu runs the same checks on the float64 backend
});
afterAll(() => release());

const worst = { value: 0, where: "" };
afterAll(() =>
  console.log(
    `VGG vs TF.js: worst relative error ${worst.value.toExponential(2)} (${worst.where})`,
  ),
);

for (const arch of ["vgg16", "vgg19"] as const) {
  describe(`${arch} (1/16 width) vs TensorFlow.js`, () => {
    const config = small(arch);
    const weights = randomVggWeights(config, arch === "vgg16" ? 16 : 19);
    for (const dialect of DIALECTS) {
      test(`${dialect} file: every tap at 32×32 (batch 2) and 64×64`, async () => {
        const bytes = vggSafetensors(config, dialect, weights);
        const file = await loadSafetensors(bytes);
        const model = await loadVgg(bytes);
        expect(model.dialect).toBe(dialect);
        expect(model.arch).toBe(arch);
        expect(model.config.widths).toEqual([4, 8, 16, 32, 32]);
        for (const shape of [
          [2, 3, 32, 32],
          [1, 3, 64, 64],
        ]) {
          const x = randn(shape, { seed: shape[2] });
          const taps = model.tapNames;
          const ours = model.forward(x, taps);
          const theirs = oracleForward(
            arch,
            dialect,
            file,
            (await x.data()) as Float32Array,
            shape,
          );
          const shapes = model.tapShapes(shape);
          const read = new Map<Tensor, Float32Array>(); // aliases share a tensor: read it once
          for (const name of taps) {
            const t = ours.get(name)!;
            const ref = theirs.get(name);
            expect(ref, `oracle has ${name}`).toBeDefined();
            expect(t.shape, name).toEqual(ref!.shape);
            expect(t.shape, name).toEqual(shapes.get(name));
            if (!read.has(t)) read.set(t, (await t.data()) as Float32Array);
            const e = relError(read.get(t)!, ref!.data);
            if (e > worst.value)
              Object.assign(worst, { value: e, where: `${arch} ${dialect} ${name} @${shape[2]}` });
            expect(e, `${arch} ${dialect} ${name} at ${shape[2]}×${shape[3]}`).toBeLessThan(1e-4);
          }
        }
        model.dispose();
      });
    }
  });
}
