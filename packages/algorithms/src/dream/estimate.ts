// How long and how much memory a dream will take, before it starts: one gradient step is
// measured on a small square probe (after a first, untimed step that compiles the pipelines),
// and the time is scaled by the pixels every octave will compute — context overlap of tiles
// included. Memory: the largest tile's autograd graph (from the model's profile) plus the
// full-size image tensors the dream keeps. Both are estimates: say so where they are shown.

import { engine, full, tidy } from "@sheep/tensor";
import { autoTileSize, profileModel } from "../common/profile.ts";
import type { DreamModel } from "../model.ts";
import { layerObjective, type Objective, prepareObjective } from "../objective.ts";
import { type DreamOptions, dreamStep, octaveSizes } from "./dream.ts";
import { tileLayout } from "./tiles.ts";

export interface DreamEstimate {
  /** Seconds for the whole dream at the measured rate. */
  seconds: number;
  /** Peak bytes on the device, roughly: the largest tile's graph and the image tensors. */
  bytes: number;
  /** Seconds per input pixel of one step, measured on `probe`² pixels. */
  secondsPerPixel: number;
  probe: number;
  /** Octave sizes and how many tiles each is cut into. */
  octaves: { size: [number, number]; tiles: number }[];
}

/** Seconds per pixel of one dream step (roll, value and gradient, update) on a `side`² probe. */
export async function measureStep(
  model: DreamModel,
  objective: Objective,
  side: number,
): Promise<number> {
  const prepared = prepareObjective(model, objective);
  const x = full([1, 3, side, side], 0.5);
  const once = async () => {
    const t0 = performance.now();
    // the dream's own step (roll, value and gradient, normalisation, update), read as a scalar
    const done = tidy(() => {
      const o = { stepSize: 1.5, normalize: "std" as const, shift: [3, 5] as [number, number] };
      const { next, value } = dreamStep(model, prepared, x, o);
      const s = value.add(next.mean());
      engine.region(s);
      return s;
    });
    await done.item();
    done.dispose();
    return (performance.now() - t0) / 1000;
  };
  try {
    await once(); // compiles pipelines and packs weights: not representative
    return (await once()) / (side * side);
  } finally {
    x.dispose();
    prepared.dispose();
  }
}

/** Time and memory of `dream(model, image of h × w, options)`, from one measured step. */
export async function estimateDream(
  model: DreamModel,
  [h, w]: [number, number],
  options: DreamOptions = {},
): Promise<DreamEstimate> {
  const objective =
    options.objective ?? (model.dreamLayers ? layerObjective(model.dreamLayers) : null);
  if (!objective) throw new Error(`${model.name} has no default layers: give an objective`);
  const prepared = prepareObjective(model, objective);
  const taps = prepared.taps;
  prepared.dispose();
  const minSize = model.minSize?.(taps) ?? 1;
  const sizes = octaveSizes(h, w, options.octaves ?? 4, options.octaveScale ?? 1.4, minSize);
  const profile = profileModel(model, taps);
  const tile =
    options.tile === "off"
      ? null
      : typeof options.tile === "number"
        ? options.tile
        : autoTileSize(profile, engine.info.limits, options.tileMemory ?? 2 ** 30);
  const strides = [...profile.taps.values()].map((t) => t.stride ?? 1);
  const align = 2 ** Math.max(0, Math.round(Math.log2(Math.max(...strides))));
  const probe = Math.max(minSize, Math.min(224, h, w, tile ?? 224));
  const secondsPerPixel = await measureStep(model, objective, probe);
  const steps = options.steps ?? 10;
  let seconds = 0;
  let largestBox = 0;
  const octaves = sizes.map((size) => {
    const tiles = tileLayout(size[0], size[1], tile ?? Math.max(...size), 32, align).flat();
    const boxPixels = tiles.reduce((n, t) => n + t.box[2] * t.box[3], 0);
    largestBox = Math.max(largestBox, ...tiles.map((t) => t.box[2] * t.box[3]));
    seconds += steps * boxPixels * secondsPerPixel;
    return { size, tiles: tiles.length };
  });
  // graph + its gradients ≈ 2.5× the saved tensors (as autoTileSize assumes); the dream keeps
  // about six full-size RGB float32 images (input, base, current, detail, gradient, result)
  const bytes = 2.5 * profile.graphBytesPerPixel * largestBox + 6 * 3 * 4 * h * w;
  return { seconds, bytes, secondsPerPixel, probe, octaves };
}
