// The README's figure: one MNIST test digit under the shipped LeNet — the digit, a PGD
// adversarial version and its perturbation, then occlusion, saliency, Integrated Gradients and
// Grad-CAM maps — each 28×28 cell scaled ×6 (nearest) and labelled with the top class.
//   node scripts/run-ts.mjs packages/algorithms/scripts/adversarial-figure.ts OUT.png [INDEX]

import { nchwToImage, writeImageFile } from "@sheep/io";
import { init, tensor } from "@sheep/tensor";
import { blit, canvas, drawText } from "../src/common/canvas.ts";
import {
  attack,
  gradCam,
  integratedGradients,
  occlusion,
  overlayHeatmap,
  predict,
  saliency,
} from "../src/index.ts";
import { loadMnistDigits, loadSmallClassifierFile } from "../src/node.ts";

const [out, indexArg] = process.argv.slice(2);
if (!out) {
  console.error(
    "usage: node scripts/run-ts.mjs packages/algorithms/scripts/adversarial-figure.ts OUT.png [INDEX]",
  );
  process.exit(2);
}
await init();
const { model } = await loadSmallClassifierFile("lenet-mnist");
const digits = loadMnistDigits("test");
const j = Number(indexArg ?? digits.labels.indexOf(4));
const pixels = digits.images.slice(j * 784, (j + 1) * 784);
const x = tensor(pixels, { shape: [1, 1, 28, 28] });
const grey = (d: ArrayLike<number>) => Float32Array.from({ length: 3 * 784 }, (_, i) => d[i % 784]);

const adv = attack(model, x, "pgd", { eps: 0.25, steps: 20, stepSize: 0.03, seed: 1 });
const [advData, advClass, clean] = [
  await adv.data(),
  (await predict(model, adv).data())[0],
  (await predict(model, x).data())[0],
];
const delta = Float32Array.from(advData, (v, i) => 0.5 + (v - pixels[i]) / (2 * 0.25));
const occ = await occlusion(model, x, { window: 6, stride: 2, baseline: 0 });
const sal = await saliency(model, x);
const ig = await integratedGradients(model, x, { steps: 64 });
const cam = await gradCam(model, x, "conv1");
const cells: [string, Float32Array][] = [
  [`digit: ${clean}`, grey(pixels)],
  [`pgd 0.25: ${advClass}`, grey(advData)],
  ["perturbation", grey(delta)],
  ["occlusion", overlayHeatmap(pixels, 1, occ.heat, 28, 28)],
  ["saliency", overlayHeatmap(pixels, 1, sal.heat, 28, 28)],
  ["int. grads", overlayHeatmap(pixels, 1, ig.heat, 28, 28)],
  ["grad-cam c1", overlayHeatmap(pixels, 1, cam.heat, 28, 28)],
];
const [s, side, pad, label] = [6, 168, 6, 12];
const c = canvas(cells.length * (side + pad) + pad, side + 2 * pad + label);
cells.forEach(([name, img], k) => {
  const big = new Float32Array(3 * side * side);
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < side; y++) {
      for (let xx = 0; xx < side; xx++) {
        big[ch * side * side + y * side + xx] =
          img[ch * 784 + Math.floor(y / s) * 28 + Math.floor(xx / s)];
      }
    }
  }
  const left = pad + k * (side + pad);
  blit(c, big, side, side, pad, left);
  drawText(c, name, side + pad + 3, left, 1);
});
await writeImageFile(out, nchwToImage(c.data, [1, 3, c.height, c.width]));
console.log(
  `wrote ${out}: test digit ${j} (label ${digits.labels[j]}), clean ${clean}, PGD → ${advClass}; IG Σ ${ig.total.toFixed(3)} vs Δ ${ig.delta.toFixed(3)}`,
);
process.exit(0);
