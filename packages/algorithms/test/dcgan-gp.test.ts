// WGAN-GP's penalty differentiates ‖∇ₓD‖ with respect to D's weights: a second derivative the
// engine gets only because the critic writes ∇ₓD as ordinary ops. Checked on the float64 cpu
// backend against central finite differences along a random direction.

import { backward, init, nn, rand, randn, release, type Tensor } from "@sheep/tensor";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Discriminator, wganGpCriticLoss } from "../src/index.ts";

beforeAll(async () => {
  await init({ backend: "cpu" });
});
afterAll(() => release());

async function directional(params: Tensor[], loss: () => Tensor) {
  backward(loss());
  const dirs = params.map((p, i) => randn(p.shape, { seed: 20 + i }));
  let analytic = 0;
  for (const [i, p] of params.entries()) {
    const [g, v] = [await p.grad!.data(), await dirs[i].data()];
    for (let k = 0; k < g.length; k++) analytic += g[k] * v[k];
  }
  const eps = 1e-6;
  const at = async (s: number) => {
    for (const [i, p] of params.entries()) nn.assign(p, p.add(dirs[i].mul(s * eps)));
    const value = await loss().item();
    for (const [i, p] of params.entries()) nn.assign(p, p.sub(dirs[i].mul(s * eps)));
    return value;
  };
  return { analytic, numeric: ((await at(1)) - (await at(-1))) / (2 * eps) };
}

test("the penalised critic loss's weight gradient matches float64 finite differences", async () => {
  const d = new Discriminator({ zDim: 4, width: 2, classes: 0 }, { seed: 9, critic: true });
  // DCGAN's N(0, 0.02) weights make ‖∇ₓD‖ ≈ 0, where the penalty is flat; scale them so the
  // gradient norm is O(1) and the penalty's own derivative dominates.
  for (const p of d.parameters()) nn.assign(p, p.mul(30));
  const real = rand([3, 1, 28, 28], { seed: 10 }).mul(2).sub(1);
  const fake = rand([3, 1, 28, 28], { seed: 11 }).mul(2).sub(1);
  const alpha = rand([3, 1, 1, 1], { seed: 12 });
  const norm = await d.inputGrad(real).gx.square().sum().sqrt().item();
  expect(norm).toBeGreaterThan(0.1);
  const { analytic, numeric } = await directional(d.parameters(), () =>
    wganGpCriticLoss(d, real, fake, alpha, 10),
  );
  expect(Math.abs(numeric)).toBeGreaterThan(1e-2);
  expect(Math.abs(analytic - numeric) / Math.abs(numeric)).toBeLessThan(1e-5);
});
