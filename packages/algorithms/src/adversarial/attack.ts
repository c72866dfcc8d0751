// Adversarial examples: the smallest pushes, inside a ball around an image, that change what a
// classifier says. FGSM (one signed-gradient step, Goodfellow et al. 2015), BIM (many small
// steps, Kurakin et al. 2017) and PGD (BIM from a random start in the ball, with L∞ or L2
// projection, Madry et al. 2018). All batched; pixels stay in [0, 1].

import { clamp, rand, randn, type Tensor, tidy, valueAndGrad } from "@sheep/tensor";
import { type DreamModel, logitsTapOf, tapsOf } from "../model.ts";
import { classLoss, type Labels, labelTensor } from "./loss.ts";

export type AttackMethod = "fgsm" | "bim" | "pgd";
export type Norm = "linf" | "l2";

export interface AttackOptions {
  /** Radius of the ball the perturbation stays in (pixels in [0, 1]; per image for L2). */
  eps: number;
  /** "linf" (the default): every pixel moves at most ε. "l2": the image's whole change ≤ ε. */
  norm?: Norm;
  /** BIM and PGD: how many steps. Default 10. (FGSM is one step of size ε.) */
  steps?: number;
  /** BIM and PGD: the step size α. Default 2.5·ε/steps (Madry et al.'s choice). */
  stepSize?: number;
  /** PGD: start from a random point of the ball. Default true for PGD, false otherwise. */
  randomStart?: boolean;
  /** Seed of the random start. */
  seed?: number;
  /**
   * Targeted: the class each image should become (one for all, or one per image). The attack
   * then lowers the loss of the target instead of raising the loss of the true class.
   */
  target?: Labels;
  /** Called after each step (for progress). */
  onStep?: (step: number, steps: number) => void;
}

export const ATTACK_METHODS: readonly AttackMethod[] = ["fgsm", "bim", "pgd"];

/** One-line errors for options a user can get wrong. */
export function checkAttackOptions(method: string, o: AttackOptions): void {
  if (!ATTACK_METHODS.includes(method as AttackMethod)) {
    throw new Error(`unknown attack "${method}" (fgsm, bim or pgd)`);
  }
  if (!(Number.isFinite(o.eps) && o.eps >= 0)) {
    throw new Error(`attack: eps must be a number ≥ 0 (pixels are in [0, 1]), got ${o.eps}`);
  }
  if (o.norm !== undefined && o.norm !== "linf" && o.norm !== "l2") {
    throw new Error(`attack: norm must be "linf" or "l2", got "${o.norm}"`);
  }
  if (o.steps !== undefined && !(Number.isInteger(o.steps) && o.steps >= 1)) {
    throw new Error(`attack: steps must be an integer ≥ 1, got ${o.steps}`);
  }
  if (o.stepSize !== undefined && !(Number.isFinite(o.stepSize) && o.stepSize > 0)) {
    throw new Error(`attack: stepSize must be > 0, got ${o.stepSize}`);
  }
}

/** Dims 1… of a batch: the per-image reduction of an L2 norm. */
const perImage = (x: Tensor) => Array.from({ length: x.rank - 1 }, (_, i) => i + 1);

/** The per-image L2 norm of x, shaped [N, 1, …] to broadcast back; 1e-12 keeps 0/0 away. */
function l2(x: Tensor): Tensor {
  return x.square().sum(perImage(x), true).add(1e-12).sqrt();
}

/** The steepest step of length `size` in the norm's ball: size·sign(g) (L∞) or size·g/‖g‖ (L2). */
function steepest(g: Tensor, size: number, norm: Norm): Tensor {
  return norm === "linf" ? g.sign().mul(size) : g.div(l2(g)).mul(size);
}

/** Pull x back into the ball of radius ε around x0, then into [0, 1]. */
export function project(x: Tensor, x0: Tensor, eps: number, norm: Norm): Tensor {
  const d = x.sub(x0);
  // L2: shrink δ to radius ε when it is longer, keep it when it is inside
  const inBall =
    norm === "linf" ? clamp(d, -eps, eps) : d.div(l2(d).div(Math.max(eps, 1e-12)).maximum(1));
  return clamp(x0.add(inBall), 0, 1);
}

/** A uniform point of the L∞ ball, or a random direction at a uniform radius in the L2 ball. */
function randomStart(x0: Tensor, eps: number, norm: Norm, seed?: number): Tensor {
  if (norm === "linf") return x0.add(rand(x0.shape, { low: -eps, high: eps, seed }));
  const dir = randn(x0.shape, { seed });
  const radius = rand([x0.shape[0], ...x0.shape.slice(1).map(() => 1)], { seed, high: eps });
  return x0.add(dir.div(l2(dir)).mul(radius));
}

/** Where an attack is, after each step (attackAsync). */
export interface AttackProgress {
  step: number;
  steps: number;
  /**
   * The summed cross-entropy over the batch at the image the step started from: of the true
   * classes (untargeted: it should rise) or of the target (targeted: it should fall).
   */
  loss: number;
}

/** One attack, set up: the starting point and one step (shared by attack and attackAsync). */
function planAttack(
  model: DreamModel,
  x: Tensor,
  method: AttackMethod,
  o: AttackOptions & { labels?: Labels },
) {
  checkAttackOptions(method, o);
  const norm = o.norm ?? "linf";
  const targeted = o.target !== undefined;
  const tap = logitsTapOf(model);
  const n = x.shape[0];
  const y = tidy(() =>
    labelTensor(model, targeted ? o.target! : (o.labels ?? predict(model, x)), n),
  );
  // ascend the true class's loss, or descend the target's
  const sign = targeted ? -1 : 1;
  const lossAndGrad = valueAndGrad((xa: Tensor) =>
    classLoss(tapsOf(model, xa, [tap]).get(tap)!, y).mul(sign),
  );
  const steps = method === "fgsm" ? 1 : (o.steps ?? 10);
  const alpha = method === "fgsm" ? o.eps : (o.stepSize ?? (2.5 * o.eps) / steps);
  const randomly = o.randomStart ?? method === "pgd";
  return {
    steps,
    sign,
    start: () =>
      tidy(() =>
        randomly && o.eps > 0
          ? project(randomStart(x, o.eps, norm, o.seed), x, o.eps, norm)
          : x.add(0),
      ),
    /** The next image and the (signed) loss at xa; xa is left as it was. */
    step: (xa: Tensor) =>
      tidy(() => {
        const { value, grads } = lossAndGrad(xa);
        return { next: project(xa.add(steepest(grads[0], alpha, norm)), x, o.eps, norm), value };
      }),
    dispose: () => y.dispose(),
  };
}

/**
 * Adversarial images for a batch x [N, C, H, W] in [0, 1]. `labels` are the true classes (the
 * untargeted attacks push away from them); default the model's own predictions on x.
 * Returns a new tensor; x is left as it was. The steps are only enqueued here: `onStep` runs as
 * each is recorded, before the GPU has done it (attackAsync waits for each step).
 */
export function attack(
  model: DreamModel,
  x: Tensor,
  method: AttackMethod,
  o: AttackOptions & { labels?: Labels },
): Tensor {
  const plan = planAttack(model, x, method, o);
  let xa = plan.start();
  try {
    for (let s = 0; s < plan.steps; s++) {
      const { next, value } = plan.step(xa);
      value.dispose();
      xa.dispose();
      xa = next;
      o.onStep?.(s + 1, plan.steps);
    }
  } finally {
    plan.dispose();
  }
  return xa;
}

/**
 * attack(), one step at a time: after each step it reads the loss back (so the step has run),
 * reports it, and stops early when `signal` aborts — returning the last finished step's images,
 * which are inside the ball like any step's. A page or a CLI progress bar uses this one.
 */
export async function attackAsync(
  model: DreamModel,
  x: Tensor,
  method: AttackMethod,
  o: AttackOptions & {
    labels?: Labels;
    signal?: AbortSignal;
    onProgress?: (p: AttackProgress) => void | Promise<void>;
  },
): Promise<Tensor> {
  const plan = planAttack(model, x, method, o);
  let xa = plan.start();
  try {
    for (let s = 0; s < plan.steps && !o.signal?.aborted; s++) {
      const { next, value } = plan.step(xa);
      xa.dispose();
      xa = next;
      // freed also when the read fails (a lost device)
      const loss = plan.sign * (await value.item().finally(() => value.dispose()));
      o.onStep?.(s + 1, plan.steps);
      await o.onProgress?.({ step: s + 1, steps: plan.steps, loss });
    }
  } catch (e) {
    xa.dispose();
    throw e;
  } finally {
    plan.dispose();
  }
  return xa;
}

/** The model's top class for each image, as int32 [N]. */
export function predict(model: DreamModel, x: Tensor): Tensor {
  const tap = logitsTapOf(model);
  return tidy(() => flatLogits(tapsOf(model, x, [tap]).get(tap)!).argmax(1));
}

/** Logits [N, K] from [N, K] or a map [N, K, h, w] (averaged over positions). */
export function flatLogits(z: Tensor): Tensor {
  return z.rank === 2 ? z : z.mean(Array.from({ length: z.rank - 2 }, (_, i) => i + 2));
}
