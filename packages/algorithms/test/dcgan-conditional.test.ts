// The conditional DCGAN trains: on MNIST 0s and 1s (two classes, 64 images), 41 steps of the
// conditional G and D with finite losses, after which switching G's class input (same noise)
// moves its sample 1.5× as much relative to switching the noise as it did untrained (measured
// 1.02 → 1.58). Not established at this size, and printed rather than asserted: that the
// samples look like the class asked for (the cosine between the class switch's effect and the
// real 0s-minus-1s mean image was 0.005 → 0.22 here, and −0.09 … 0.11 with other lr/width).

import { init, release } from "@sheep/tensor";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Dcgan, type ImageSet, imageSet, loadImageSet, sampleImages } from "../src/node.ts";

const PIXELS = 784;
let zerosOnes: ImageSet;

beforeAll(async () => {
  await init({ backend: "webgpu" });
  const digits = await loadImageSet("mnist", { limit: 400 });
  const keep = [...digits.labels.keys()].filter((i) => digits.labels[i] < 2).slice(0, 64);
  const unit = new Float32Array(keep.length * PIXELS);
  keep.forEach((i, r) => {
    for (let p = 0; p < PIXELS; p++) unit[r * PIXELS + p] = (digits.x[i * PIXELS + p] + 1) / 2;
  });
  const labels = Int32Array.from(keep, (i) => digits.labels[i]);
  zerosOnes = imageSet("mnist", unit, labels, ["0", "1"]);
});
afterAll(() => release());

function classMeans(set: ImageSet): Float64Array[] {
  const means = [new Float64Array(PIXELS), new Float64Array(PIXELS)];
  const counts = [0, 0];
  for (let i = 0; i < set.n; i++) {
    counts[set.labels[i]]++;
    for (let p = 0; p < PIXELS; p++) means[set.labels[i]][p] += set.x[i * PIXELS + p];
  }
  for (const c of [0, 1]) for (let p = 0; p < PIXELS; p++) means[c][p] /= counts[c];
  return means;
}

/**
 * Cosine between what switching G's class from 1 to 0 does to its mean sample (same noise) and
 * the difference of the real 0s' and 1s' mean images: about 0 when the class input does nothing
 * useful, near 1 when it draws the class asked for.
 */
function classDirection(images: Float32Array, half: number, means: Float64Array[]): number {
  let [dot, gg, rr] = [0, 0, 0];
  for (let p = 0; p < PIXELS; p++) {
    let d = 0;
    for (let i = 0; i < half; i++)
      d += (images[i * PIXELS + p] - images[(i + half) * PIXELS + p]) / half;
    const r = means[0][p] - means[1][p];
    dot += d * r;
    gg += d * d;
    rr += r * r;
  }
  return dot / Math.sqrt(gg * rr);
}

const STEPS = 40;

/** Mean |G(z, 0) − G(z, 1)| over same-noise pairs: how much the class input moves the sample. */
function classEffect(images: Float32Array, half: number): number {
  let [byClass, byNoise] = [0, 0];
  for (let i = 0; i < half * PIXELS; i++) {
    byClass += Math.abs(images[i] - images[i + half * PIXELS]);
    // the same class, the next sample's noise (the last pairs with the first)
    byNoise += Math.abs(images[i] - images[(i + PIXELS) % (half * PIXELS)]);
  }
  return byClass / byNoise;
}

const ink = (images: Float32Array, from: number, count: number) =>
  images.subarray(from * PIXELS, (from + count) * PIXELS).reduce((a, b) => a + b, 0) /
  (count * PIXELS);

test("41 steps: losses stay finite and the class input comes to move the sample more", async () => {
  const means = classMeans(zerosOnes);
  const n = 32;
  // the same noise for both halves: only the class differs between sample i and i + n/2
  const classes = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  const gan = new Dcgan(zerosOnes, {
    shape: { zDim: 8, width: 4, classes: 2 },
    batch: 16,
    seed: 2,
    lr: 2e-3,
  });
  const direction = async () =>
    classDirection(await sampleImages(gan.g, n, 5, classes), n / 2, means);
  const before = await direction();
  const effect0 = classEffect(await sampleImages(gan.g, n, 5, classes), n / 2);
  gan.step();
  const first = await gan.record();
  for (let i = 0; i < STEPS; i++) gan.step();
  const after = await direction();
  const effect1 = classEffect(await sampleImages(gan.g, n, 5, classes), n / 2);
  const images = await sampleImages(gan.g, n, 5, classes);
  const [ink0, ink1] = [ink(images, 0, n / 2), ink(images, n / 2, n / 2)];
  const r = await gan.record();
  console.log(
    `conditional: class direction cosine ${before.toFixed(3)} → ${after.toFixed(3)}; ink 0s ${ink0.toFixed(3)}, 1s ${ink1.toFixed(3)}; ` +
      `class effect ${effect0.toExponential(2)} → ${effect1.toExponential(2)}; D loss ${first.dLoss.toFixed(3)} → ${r.dLoss.toFixed(3)}, G ${first.gLoss.toFixed(3)} → ${r.gLoss.toFixed(3)}`,
  );
  expect(Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss)).toBe(true);
  expect(effect1).toBeGreaterThan(1.25 * effect0);
  gan.dispose();
}, 120_000);
