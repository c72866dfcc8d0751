// `sheep viz --layer NAME --channels RANGE --out FILE`: feature visualisation — a grid of what
// each channel responds to, one neuron, a whole layer, a class, or the recipe's ablation — as
// a thin shell over @sheep/algorithms. Ctrl-C keeps the images as they are.

import {
  ablation,
  channelGrid,
  type GridOptions,
  type GridProgress,
  type GridResult,
  MODEL_NAMES,
  type ModelName,
  type ObjectiveTerm,
  parseChannels,
  parseClassMixture,
  renderBatch,
  type VizRecipe,
  vizSettings,
  writeImageTensor,
} from "@sheep/algorithms/node";
import { init } from "@sheep/tensor";
import { type Command, num, oneOf, UsageError, writable } from "../args.ts";
import { caffeFiles, checkChannels, loadForLayers } from "../names.ts";
import { ProgressBar, phase } from "../progress.ts";
import { interruptible } from "./dream.ts";

const USAGE = `sheep viz --layer NAME --out FILE [flags]

  --layer NAME               the layer (e.g. block5_conv3, or layer3.2 for the face network)
  --channels RANGE           channels to render as a grid, e.g. 0-15 or 0-7,12 (default 0-15)
  --target channel|neuron|layer   each channel's mean, its centre neuron, or the whole layer
  --class NAME|INDEX         maximise a class logit instead (VGG with its classifier)
  --ablation                 the first channel naive, then with each trick of the robust recipe
  --recipe naive|robust      naive pixels + gradient ascent, or Fourier + decorrelated colour +
                             transformations + Adam (default robust)
  --size N                   image side (default 128)   --steps N   (naive 20, robust 512;
                             under 128 the robust recipe warns: its images are still noise)
  --lr X                     learning rate (robust: Adam 0.05; naive: 1/255 per step)
  --batch N                  channels optimised together (default 8)
  --columns N                grid columns (default ⌈√count⌉)
  --labels                   channel numbers under the cells
  --seed N                   random seed (default 0)
  --model googlenet|squeezenet|face|vgg16|vgg19|caffe
                             the network (default: googlenet, shipped with sheep)
  --weights FILE             a safetensors weights file for --model
  --prototxt FILE            with --model caffe: the deploy prototxt of a .caffemodel
  --synsets FILE             with --model caffe: class names, one per line (synset_words.txt)`;

type Values = Record<string, unknown>;

/** Below this many steps the robust recipe's images are still grey noise (see the README). */
const ROBUST_FEW_STEPS = 128;

function gridOptions(v: Values): GridOptions {
  return {
    recipe: oneOf(v.recipe, "recipe", ["naive", "robust"] as VizRecipe[]),
    size: num(v.size, "size", { int: true, min: 8, max: 4096 }),
    steps: num(v.steps, "steps", { int: true, min: 1, max: 100000 }),
    lr: num(v.lr, "lr", { min: 0, max: 100 }),
    seed: num(v.seed, "seed", { int: true, min: 0, max: 2 ** 31 - 1 }),
    batch: num(v.batch, "batch", { int: true, min: 1, max: 1024 }),
    columns: num(v.columns, "columns", { int: true, min: 1, max: 1024 }),
    labels: v.labels ? true : undefined,
  };
}

async function run(v: Values, positionals: string[]): Promise<number> {
  // Every flag is checked before anything slow happens.
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("needs --out FILE");
  if (!/\.(png|jpe?g)$/i.test(out))
    throw new UsageError(`--out must end in .png or .jpg, got "${out}"`);
  writable(out);
  const layer = v.layer as string | undefined;
  const cls = v.class as string | undefined;
  if (!layer && !cls) throw new UsageError("needs --layer NAME (or --class NAME)");
  const target = oneOf(v.target, "target", ["channel", "neuron", "layer"]) ?? "channel";
  const channelSpec = (v.channels as string | undefined) ?? "0-15";
  let channels: number[];
  try {
    channels = parseChannels(channelSpec);
  } catch (e) {
    throw new UsageError(`--channels: ${(e as Error).message}`);
  }
  const options = gridOptions(v);
  const model = v.model as ModelName | undefined;
  if (model !== undefined && !MODEL_NAMES.includes(model)) {
    throw new UsageError(`--model must be ${MODEL_NAMES.join(", ")}, got "${model}"`);
  }
  const settings = vizSettings(options);
  if (settings.optimizer === "adam" && settings.steps < ROBUST_FEW_STEPS) {
    process.stderr.write(
      `sheep: --steps ${settings.steps} is few for the robust recipe: below ` +
        `${ROBUST_FEW_STEPS} its images are mostly grey noise (default ${vizSettings({}).steps})\n`,
    );
  }

  await init();
  const taps = cls ? ["logits"] : [layer!];
  phase("loading the network");
  const loaded = await loadForLayers(
    { model, weights: v.weights as string | undefined, taps, ...caffeFiles(v, model) },
    layer ? [layer] : [],
  );
  if (loaded.note) process.stderr.write(`sheep: ${loaded.note}\n`);
  const m = loaded.model;
  let single: ObjectiveTerm | null;
  try {
    single = cls
      ? parseClassMixture(cls, m.classes)[0]
      : target === "layer"
        ? { kind: "layer", layer: layer! }
        : null;
  } catch (e) {
    throw new UsageError(`--class: ${(e as Error).message}`);
  }
  if (layer && !single) {
    phase(`preparing (${m.name}, ${layer})`);
    checkChannels(m, layer, v.ablation ? channels.slice(0, 1) : channels, "channels", channelSpec);
  }
  const perChannel = (channel: number): ObjectiveTerm => ({
    kind: "channel",
    layer: layer!,
    channel,
    neuron: target === "neuron",
  });
  const { signal, done } = interruptible("optimising");
  let bar: ProgressBar | null = null;
  let progress = { done: 0, total: 0 };
  const onProgress = (p: GridProgress) => {
    progress = { done: p.done, total: p.total };
    bar ??= new ProgressBar(`viz (${m.name})`, p.total);
    const batch =
      p.batches > 1 ? `${v.ablation ? "stage" : "batch"} ${p.batch + 1}/${p.batches} · ` : "";
    bar.update(
      p.done,
      `${batch}step ${p.step}/${p.steps} · objective ${p.objective.toFixed(3)}`,
      p.total,
    );
  };
  try {
    let result: GridResult;
    if (v.ablation)
      result = await ablation(m, single ?? perChannel(channels[0]), options, onProgress, signal);
    else if (single) {
      const s = vizSettings(options);
      const image = await renderBatch(
        m,
        [single],
        s,
        (p) => onProgress({ ...p, batch: 0, batches: 1, done: p.step, total: s.steps }),
        signal,
      );
      result = { image, cells: [], rows: 1, columns: 1 };
    } else
      result = await channelGrid(
        m,
        layer!,
        channels,
        { ...options, neuron: target === "neuron" },
        onProgress,
        signal,
      );
    (bar as ProgressBar | null)?.finish();
    phase(`writing ${out}`);
    await writeImageTensor(out, result.image);
  } finally {
    done();
    (bar as ProgressBar | null)?.finish();
  }
  if (signal.aborted) {
    process.stderr.write(
      `sheep: stopped after ${progress.done} of ${progress.total} steps; wrote the images as ` +
        `they were to ${out}\n`,
    );
    return 130;
  }
  process.stderr.write(`sheep: wrote ${out}\n`);
  return 0;
}

export const vizCommand: Command = {
  name: "viz",
  summary: "feature visualisation: channel grids, neurons, layers, classes, the ablation",
  usage: USAGE,
  options: {
    out: { type: "string", short: "o" },
    layer: { type: "string" },
    channels: { type: "string" },
    target: { type: "string" },
    class: { type: "string" },
    ablation: { type: "boolean" },
    recipe: { type: "string" },
    size: { type: "string" },
    steps: { type: "string" },
    lr: { type: "string" },
    batch: { type: "string" },
    columns: { type: "string" },
    labels: { type: "boolean" },
    seed: { type: "string" },
    model: { type: "string" },
    weights: { type: "string" },
    prototxt: { type: "string" },
    synsets: { type: "string" },
  },
  run: (v, positionals) => run(v, positionals),
};
