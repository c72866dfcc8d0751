// Feature visualisation by optimisation: start from noise and change the image until a chosen
// unit — a channel, a neuron, a layer, a class logit — is as active as it can be. Two recipes:
//
// - "naive": raw pixels and gradient ascent with the gradient scaled to unit RMS, then the
//   contrast stretched for display (Chollet, "How convolutional neural networks see the world",
//   Keras blog 2016: the classic filter grids of VGG16);
// - "robust": a 1/f Fourier parameterisation with decorrelated colour, random jitter, scale and
//   rotation every step, and Adam (Olah, Mordvintsev & Schubert, "Feature Visualization",
//   Distill 2017, and the defaults of its library, Lucid).

import {
  engine,
  keep,
  mean,
  nn,
  noGrad,
  optim,
  sqrt,
  square,
  std,
  type Tensor,
  tidy,
} from "@sheep/tensor";
import { rng } from "../common/rng.ts";
import { checkImage, type OnProgress } from "../dream/dream.ts";
import { type DreamModel, tapsOf } from "../model.ts";
import { actualPositions, type Objective, prepareObjective } from "../objective.ts";
import { imageParam, type ParamOptions } from "./param.ts";
import {
  NO_TRANSFORMS,
  ROBUST_TRANSFORMS,
  type TransformOptions,
  transform,
} from "./transforms.ts";

export type VizRecipe = "naive" | "robust";

export interface VizOptions {
  /** Default "robust". */
  recipe?: VizRecipe;
  /** Image side in pixels (default 128, Lucid's). */
  size?: number;
  /** Optimisation steps (naive: 20, Chollet's; robust: 512, Lucid's render_vis). */
  steps?: number;
  /**
   * robust: Adam's learning rate (0.05, Lucid's). naive: the step in [0, 1] pixel units per
   * RMS-normalised gradient (1/255, one 8-bit level, as Chollet's step of 1 on 0–255 pixels).
   */
  lr?: number;
  /** Override the recipe's parameterisation. */
  param?: "pixel" | "fourier";
  decorrelate?: boolean;
  /** true: Lucid's standard transformations; false: none; an object: those values. */
  transforms?: boolean | Partial<TransformOptions>;
  /** Seed of the starting noise and the transformations (default 0). */
  seed?: number;
  /** Pass the current image to onProgress every this many steps (default 0: never). */
  previewEvery?: number;
}

export interface VizProgress {
  step: number;
  steps: number;
  /** The objective at this step, summed over the batch. */
  objective: number;
  /** The current image(s) in [0, 1]; valid only during the callback. */
  preview?: Tensor;
}

/** Everything a rendering needs, with nothing left to default. */
export interface VizSettings {
  param: Pick<ParamOptions, "kind" | "decorrelate" | "sigmoid">;
  transforms: TransformOptions;
  optimizer: "adam" | "ascent";
  lr: number;
  steps: number;
  size: number;
  seed: number;
  /** Stretch each image's contrast for display (the naive recipe's deprocess step). */
  stretch: boolean;
  previewEvery: number;
}

/** A recipe's settings with the options' overrides applied. */
export function vizSettings(o: VizOptions = {}): VizSettings {
  const naive = (o.recipe ?? "robust") === "naive";
  if (o.recipe && o.recipe !== "naive" && o.recipe !== "robust") {
    throw new Error(`unknown recipe "${o.recipe}" (naive or robust)`);
  }
  const t = o.transforms ?? !naive;
  const size = o.size ?? 128;
  if (!(Number.isInteger(size) && size >= 8)) throw new Error(`size must be ≥ 8 px, got ${size}`);
  return {
    param: {
      kind: o.param ?? (naive ? "pixel" : "fourier"),
      decorrelate: o.decorrelate ?? !naive,
      sigmoid: !naive,
    },
    transforms:
      t === true ? ROBUST_TRANSFORMS : t === false ? NO_TRANSFORMS : { ...ROBUST_TRANSFORMS, ...t },
    optimizer: naive ? "ascent" : "adam",
    lr: o.lr ?? (naive ? 1 / 255 : 0.05),
    steps: o.steps ?? (naive ? 20 : 512),
    size,
    seed: o.seed ?? 0,
    stretch: naive,
    previewEvery: o.previewEvery ?? 0,
  };
}

/** Chollet's deprocess: centre each image, scale its std to 0.1, shift to 0.5, clip. */
function stretch(x: Tensor): Tensor {
  const dims = [1, 2, 3];
  const centred = x.sub(mean(x, dims, true));
  return centred
    .div(std(x, dims, { keepdim: true }).add(1e-5))
    .mul(0.1)
    .add(0.5)
    .clamp(0, 1);
}

/**
 * Render one image per target ([targets.length, 3, size, size] in [0, 1]), all in one batch:
 * item b maximises targets[b]. When `signal` aborts, the images as they are come back.
 */
export async function renderBatch(
  model: DreamModel,
  targets: readonly Objective[],
  s: VizSettings,
  onProgress?: OnProgress<VizProgress>,
  signal?: AbortSignal,
): Promise<Tensor> {
  if (targets.length === 0) throw new Error("nothing to visualise: no targets");
  const prepared = targets.map((t) => prepareObjective(model, t));
  const taps = [...new Set(prepared.flatMap((p) => p.taps))];
  const image = imageParam({ ...s.param, batch: targets.length, size: s.size, seed: s.seed });
  const random = rng(s.seed);
  const adam =
    s.optimizer === "adam" ? new optim.Adam(image.params, { lr: s.lr, maximize: true }) : null;
  try {
    for (let step = 1; step <= s.steps; step++) {
      if (signal?.aborted) break;
      const value = tidy(() => {
        const x = transform(image.image(), s.transforms, random);
        const acts = tapsOf(model, x, taps);
        const single = targets.length === 1;
        const v = prepared
          .map((p, b) => p.value(acts, actualPositions, single ? undefined : b))
          .reduce((a, b) => a.add(b));
        v.backward();
        return v.detach();
      });
      if (adam) {
        adam.step();
        adam.zeroGrad();
      } else ascend(image.params, s.lr);
      // freed also when the read fails (a lost device): a failed job leaves no tensor behind
      const objective = await value.item().finally(() => value.dispose());
      const preview = s.previewEvery > 0 && step % s.previewEvery === 0;
      if (!onProgress) continue;
      if (!preview) await onProgress({ step, steps: s.steps, objective });
      else {
        const p = noGrad(() => tidy(() => keep(finish(image.image(), s))));
        await Promise.resolve(onProgress({ step, steps: s.steps, objective, preview: p })).finally(
          () => p.dispose(),
        );
      }
    }
    return noGrad(() => tidy(() => finish(image.image(), s)));
  } finally {
    adam?.dispose();
    image.dispose();
    for (const p of prepared) p.dispose();
  }
}

function finish(x: Tensor, s: VizSettings): Tensor {
  const out = s.stretch ? stretch(x) : x.add(0);
  engine.region(out);
  return out;
}

/** Gradient ascent with each image's gradient scaled to unit RMS (Chollet's normalisation). */
function ascend(params: readonly Tensor[], lr: number): void {
  noGrad(() =>
    tidy(() => {
      for (const p of params) {
        const g = p.grad;
        if (!g) continue;
        const rms = sqrt(mean(square(g), [1, 2, 3], true)).add(1e-5);
        nn.assign(p, p.add(g.div(rms).mul(lr)));
        g.dispose();
        p.grad = null;
      }
    }),
  );
}

/**
 * Visualise one target: an image [1, 3, size, size] in [0, 1] that maximises it.
 * `visualize(model, { kind: "channel", layer: "block4_conv3", channel: 12 })`.
 */
export async function visualize(
  model: DreamModel,
  target: Objective,
  options: VizOptions = {},
  onProgress?: OnProgress<VizProgress>,
  signal?: AbortSignal,
): Promise<Tensor> {
  const out = await renderBatch(model, [target], vizSettings(options), onProgress, signal);
  checkImage(out, "visualize's result");
  return out;
}
