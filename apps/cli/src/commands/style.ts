// `sheep style CONTENT STYLE [STYLE…] --out FILE`: neural style transfer as a thin shell over
// @sheep/algorithms' stylize. Ctrl-C stops after the current step and writes what is done.

import { mkdirSync } from "node:fs";
import { extname, join } from "node:path";
import {
  GRAM_NORMALIZATIONS,
  type GramNormalization,
  loadDreamModel,
  lossChartSvg,
  MODEL_NAMES,
  type ModelName,
  parseLayerWeights,
  readImageTensor,
  STYLE_LAYERS,
  type StyleOptions,
  type StyleProgress,
  stylize,
  writeImageTensor,
} from "@sheep/algorithms/node";
import { writeFileAtomic } from "@sheep/io";
import { engine, init, resize2d, type Tensor } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";
import { caffeFiles } from "../names.ts";
import { formatBytes, ProgressBar } from "../progress.ts";
import { existing, interruptible } from "./dream.ts";

const USAGE = `sheep style CONTENT STYLE [STYLE…] --out FILE [flags]

  --model NAME               googlenet (default, shipped), face, squeezenet (give --style-layers),
                             vgg16|vgg19 (with --weights)
  --weights FILE             a safetensors VGG16/19 file; with --model caffe, a .caffemodel
  --prototxt FILE            with --model caffe: the deploy prototxt of a .caffemodel
  --synsets FILE             with --model caffe: class names, one per line (synset_words.txt)
  --size N                   the output's longer side in pixels (default 512)
  --steps N                  optimisation steps per scale (default 200)
  --optimizer lbfgs|adam     (default lbfgs)              --lr X   step size (adam: 0.02)
  --style-weights "W,…"      blend weights of the style images (default equal)
  --content-weight X         (default 5)   --style-weight X (default 100)   --tv-weight X (1e-3)
  --content-layer L          (default: the model's, VGG relu4_2)
  --style-layers "L:W,…"     (default: the model's, VGG relu1_1 … relu5_1)
  --normalization N          gatys|johnson|neural-style (default neural-style)
  --style-scale S            style images' size relative to the output (default 1)
  --init content|noise|style start image (default content)
  --preserve-colour MODE     none|luminance|match: keep the content's colours (default none)
  --scales N                 coarse-to-fine scales (default 1)   --scale-ratio R (default 2)
  --average N                return the mean of the last N iterates (default 0: off)
  --mask FILE                style only where this image is white (grey levels blend)
  --param pixel|fourier      what is optimised (default pixel; fourier: decorrelated spectrum)
  --tile auto|N|off          tile side for images past the device's limits (default auto)
  --seed N                   random seed (default 0)
  --frames DIR               write the image every --frame-every steps (default 10) to DIR
  --plot FILE.svg            write the per-layer loss chart of the run (and FILE.json: the record)
  --stats                    at the end print wall time, steps, s/step and the GPU memory peak

  --out FILE: .png or .jpg, written atomically (a temporary file, then renamed).`;

type Values = Record<string, unknown>;

function oneOf<T extends string>(v: unknown, flag: string, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T))
    throw new UsageError(`--${flag} must be ${allowed.join(", ")}, got "${v}"`);
  return v as T;
}

function parseWeights(v: unknown, count: number): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(",");
  const w = parts.map(Number);
  if (parts.length !== count || w.some((x) => !(x >= 0)) || !w.some((x) => x > 0)) {
    throw new UsageError(
      `--style-weights needs ${count} numbers ≥ 0 (one per style image, not all 0), got "${v}"`,
    );
  }
  return w;
}

function styleOptions(v: Values, styles: number): StyleOptions {
  const tile = v.tile as string | undefined;
  return {
    steps: num(v.steps, "steps", { int: true, min: 1 }),
    optimizer: oneOf(v.optimizer, "optimizer", ["lbfgs", "adam"]),
    lr: num(v.lr, "lr", { min: 0 }),
    blend: parseWeights(v["style-weights"], styles),
    contentWeight: num(v["content-weight"], "content-weight", { min: 0 }),
    styleWeight: num(v["style-weight"], "style-weight", { min: 0 }),
    tvWeight: num(v["tv-weight"], "tv-weight", { min: 0 }),
    contentLayer: v["content-layer"] as string | undefined,
    styleLayers:
      v["style-layers"] === undefined
        ? undefined
        : Object.fromEntries(parseLayerWeights(v["style-layers"] as string)),
    normalization: oneOf<GramNormalization>(v.normalization, "normalization", GRAM_NORMALIZATIONS),
    styleScale: num(v["style-scale"], "style-scale", { min: 0.05 }),
    init: oneOf(v.init, "init", ["content", "noise", "style"]),
    preserveColour: oneOf(v["preserve-colour"], "preserve-colour", ["none", "luminance", "match"]),
    scales: num(v.scales, "scales", { int: true, min: 1 }),
    scaleRatio: num(v["scale-ratio"], "scale-ratio", { min: 1 }),
    average: num(v.average, "average", { int: true, min: 0 }),
    parameterization: oneOf(v.param, "param", ["pixel", "fourier"]),
    tile:
      tile === undefined || tile === "auto"
        ? "auto"
        : tile === "off"
          ? "off"
          : num(tile, "tile", { int: true, min: 16 }),
    seed: num(v.seed, "seed", { int: true, min: 0 }),
  };
}

/** An image at most `size` px on its longer side (never enlarged). */
function fit(x: Tensor, size: number): Tensor {
  const [h, w] = x.shape.slice(2);
  const s = Math.min(1, size / Math.max(h, w));
  return s === 1
    ? x
    : resize2d(x, [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))]);
}

/** "relu1_1 3.2e+1" for each term: short enough for one progress line. */
function lossNote(p: StyleProgress): string {
  const e = (x: number) => x.toExponential(1);
  const layers = Object.entries(p.style).map(([k, x]) => `${k} ${e(x)}`);
  return [`content ${e(p.content)}`, ...layers, `tv ${e(p.tv)}`].join(" · ");
}

/**
 * The `--stats` line: measured, so a long run can be reported (or compared) from its log. The
 * first step carries the style targets and the pipeline compiles, so the rate is over the rest.
 */
function statsLine(steps: number, firstMs: number, lastMs: number, where: string): string {
  const m = engine.memory();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rate =
    steps > 1 ? ` · then ${((lastMs - firstMs) / 1000 / (steps - 1)).toFixed(2)} s/step` : "";
  const count = `${steps} step${steps === 1 ? "" : "s"}`;
  return (
    `sheep: stats: ${where}${count} in ${s(lastMs)} (to the end of step 1: ${s(firstMs)}${rate}) · ` +
    `GPU peak ${formatBytes(m.peakBytes)} (live tensors + packed weights) · held at the end ` +
    `${formatBytes(m.bytes + m.pooledBytes + m.cachedBytes)} (live + pooled + packed)`
  );
}

async function run(v: Values, positionals: string[]): Promise<number> {
  if (positionals.length < 2)
    throw new UsageError(
      "needs a CONTENT image and at least one STYLE image (see `sheep style --help`)",
    );
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("needs --out FILE");
  if (![".png", ".jpg", ".jpeg"].includes(extname(out).toLowerCase()))
    throw new UsageError(`--out must end in .png, .jpg or .jpeg, got "${out}"`);
  const [contentPath, ...stylePaths] = positionals;
  const options = styleOptions(v, stylePaths.length);
  const size = num(v.size, "size", { int: true, min: 16 }) ?? 512;
  const frameEvery = num(v["frame-every"], "frame-every", { int: true, min: 1 }) ?? 10;
  const model = (v.model as ModelName | undefined) ?? "googlenet";
  if (!MODEL_NAMES.includes(model))
    throw new UsageError(`--model must be ${MODEL_NAMES.join(", ")}, got "${model}"`);
  const frames = v.frames as string | undefined;
  existing(contentPath, "content image");
  for (const p of stylePaths) existing(p, "style image");
  const maskPath = v.mask === undefined ? undefined : existing(v.mask as string, "mask image");

  await init();
  const content = fit(await readImageTensor(contentPath), size);
  const styles = await Promise.all(stylePaths.map(readImageTensor));
  let mask: Tensor | undefined;
  if (maskPath) {
    // the mask's grey level (mean of R, G, B) at the content's size
    const m = await readImageTensor(maskPath);
    mask = resize2d(m.mean(1, true), [content.shape[2], content.shape[3]]);
  }
  const known = STYLE_LAYERS[model];
  const taps = [
    ...(options.contentLayer ? [options.contentLayer] : known?.content ? [known.content] : []),
    ...Object.keys(options.styleLayers ?? known?.style ?? {}),
  ];
  const loaded = await loadDreamModel({
    model,
    weights: v.weights as string | undefined,
    taps,
    ...caffeFiles(v, model),
  });
  if (loaded.note) process.stderr.write(`sheep: ${loaded.note}\n`);
  if (frames) mkdirSync(frames, { recursive: true });
  const { signal, done } = interruptible("styling");
  let bar: ProgressBar | null = null;
  const onProgress = async (p: StyleProgress) => {
    bar ??= new ProgressBar(`style (${loaded.model.name})`, p.totalSteps);
    const where = p.scales > 1 ? `scale ${p.scale + 1}/${p.scales} · ` : "";
    steps = p.done;
    lastMs = performance.now() - started;
    shape = `${p.size[1]}×${p.size[0]} in ${p.tiles} tile${p.tiles === 1 ? "" : "s"} · `;
    if (firstMs === 0) firstMs = lastMs;
    bar.update(p.done, `${where}step ${p.step}/${p.steps} · ${lossNote(p)}`);
    if (p.preview && frames) {
      const name = join(frames, `frame-${String(p.done).padStart(4, "0")}.png`);
      await writeImageTensor(name, p.preview); // the preview lives only during this call
    }
  };
  let image: Tensor;
  let steps = 0; // finished steps, all scales: what the stats line divides by
  let firstMs = 0;
  let lastMs = 0; // the end of the last finished step: the image's encoding is not a step
  let shape = ""; // the last step's size and tile count
  const started = performance.now();
  try {
    const result = await stylize(
      loaded.model,
      content,
      styles,
      { ...options, mask, previewEvery: frames ? frameEvery : 0 },
      onProgress,
      signal,
    );
    image = result.image;
    await writeImageTensor(out, image);
    const plot = v.plot as string | undefined;
    if (plot) {
      const seconds = (performance.now() - started) / 1000;
      const title = `${loaded.model.name} · ${content.shape[3]}×${content.shape[2]} · ${result.record.length} steps · ${seconds.toFixed(0)} s`;
      const text = (t: string) => new TextEncoder().encode(t);
      await writeFileAtomic(plot, text(lossChartSvg(result.record, { title })));
      await writeFileAtomic(
        `${plot.replace(/\.svg$/i, "")}.json`,
        text(JSON.stringify(result.record)),
      );
    }
  } finally {
    done();
    (bar as ProgressBar | null)?.finish();
  }
  if (v.stats) process.stderr.write(`${statsLine(steps, firstMs, lastMs, shape)}\n`);
  if (signal.aborted) {
    process.stderr.write(`sheep: interrupted; wrote what was finished to ${out}\n`);
    return 130;
  }
  process.stderr.write(`sheep: wrote ${out}\n`);
  return 0;
}

export const styleCommand: Command = {
  name: "style",
  summary: "neural style transfer (Gatys): a photo in the style of one or more paintings",
  usage: USAGE,
  options: {
    ...Object.fromEntries(
      [
        "out",
        "model",
        "weights",
        "prototxt",
        "synsets",
        "size",
        "steps",
        "optimizer",
        "lr",
        "style-weights",
        "content-weight",
        "style-weight",
        "tv-weight",
        "content-layer",
        "style-layers",
        "normalization",
        "style-scale",
        "init",
        "preserve-colour",
        "scales",
        "scale-ratio",
        "average",
        "mask",
        "param",
        "tile",
        "seed",
        "frames",
        "frame-every",
        "plot",
      ].map((k) => [k, { type: "string" as const, ...(k === "out" ? { short: "o" } : {}) }]),
    ),
    // a switch, not a string: `--stats` takes no value
    stats: { type: "boolean" },
  },
  run: (v, positionals) => run(v, positionals),
};
