// `sheep dream IMAGE --out FILE`: DeepDream on a photo, or an endless zoom of dreams, as a thin
// shell over @sheep/algorithms. Ctrl-C stops after the current step and keeps what is done.

import { existsSync, mkdirSync } from "node:fs";
import { extname, join } from "node:path";
import {
  DEFAULT_DREAM_PRESET,
  DREAM_PRESET_NAMES,
  DREAM_PRESETS,
  type DreamOptions,
  type DreamProgress,
  dream,
  dreamZoom,
  estimateDream,
  type GradientNormalization,
  MODEL_NAMES,
  type ModelName,
  type ObjectiveSpec,
  objectiveFromSpec,
  octaveSizes,
  parseLayerWeights,
  readImageTensor,
  tapsOfSpec,
  VGG_DREAM_LAYERS,
  writeImageTensor,
  type ZoomProgress,
} from "@sheep/algorithms/node";
import {
  imageToNCHW,
  nchwToImage,
  readImageFile,
  writeAnimationFile,
  writeImageFile,
} from "@sheep/io";
import { init, resize2d, type Tensor, tensor } from "@sheep/tensor";
import { type Command, num, oneOf, UsageError, writable, writableDir } from "../args.ts";
import { caffeFiles, checkChannels, loadForLayers } from "../names.ts";
import { duration, formatBytes, ProgressBar, phase } from "../progress.ts";
import { DEFAULT_MAX_SIDE, shrinkRgba, workingSize } from "../size.ts";

/** Jobs this big (pixels × steps, all octaves) get a measured time and memory estimate first. */
const LONG_JOB_PIXEL_STEPS = 3e6;

const USAGE = `sheep dream IMAGE --out FILE [flags]

  --preset gentle|classic|deep   the schedule below in one word (default classic: 4 octaves ×
                             20 steps of 2.5; gentle: 10 steps of 1.5; deep: classic on the
                             mean-|g| gradient); flags override it (docs/dream/presets.md)
  --max-side N               dream at most N px on the longer side (default ${DEFAULT_MAX_SIDE});
                             the result is written at that size
  --full-size                dream at the picture's own size (big photos: slow, tiled)
  --estimate                 print the time and memory estimate whatever the size
  --model googlenet|squeezenet|face|vgg16|vgg19|caffe
                             the network (default: googlenet, shipped with sheep)
  --weights FILE             a weights file for --model (default: the shipped one, or the
                             pulled VGG); alone, a VGG16/19 safetensors (timm, torchvision, Keras)
  --prototxt FILE            with --model caffe: the deploy prototxt of a .caffemodel
  --synsets FILE             with --model caffe: class names, one per line (synset_words.txt)
  --layers "L:W,…"           layers to amplify, with weights (default: the model's own)
  --channel N                amplify channel N of the first layer only
  --classes "C:W,…"          a class mixture by name or index, e.g. "hen:0.5,sports car:0.5"
  --guide IMAGE              dream what this image contains (match its features at the layers)
  --octaves N                image scales, 1–12                --octave-scale S   1–4
  --steps N                  steps per octave, 1–10000          --step-size S      0–100
                             (in 8-bit levels per step of the normalised gradient)
  --normalize std|laplacian|mean-abs   gradient normalisation (default: the preset's)
  --jitter N                 random roll per step in pixels (default 32)
  --tile auto|N|off          tile side (default auto: from the device's limits)
  --seed N                   random seed (default 0)
  --zoom-frames N            endless zoom: N frames, each a dream of the last one zoomed in
  --zoom Z                   zoom per frame (default 1.05)        --rotate DEG       (default 0)
  --frames DIR               also write each frame as DIR/frame-0001.png …
  --fps N                    animation speed (default 10)

  --out FILE: .png or .jpg; with --zoom-frames, .gif (or .png for an animated PNG).
  Before a long dream (over ${LONG_JOB_PIXEL_STEPS / 1e6} million pixel-steps) it measures one step and
  prints the time and memory it expects.`;

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

/** The schedule of the preset (default classic), with any flag given by hand on top. */
function dreamOptions(v: Values): DreamOptions {
  const preset = oneOf(v.preset, "preset", DREAM_PRESET_NAMES) ?? DEFAULT_DREAM_PRESET;
  const { octaves, octaveScale, steps, stepSize, normalize: byPreset } = DREAM_PRESETS[preset];
  const tile = v.tile as string | undefined;
  const normalize = oneOf(v.normalize, "normalize", Object.keys(NORMALIZE));
  return {
    octaves: num(v.octaves, "octaves", { int: true, min: 1, max: 12 }) ?? octaves,
    octaveScale: num(v["octave-scale"], "octave-scale", { min: 1, max: 4 }) ?? octaveScale,
    steps: num(v.steps, "steps", { int: true, min: 1, max: 10000 }) ?? steps,
    stepSize: num(v["step-size"], "step-size", { min: 0, max: 100 }) ?? stepSize,
    normalize: normalize === undefined ? byPreset : NORMALIZE[normalize],
    jitter: num(v.jitter, "jitter", { int: true, min: 0, max: 4096 }),
    tile:
      tile === undefined || tile === "auto"
        ? "auto"
        : tile === "off"
          ? "off"
          : num(tile, "tile", { int: true, min: 16, max: 16384 }),
    seed: num(v.seed, "seed", { int: true, min: 0, max: 2 ** 31 - 1 }),
  };
}

/** Decode the picture and bring it to the working size (on the CPU, before any upload). */
async function readWorking(path: string, maxSide: number | null): Promise<Tensor> {
  phase(`decoding ${path}`);
  const img = await readImageFile(path);
  const [w, h] =
    maxSide === null ? [img.width, img.height] : workingSize(img.width, img.height, maxSide);
  if (w !== img.width || h !== img.height) {
    process.stderr.write(
      `sheep: the picture is ${img.width}×${img.height}: dreaming at ${w}×${h} ` +
        `(--max-side N for another size, --full-size for its own)\n`,
    );
  }
  const { data, shape } = imageToNCHW(shrinkRgba(img, w, h));
  return tensor(data, { shape });
}

async function run(v: Values, positionals: string[]): Promise<number> {
  // Every flag is checked before anything slow happens.
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length
        ? `one IMAGE, got ${positionals.length}`
        : "needs an IMAGE (see `sheep dream --help`)",
    );
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("needs --out FILE");
  const frames = num(v["zoom-frames"], "zoom-frames", { int: true, min: 1, max: 10000 });
  stillOrAnimation(out, frames !== undefined);
  writable(out);
  const options = dreamOptions(v);
  const zoom = num(v.zoom, "zoom", { min: 0.01, max: 10 });
  const rotate = num(v.rotate, "rotate", { min: -360, max: 360 });
  const fps = num(v.fps, "fps", { min: 0.1, max: 100 });
  const channel = num(v.channel, "channel", { int: true, min: 0 });
  const maxSide = num(v["max-side"], "max-side", { int: true, min: 16, max: 65536 });
  if (maxSide !== undefined && v["full-size"])
    throw new UsageError("--max-side and --full-size: choose one");
  const model = v.model as ModelName | undefined;
  if (model !== undefined && !MODEL_NAMES.includes(model)) {
    throw new UsageError(`--model must be ${MODEL_NAMES.join(", ")}, got "${model}"`);
  }
  if (v.frames !== undefined && frames === undefined)
    throw new UsageError("--frames needs --zoom-frames");
  const dir = v.frames as string | undefined;
  if (dir) writableDir(dir, "frames");
  const image = existing(positionals[0], "image");
  const guidePath = v.guide === undefined ? undefined : existing(v.guide as string, "guide image");
  const spec: ObjectiveSpec = {
    layers: v.layers as string | undefined,
    channel,
    classes: v.classes as string | undefined,
  };

  await init();
  const input = await readWorking(image, v["full-size"] ? null : (maxSide ?? DEFAULT_MAX_SIDE));
  // a VGG reads only the layers up to the deepest one the objective uses
  const taps = tapsOfSpec(spec, Object.keys(VGG_DREAM_LAYERS));
  phase("loading the network");
  const named = spec.layers ? parseLayerWeights(spec.layers).map(([l]) => l) : [];
  const loaded = await loadForLayers(
    { model, weights: v.weights as string | undefined, taps, ...caffeFiles(v, model) },
    named,
  );
  if (loaded.note) process.stderr.write(`sheep: ${loaded.note}\n`);
  if (guidePath) spec.guide = fitGuide(await readImageTensor(guidePath));
  const objective = objectiveFromSpec(loaded.model, spec);
  if (channel !== undefined) {
    const layer = (objective.find((t) => t.kind === "channel") as { layer: string }).layer;
    checkChannels(loaded.model, layer, [channel], "channel", String(channel));
  }
  const dreamed = { ...options, objective };
  const [H, W] = input.shape.slice(2) as [number, number];
  phase(`preparing (${loaded.model.name} at ${W}×${H})`);
  // The octaves dream() will run: none smaller than the objective's layers need (GoogLeNet's
  // classes need 224 px), so the progress and the estimate count the same work.
  const used = tapsOfSpec(
    spec,
    Object.keys(loaded.model.dreamLayers ?? {}),
    loaded.model.logitsTap ?? "logits",
  );
  const minSize = loaded.model.minSize?.(used) ?? 1;
  const sizes = octaveSizes(H, W, dreamed.octaves!, dreamed.octaveScale!, minSize);
  const work = sizes.map(([h, w]) => h * w * dreamed.steps!);
  if (v.estimate || work.reduce((a, b) => a + b, 0) * (frames ?? 1) >= LONG_JOB_PIXEL_STEPS) {
    const e = await estimateDream(loaded.model, [H, W], dreamed);
    const tiles = e.octaves.at(-1)!.tiles;
    process.stderr.write(
      `sheep: expect about ${duration(e.seconds * (frames ?? 1))} and ${formatBytes(e.bytes)} ` +
        `on the device (one step measured at ${e.probe}×${e.probe}, scaled by pixels` +
        `${tiles > 1 ? `; the last octave in ${tiles} tiles` : ""})\n`,
    );
  }
  const { signal, done } = interruptible("dreaming");
  const label = `dream (${loaded.model.name})`;
  let bar: ProgressBar | null = null;
  let stepsDone = 0;
  // Progress in pixels, not steps: a step of the last octave costs 2× one of the octave before.
  const before = (k: number) => work.slice(0, k).reduce((a, b) => a + b, 0);
  const total = before(work.length);
  const onProgress = (p: DreamProgress & Partial<ZoomProgress>) => {
    bar ??= new ProgressBar(label, total * (p.frames ?? 1), { unit: null });
    stepsDone = p.done;
    const frameWork = (p.frame ?? 0) * total;
    const doneWork = frameWork + before(p.octave) + (work[p.octave] / p.steps) * p.step;
    const frame = p.frames ? `frame ${(p.frame ?? 0) + 1}/${p.frames} · ` : "";
    const where = `octave ${p.octave + 1}/${p.octaves} (${p.size[1]}×${p.size[0]}${p.tiles > 1 ? `, ${p.tiles} tiles` : ""}) · step ${p.step}/${p.steps}`;
    bar.update(doneWork, `${frame}${where} · objective ${p.objective.toFixed(3)}`);
  };
  const asked = sizes.length * dreamed.steps! * (frames ?? 1);
  try {
    if (frames === undefined) {
      const result = await dream(loaded.model, input, dreamed, onProgress, signal);
      (bar as ProgressBar | null)?.finish();
      phase(`writing ${out}`);
      await writeImageTensor(out, result);
    } else {
      if (dir) mkdirSync(dir, { recursive: true });
      const all = await dreamZoom(
        loaded.model,
        input,
        {
          ...dreamed,
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
      (bar as ProgressBar | null)?.finish();
      phase(`writing ${out}`);
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
    process.stderr.write(
      `sheep: stopped after ${stepsDone} of ${asked} steps; wrote what was finished to ${out}\n`,
    );
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
    preset: { type: "string" },
    "max-side": { type: "string" },
    "full-size": { type: "boolean" },
    estimate: { type: "boolean" },
    model: { type: "string" },
    weights: { type: "string" },
    prototxt: { type: "string" },
    synsets: { type: "string" },
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
