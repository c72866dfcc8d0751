// DeepDream (Mordvintsev, Olah & Tyka, "Inceptionism", 2015): gradient ascent on the image
// itself, so that whatever a layer sees in it, it sees more of. Octaves, detail re-injection
// and jitter follow the original notebook; gradient normalisation, random rolls and tiles follow
// the TensorFlow DeepDream tutorial.

import { engine, keep, resize2d, roll, type Tensor, tidy } from "@sheep/tensor";
import { autoTileSize, profileModel } from "../common/profile.ts";
import { rng } from "../common/rng.ts";
import { type DreamModel, tapsOf } from "../model.ts";
import {
  actualPositions,
  layerObjective,
  type Objective,
  type PositionCount,
  type PreparedObjective,
  prepareObjective,
} from "../objective.ts";
import { type GradientNormalization, normalizeGradient } from "./normalize.ts";
import { type Tile, tiledValueAndGrad, tileLayout } from "./tiles.ts";

export interface DreamOptions {
  /** What to maximise. Default: the model's dreamLayers, as L2 layer terms. */
  objective?: Objective;
  /** Image scales, smallest first (notebook: octave_n = 4). */
  octaves?: number;
  /** Size ratio between octaves (notebook: octave_scale = 1.4). */
  octaveScale?: number;
  /** Gradient steps per octave (notebook: iter_n = 10). */
  steps?: number;
  /** Step in 8-bit pixel levels per unit of normalised gradient (notebook: step_size = 1.5). */
  stepSize?: number;
  /** How the gradient is scaled before each step (default "std", the TF tutorial's). */
  normalize?: GradientNormalization;
  /** Levels of the Laplacian pyramid for normalize "laplacian" (TF1 tutorial: scale_n = 4). */
  laplacianLevels?: number;
  /**
   * Random shift (a roll) of the image each step, up to ± this many pixels. Default 32 (the
   * notebook's jitter); when tiled, at least half a tile, as the TF tutorial's random roll.
   */
  jitter?: number;
  /** Tile side in pixels; "auto" (default) sizes it from the device's limits; "off": none. */
  tile?: number | "auto" | "off";
  /** Context around each tile's core, per side (default 32). */
  tileOverlap?: number;
  /** Memory one tile's forward and backward may use, in bytes (default 1 GiB). */
  tileMemory?: number;
  /** Seed of the jitter (default 0: runs are reproducible unless asked otherwise). */
  seed?: number;
  /** Pass the current image to onProgress every this many steps (default 0: never). */
  previewEvery?: number;
}

export interface DreamProgress {
  /** 0-based octave, smallest first, and how many there are. */
  octave: number;
  octaves: number;
  /** 1-based step within the octave, and steps per octave. */
  step: number;
  steps: number;
  /** Steps finished in all, out of `total`. */
  done: number;
  total: number;
  /** The objective before this step's update (an estimate when tiled). */
  objective: number;
  /** This octave's [height, width]. */
  size: [number, number];
  tiles: number;
  /** The current octave's image ([1, 3, h, w] in [0, 1]); valid only during the callback. */
  preview?: Tensor;
}

export type OnProgress<P> = (p: P) => void | Promise<void>;

/** Octave sizes, smallest first: round(side / scale^k) for k = octaves − 1 … 0. */
export function octaveSizes(
  h: number,
  w: number,
  octaves: number,
  scale: number,
  minSize = 1,
): [number, number][] {
  if (!(Number.isInteger(octaves) && octaves >= 1))
    throw new Error(`octaves must be ≥ 1, got ${octaves}`);
  if (!(scale >= 1)) throw new Error(`octave scale must be ≥ 1, got ${scale}`);
  const sizes: [number, number][] = [];
  for (let k = octaves - 1; k >= 0; k--) {
    const s: [number, number] = [Math.round(h / scale ** k), Math.round(w / scale ** k)];
    // Octaves the network cannot see through are skipped; the full size always runs.
    if (Math.min(...s) >= minSize || k === 0) sizes.push(s);
  }
  return sizes;
}

/** The image as [1, 3, H, W], or a clear error. */
export function checkImage(image: Tensor, what = "image"): void {
  const [n, c] = image.shape;
  if (image.rank !== 4 || n !== 1 || c !== 3) {
    throw new Error(`${what} must be one RGB image [1, 3, H, W], got [${image.shape.join(", ")}]`);
  }
}

function defaultObjective(model: DreamModel): Objective {
  if (!model.dreamLayers) throw new Error(`${model.name} has no default layers: give an objective`);
  return layerObjective(model.dreamLayers);
}

function resizeTo(x: Tensor, [h, w]: [number, number]): Tensor {
  return x.shape[2] === h && x.shape[3] === w ? x : resize2d(x, [h, w]);
}

/** Realise and keep: the value outlives the scope that made it. */
function own(t: Tensor): Tensor {
  engine.region(t);
  return keep(t);
}

/** How one step moves the image (dream() fills these from its options and octave). */
export interface DreamStepOptions {
  /** Step in 8-bit pixel levels per unit of normalised gradient. */
  stepSize: number;
  normalize: GradientNormalization;
  laplacianLevels?: number;
  /** The jitter: [dy, dx] the image is rolled by before the gradient, and back after. */
  shift?: [number, number];
  /** Tiles the gradient is computed in (default: the whole image at once). */
  tiles?: Tile[][];
  /** Positions a term's mean divides by (default: the activation's own). */
  positions?: PositionCount;
}

/**
 * One gradient-ascent step of the dream, the unit every octave repeats: roll the image, the
 * objective's value and its gradient with respect to the image (tile by tile), the gradient
 * rolled back and normalised, the image moved `stepSize / 255` along it and clamped to [0, 1].
 * Synchronous, so `engine.trace(() => dreamStep(…).next)` records every dispatch of a real step
 * (the demo's Engine page does). Returns the next image and the objective before the step.
 */
export function dreamStep(
  model: DreamModel,
  objective: PreparedObjective,
  x: Tensor,
  o: DreamStepOptions,
): { next: Tensor; value: Tensor } {
  const [dy, dx] = o.shift ?? [0, 0];
  const positions = o.positions ?? actualPositions;
  const f = (y: Tensor) => objective.value(tapsOf(model, y, objective.taps), positions);
  const [h, w] = [x.shape[2], x.shape[3]];
  const tiles = o.tiles ?? [[{ core: [0, 0, h, w], box: [0, 0, h, w] } satisfies Tile]];
  const rolled = roll(x, [dy, dx], [2, 3]);
  const { value, grad } = tiledValueAndGrad(f, rolled, tiles);
  const g = normalizeGradient(roll(grad, [-dy, -dx], [2, 3]), o.normalize, o.laplacianLevels);
  return { next: x.add(g.mul(o.stepSize / 255)).clamp(0, 1), value };
}

/**
 * Dream: returns a new [1, 3, H, W] image in [0, 1]. Each octave starts from the image at that
 * size plus the detail the smaller octaves added, upsampled (the notebook's detail
 * re-injection). When `signal` aborts, the last finished step's result comes back, at full size.
 */
export async function dream(
  model: DreamModel,
  image: Tensor,
  options: DreamOptions = {},
  onProgress?: OnProgress<DreamProgress>,
  signal?: AbortSignal,
): Promise<Tensor> {
  checkImage(image);
  const steps = options.steps ?? 10;
  const stepSize = options.stepSize ?? 1.5;
  const how = options.normalize ?? "std";
  const levels = options.laplacianLevels;
  const [H, W] = [image.shape[2], image.shape[3]];
  const objective = prepareObjective(model, options.objective ?? defaultObjective(model));
  const minSize = model.minSize?.(objective.taps) ?? 1;
  if (Math.min(H, W) < minSize) {
    // e.g. GoogLeNet's classes: its classifier reads a 7×7 pool of a map 32× smaller than the image
    throw new Error(
      `${model.name}: ${objective.taps.join(", ")} needs at least ${minSize} px on the image's ` +
        `shorter side; this image is ${W}×${H} (use a larger image or working size)`,
    );
  }
  const sizes = octaveSizes(H, W, options.octaves ?? 4, options.octaveScale ?? 1.4, minSize);
  const profile = profileModel(model, objective.taps);
  const tile = tileSide(options, profile);
  const overlap = options.tileOverlap ?? 32;
  // Tiles start on the coarsest tap's grid: the largest stride, as a power of two.
  const strides = [...profile.taps.values()].map((t) => t.stride ?? 1);
  const align = 2 ** Math.max(0, Math.round(Math.log2(Math.max(...strides))));
  const random = rng(options.seed ?? 0);
  let base: Tensor | null = null;
  let src: Tensor | null = null;
  let detail: Tensor | null = null;
  let done = 0;
  try {
    for (const [k, size] of sizes.entries()) {
      const prevDetail: Tensor | null = detail;
      // a copy even at full size: base is disposed below, the caller's image must not be
      base = own(tidy(() => resizeTo(image, size).add(0)));
      src = own(tidy(() => (prevDetail ? base!.add(resizeTo(prevDetail, size)) : base!.add(0))));
      const tiles = tileLayout(size[0], size[1], tile ?? Math.max(...size), overlap, align);
      // Tiled, the default roll reaches half a tile so that seams land anywhere (TF tutorial).
      const tiled = tiles.flat().length > 1;
      const jitter = options.jitter ?? (tiled && tile ? Math.max(32, tile >> 1) : 32);
      // Objectives are means over the whole image's positions, also when computed per tile.
      const pixels = size[0] * size[1];
      const positions = (tap: string) => {
        const stride = profile.taps.get(tap)!.stride;
        return stride === null ? 1 : pixels / stride ** 2;
      };
      for (let s = 1; s <= steps; s++) {
        if (signal?.aborted) return finish(image, base, src);
        const shift: [number, number] = [random.int(-jitter, jitter), random.int(-jitter, jitter)];
        const current: Tensor = src;
        const { next, value } = tidy(() => {
          const step = { stepSize, normalize: how, shift, tiles, positions };
          const r = dreamStep(model, objective, current, { ...step, laplacianLevels: levels });
          return { next: own(r.next), value: r.value };
        });
        current.dispose();
        src = next;
        // freed also when the read fails (a lost device): a failed job leaves no tensor behind
        const objectiveValue = await value.item().finally(() => value.dispose());
        done++;
        const every = options.previewEvery ?? 0;
        await onProgress?.({
          octave: k,
          octaves: sizes.length,
          step: s,
          steps,
          done,
          total: sizes.length * steps,
          objective: objectiveValue,
          size,
          tiles: tiles.flat().length,
          preview: every > 0 && done % every === 0 ? src : undefined,
        });
      }
      detail?.dispose();
      detail = own(tidy(() => src!.sub(base!)));
      if (k < sizes.length - 1) {
        base.dispose();
        src.dispose();
        base = src = null;
      }
    }
    return finish(image, base!, src!);
  } finally {
    objective.dispose();
    detail?.dispose();
    base?.dispose();
    src?.dispose();
  }
}

/** The full-size result: the image plus the detail dreamt so far (upsampled if needed). */
function finish(image: Tensor, base: Tensor, src: Tensor): Tensor {
  return tidy(() => {
    const out =
      src.shape[2] === image.shape[2] && src.shape[3] === image.shape[3]
        ? src.add(0)
        : image.add(resize2d(src.sub(base), [image.shape[2], image.shape[3]])).clamp(0, 1);
    engine.region(out);
    return out;
  });
}

/** The tile side to use, or null for no tiling. */
function tileSide(o: DreamOptions, profile: ReturnType<typeof profileModel>): number | null {
  if (o.tile === "off") return null;
  if (typeof o.tile === "number") {
    if (!(Number.isInteger(o.tile) && o.tile >= 16))
      throw new Error(`tile must be ≥ 16 px, got ${o.tile}`);
    return o.tile;
  }
  return autoTileSize(profile, engine.info.limits, o.tileMemory ?? 2 ** 30);
}
