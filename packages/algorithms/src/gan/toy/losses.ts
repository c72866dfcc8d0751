// The GAN objectives of the lab, each as the discriminator's loss and the generator's loss on
// D's raw outputs (logits / critic values) dr = D(real), df = D(fake). Written with
// softplus(t) = log(1 + eᵗ) = −log σ(−t), so no loss takes the log of a rounded sigmoid.

import {
  abs,
  exp,
  log,
  mean,
  mul,
  neg,
  relu,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
} from "@sheep/tensor";
import type { Mlp } from "./mlp.ts";

export type GanLoss = "minimax" | "ns" | "ls" | "hinge" | "wgan" | "wgan-gp" | "r1";

export const GAN_LOSSES: readonly GanLoss[] = [
  "minimax",
  "ns",
  "ls",
  "hinge",
  "wgan",
  "wgan-gp",
  "r1",
];

/** softplus(t) = log(1 + eᵗ), computed as relu(t) + log(1 + e^−|t|) so it never overflows. */
export function softplus(t: Tensor): Tensor {
  return relu(t).add(log(exp(neg(abs(t))).add(1)));
}

/**
 * The discriminator's loss (minimised):
 *   minimax, ns, r1:  −E log σ(dr) − E log(1 − σ(df)) = E softplus(−dr) + E softplus(df)
 *   ls (LSGAN):       ½E(dr − 1)² + ½E df²
 *   hinge:            E relu(1 − dr) + E relu(1 + df)
 *   wgan, wgan-gp:    E df − E dr            (the critic maximises E dr − E df)
 * Penalties (WGAN-GP, R1) are added by the trainer: they need D itself, not only its outputs.
 */
export function dLoss(loss: GanLoss, dr: Tensor, df: Tensor): Tensor {
  switch (loss) {
    case "minimax":
    case "ns":
    case "r1":
      return mean(softplus(neg(dr))).add(mean(softplus(df)));
    case "ls":
      return mean(square(dr.sub(1)))
        .add(mean(square(df)))
        .mul(0.5);
    case "hinge":
      return mean(relu(neg(dr).add(1))).add(mean(relu(df.add(1))));
    case "wgan":
    case "wgan-gp":
      return sub(mean(df), mean(dr));
  }
}

/**
 * The generator's loss (minimised):
 *   minimax:  E log(1 − σ(df)) = −E softplus(df)   (saturates: flat where D is sure it is fake)
 *   ns, r1:   −E log σ(df) = E softplus(−df)        (the non-saturating trick)
 *   ls:       ½E(df − 1)²
 *   hinge, wgan, wgan-gp:  −E df
 */
export function gLoss(loss: GanLoss, df: Tensor): Tensor {
  switch (loss) {
    case "minimax":
      return neg(mean(softplus(df)));
    case "ns":
    case "r1":
      return mean(softplus(neg(df)));
    case "ls":
      return mean(square(df.sub(1))).mul(0.5);
    case "hinge":
    case "wgan":
    case "wgan-gp":
      return neg(mean(df));
  }
}

/** Row norms ‖gᵢ‖ of [n, 2] gradients; the 1e−12 keeps the norm's derivative finite at 0. */
function rowNorm(g: Tensor): Tensor {
  return sqrt(sum(square(g), 1).add(1e-12));
}

/**
 * WGAN-GP's penalty (Gulrajani et al. 2017): λ·E(‖∇ₓD(x̂)‖ − 1)² at x̂ = α·real + (1 − α)·fake,
 * with α [n, 1] uniform in [0, 1), one per sample.
 */
export function gradientPenalty(
  d: Mlp,
  real: Tensor,
  fake: Tensor,
  alpha: Tensor,
  weight: number,
): Tensor {
  const xHat = mul(real, alpha).add(mul(fake, neg(alpha).add(1)));
  const { gx } = d.inputGrad(xHat);
  return mean(square(rowNorm(gx).sub(1))).mul(weight);
}

/** R1 (Mescheder et al. 2018): (γ/2)·E‖∇ₓD(real)‖², which pushes D flat on the data. */
export function r1Penalty(d: Mlp, real: Tensor, gamma: number): Tensor {
  const { gx } = d.inputGrad(real);
  return mean(sum(square(gx), 1)).mul(gamma / 2);
}
