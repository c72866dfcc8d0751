// `sheep dream IMAGE --out FILE`: DeepDream on a photo, or an endless zoom of dreams, as a thin
// shell over @sheep/algorithms. Ctrl-C stops after the current step and keeps what is done.

import { existsSync, mkdirSync } from "node:fs";
import { extname, join } from "node:path";
import {
  type DreamOptions,
  type DreamProgress,
  dream,
  dreamZoom,
  type GradientNormalization,
  loadDreamModel,
  MODEL_NAMES,
  type ModelName,
  type ObjectiveSpec,
  objectiveFromSpec,
  readImageTensor,
  tapsOfSpec,
  VGG_DREAM_LAYERS,
  writeImageTensor,
  type ZoomProgress,
} from "@sheep/algorithms/node";
import { nchwToImage, writeAnimationFile, writeImageFile } from "@sheep/io";
import { init, resize2d, type Tensor } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";
import { ProgressBar } from "../progress.ts";

const USAGE = `sheep dream IMAGE --out FILE [flags]

  --model googlenet|squeezenet|face|vgg16|vgg19
                             the network (default: googlenet, shipped with sheep)
  --weights FILE             a weights file for --model (default: the shipped one, or the
                             pulled VGG); alone, a VGG16/19 safetensors (timm, torchvision, Keras)
  --layers "L:W,…"           layers to amplify, with weights (default: the model's own)
  --channel N                amplify channel N of the first layer only
  --classes "C:W,…"          a class mixture by name or index, e.g. "hen:0.5,sports car:0.5"
  --guide IMAGE              dream what this image contains (match its features at the layers)
  --octaves N                image scales (default 4)            --octave-scale S   (default 1.4)
  --steps N                  steps per octave (default 10)        --step-size S      (default 1.5)
  --normalize std|laplacian|mean-abs   gradient normalisation (default std)
  --jitter N                 random roll per step in pixels (default 32)
  --tile auto|N|off          tile side (default auto: from the device's limits)
  --seed N                   random seed (default 0)
  --zoom-frames N            endless zoom: N frames, each a dream of the last one zoomed in
  --zoom Z                   zoom per frame (default 1.05)        --rotate DEG       (default 0)
  --frames DIR               also write each frame as DIR/frame-0001.png …
  --fps N                    animation speed (default 10)

  --out FILE: .png or .jpg; with --zoom-frames, .gif (or .png for an animated PNG).`;

const NORMALIZE: Record<string, GradientNormalization> = {
  std: "std",
  laplacian: "laplacian",
  "mean-abs": "meanAbs",
};

type Values = Record<string, unknown>;

/** SIGINT aborts the pipeline (which then returns what it finished); a second one quits. */
export function interruptible(what: string): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nsheep: stopping ${what} after this step (Ctrl-C again to quit now)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, done: () => process.off("SIGINT", onSigint) };
}

/** A path that must exist, or a one-line error. */
export function existing(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${path}: no such ${what}`);
  return path;
}

function stillOrAnimation(out: string, animated: boolean): void {
  const ext = extname(out).toLowerCase();
  const ok = animated ? [".gif", ".png", ".apng"] : [".png", ".jpg", ".jpeg"];
  if (!ok.includes(ext)) {
    throw new UsageError(
      `--out must end in ${ok.join(", ")}${animated ? " with --zoom-frames" : ""}, got "${out}"`,
    );
  }
}

/** The guide at most 448 px on its longer side: its features are matched, not its pixels. */
function fitGuide(guide: Tensor): Tensor {
  const [h, w] = guide.shape.slice(2);
  const s = Math.min(1, 448 / Math.max(h, w));
  return s === 1 ? guide : resize2d(guide, [Math.round(h * s), Math.round(w * s)]);
}

function dreamOptions(v: Values): DreamOptions {
  const tile = v.tile as string | undefined;
  const normalize = v.normalize as string | undefined;
  if (normalize !== undefined && !NORMALIZE[normalize]) {
    throw new UsageError(`--normalize must be std, laplacian or mean-abs, got "${normalize}"`);
  }
  return {
    octaves: num(v.octaves, "octaves", { int: true, min: 1 }),
    octaveScale: num(v["octave-scale"], "octave-scale", { min: 1 }),
    steps: num(v.steps, "steps", { int: true, min: 1 }),
    stepSize: num(v["step-size"], "step-size", { min: 0 }),
    normalize: normalize === undefined ? undefined : NORMALIZE[normalize],
    jitter: num(v.jitter, "jitter", { int: true, min: 0 }),
    tile:
      tile === undefined || tile === "auto"
        ? "auto"
        : tile === "off"
          ? "off"
          : num(tile, "tile", { int: true, min: 16 }),
    seed: num(v.seed, "seed", { int: true, min: 0 }),
  };
}

async function run(v: Values, positionals: string[]): Promise<number> {
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length
        ? `one IMAGE, got ${positionals.length}`
        : "needs an IMAGE (see `sheep dream --help`)",
    );
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("needs --out FILE");
  const frames = num(v["zoom-frames"], "zoom-frames", { int: true, min: 1 });
  stillOrAnimation(out, frames !== undefined);
  const options = dreamOptions(v);
  const zoom = num(v.zoom, "zoom", { min: 0.01 });
  const rotate = num(v.rotate, "rotate");
  const fps = num(v.fps, "fps", { min: 0.1 });
  const channel = num(v.channel, "channel", { int: true, min: 0 });
  const model = v.model as ModelName | undefined;
  if (model !== undefined && !MODEL_NAMES.includes(model)) {
    throw new UsageError(`--model must be ${MODEL_NAMES.join(", ")}, got "${model}"`);
  }
  if (v.frames !== undefined && frames === undefined)
    throw new UsageError("--frames needs --zoom-frames");
  const image = existing(positionals[0], "image");
  const guidePath = v.guide === undefined ? undefined : existing(v.guide as string, "guide image");
  const spec: ObjectiveSpec = {
    layers: v.layers as string | undefined,
    channel,
    classes: v.classes as string | undefined,
  };

  await init();
  const input = await readImageTensor(image);
  // a VGG reads only the layers up to the deepest one the objective uses
  const taps = tapsOfSpec(spec, Object.keys(VGG_DREAM_LAYERS));
  const loaded = await loadDreamModel({ model, weights: v.weights as string | undefined, taps });
  if (loaded.note) process.stderr.write(`sheep: ${loaded.note}\n`);
  if (guidePath) spec.guide = fitGuide(await readImageTensor(guidePath));
  const objective = objectiveFromSpec(loaded.model, spec);
  const { signal, done } = interruptible("dreaming");
  const label = `dream (${loaded.model.name})`;
  let bar: ProgressBar | null = null;
  const onProgress = (p: DreamProgress & Partial<ZoomProgress>) => {
    bar ??= new ProgressBar(label, p.total);
    const frame = p.frames ? `frame ${(p.frame ?? 0) + 1}/${p.frames} · ` : "";
    const where = `octave ${p.octave + 1}/${p.octaves} · step ${p.step}/${p.steps}`;
    bar.update(p.done, `${frame}${where} · objective ${p.objective.toFixed(3)}`, p.total);
  };
  try {
    if (frames === undefined) {
      const result = await dream(
        loaded.model,
        input,
        { ...options, objective },
        onProgress,
        signal,
      );
      await writeImageTensor(out, result);
    } else {
      const dir = v.frames as string | undefined;
      if (dir) mkdirSync(dir, { recursive: true });
      const all = await dreamZoom(
        loaded.model,
        input,
        {
          ...options,
          objective,
          frames,
          zoom,
          rotate,
          onFrame: async (f, i) => {
            if (dir)
              await writeImageFile(
                join(dir, `frame-${String(i + 1).padStart(4, "0")}.png`),
                nchwToImage(f.data, f.shape),
              );
          },
        },
        onProgress,
        signal,
      );
      await writeAnimationFile(
        out,
        all.map((f) => nchwToImage(f.data, f.shape)),
        { fps },
      );
    }
  } finally {
    done();
    (bar as ProgressBar | null)?.finish();
  }
  if (signal.aborted) {
    process.stderr.write(`sheep: interrupted; wrote what was finished to ${out}\n`);
    return 130;
  }
  process.stderr.write(`sheep: wrote ${out}\n`);
  return 0;
}

export const dreamCommand: Command = {
  name: "dream",
  summary: "DeepDream an image (layers, channels, classes, guide, octaves, endless zoom)",
  usage: USAGE,
  options: {
    out: { type: "string", short: "o" },
    model: { type: "string" },
    weights: { type: "string" },
    layers: { type: "string" },
    channel: { type: "string" },
    classes: { type: "string" },
    guide: { type: "string" },
    octaves: { type: "string" },
    "octave-scale": { type: "string" },
    steps: { type: "string" },
    "step-size": { type: "string" },
    normalize: { type: "string" },
    jitter: { type: "string" },
    tile: { type: "string" },
    seed: { type: "string" },
    "zoom-frames": { type: "string" },
    zoom: { type: "string" },
    rotate: { type: "string" },
    frames: { type: "string" },
    fps: { type: "string" },
  },
  run: (v, positionals) => run(v, positionals),
};
