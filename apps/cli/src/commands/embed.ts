// `sheep embed train|eval`: learn an embedding of 28×28 images on some classes and measure how
// it retrieves the classes it never saw. Thin shells over @sheep/algorithms (embed/); every flag
// is checked before any data is read, every file is written atomically.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  DATASETS,
  type DatasetName,
  EMBED_LOSSES,
  EMBED_TRAIN_DEFAULTS,
  type EmbedLoss,
  type EmbedMetrics,
  type EmbedStepRecord,
  type EmbedTrainConfig,
  evaluateEmbedding,
  formatMetrics,
  loadEmbedData,
  loadEmbeddingNet,
  MININGS,
  type Mining,
  parseHoldout,
  SHIPPED_EMBEDDINGS,
  saveEmbeddingNet,
  trainEmbedding,
} from "@sheep/algorithms/node";
import { writeFileAtomic } from "@sheep/io";
import { init } from "@sheep/tensor";
import { type Command, num, oneOf, UsageError, writableDir } from "../args.ts";
import { duration, ProgressBar, phase } from "../progress.ts";
import { interruptible } from "./dream.ts";
import { EMBED_SEARCH_OPTIONS, EMBED_SEARCH_USAGE, runEmbedSearch } from "./embed-search.ts";

type Values = Record<string, unknown>;

const d = EMBED_TRAIN_DEFAULTS;
const USAGE = `sheep embed train --out DIR [flags]     train an embedding net, hold classes out
sheep embed eval [--weights FILE|NAME] [flags]   retrieval metrics on held-out classes

embed train:
  --loss ${EMBED_LOSSES.join("|")}   (default ${d.loss})
  --mining ${MININGS.join("|")}   triplet mining (default ${d.mining})
  --soft-margin          triplet: softplus(dPos − dNeg) instead of the hinge
  --margin X             the loss's margin (triplet 0.2, contrastive 1, cosface 0.35, arcface 0.5)
  --data ${DATASETS.join("|")}   (default fashion-mnist)
  --holdout SPEC         classes kept out of training, e.g. 6-9 or 0,3,5 (default 6-9)
  --steps N (${d.steps})        --batch-p P (${d.p}) classes × --batch-k K (${d.k}) images per batch
  --dim D (${d.dim})          --width N (${d.width}) first conv's channels   --lr X (${d.lr})
  --seed N (${d.seed})          --limit N  read at most N training images (default all)
  --monitor-every N      collapse-monitor period in steps (default 1: every step)
  --eval-limit N         held-out test images to evaluate on at the end (default all, at
                         most 6000; 0: skip)
  writes DIR/embed.safetensors and DIR/metrics.json (per-step loss, active share, monitor)

embed eval:
  --weights FILE|NAME    a file from embed train or a shipped net: ${Object.keys(SHIPPED_EMBEDDINGS).join(", ")}
                         (default embed-<data>)
  --data, --holdout      default: what the weights were trained with
  --limit N              evaluate on the first N held-out test images (default all, ≤ 6000)
  --json                 print the metrics as JSON`;

const OPTIONS = {
  out: { type: "string", short: "o" },
  loss: { type: "string" },
  mining: { type: "string" },
  "soft-margin": { type: "boolean" },
  margin: { type: "string" },
  data: { type: "string" },
  holdout: { type: "string" },
  steps: { type: "string" },
  "batch-p": { type: "string" },
  "batch-k": { type: "string" },
  dim: { type: "string" },
  width: { type: "string" },
  lr: { type: "string" },
  seed: { type: "string" },
  limit: { type: "string" },
  "monitor-every": { type: "string" },
  "eval-limit": { type: "string" },
  weights: { type: "string" },
  json: { type: "boolean" },
} as const;

/** --holdout checked against the 10 classes both datasets have: the classes left to train on. */
function holdout(v: Values, dflt = "6-9"): { spec: string; held: number[]; train: number } {
  const spec = (v.holdout as string | undefined) ?? dflt;
  try {
    const held = parseHoldout(spec);
    return { spec, held, train: 10 - held.length };
  } catch (e) {
    throw new UsageError(`--holdout: ${(e as Error).message}`);
  }
}

/** Every training flag, checked before the data is read: a config and where it goes. */
function trainConfig(v: Values) {
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("embed train needs --out DIR");
  writableDir(out, "out");
  const data = oneOf(v.data, "data", DATASETS) ?? "fashion-mnist";
  const h = holdout(v);
  const loss = oneOf(v.loss, "loss", EMBED_LOSSES) ?? d.loss;
  const mining = oneOf(v.mining, "mining", MININGS) ?? d.mining;
  if (loss !== "triplet" && (v.mining !== undefined || v["soft-margin"]))
    throw new UsageError(`--mining and --soft-margin apply to --loss triplet, not ${loss}`);
  const p = num(v["batch-p"], "batch-p", { int: true, min: 2, max: 64 }) ?? Math.min(d.p, h.train);
  const k = num(v["batch-k"], "batch-k", { int: true, min: 2, max: 64 }) ?? d.k;
  if (p > h.train)
    throw new UsageError(
      `--batch-p ${p}: holdout ${h.spec} leaves only ${h.train} classes to train on`,
    );
  const config: EmbedTrainConfig = {
    loss: loss as EmbedLoss,
    mining: mining as Mining,
    softMargin: Boolean(v["soft-margin"]),
    margin: num(v.margin, "margin", { min: 0, max: 10 }),
    p,
    k,
    steps: num(v.steps, "steps", { int: true, min: 1, max: 1e7 }) ?? d.steps,
    seed: num(v.seed, "seed", { int: true, min: 0, max: 2 ** 31 - 1 }) ?? d.seed,
    lr: num(v.lr, "lr", { min: 1e-8, max: 0.5 }) ?? d.lr,
    dim: num(v.dim, "dim", { int: true, min: 2, max: 1024 }) ?? d.dim,
    width: num(v.width, "width", { int: true, min: 1, max: 256 }) ?? d.width,
    monitorEvery: num(v["monitor-every"], "monitor-every", { int: true, min: 1 }) ?? 1,
  };
  const evalLimit = num(v["eval-limit"], "eval-limit", { int: true, min: 0, max: 6000 });
  if (evalLimit === 1) throw new UsageError("--eval-limit must be 0 (skip) or at least 2, got 1");
  return {
    out,
    data: data as DatasetName,
    holdout: h.spec,
    config,
    limit: num(v.limit, "limit", { int: true, min: 2 }),
    evalLimit,
  };
}

const json = (x: unknown) => new TextEncoder().encode(`${JSON.stringify(x)}\n`);

async function runTrain(v: Values): Promise<number> {
  const o = trainConfig(v);
  await init();
  phase(`reading ${o.data} (classes ${o.holdout} held out)`);
  const data = await loadEmbedData(o.data, o.holdout, { trainLimit: o.limit });
  await mkdir(o.out, { recursive: true });
  const c = o.config;
  const bar = new ProgressBar(`embed train (${c.loss} on ${o.data})`, c.steps);
  const { signal, done } = interruptible("training");
  const onStep = (r: EmbedStepRecord) => {
    const share = Number.isFinite(r.activeShare)
      ? ` · active ${(r.activeShare * 100).toFixed(0)}%`
      : "";
    bar.update(r.step + 1, `loss ${r.loss.toFixed(4)}${share}`);
    return !signal.aborted;
  };
  let result: Awaited<ReturnType<typeof trainEmbedding>>;
  try {
    result = await trainEmbedding(data.train, c, onStep);
  } catch (e) {
    throw new UsageError((e as Error).message);
  } finally {
    done();
    bar.finish();
  }
  let metrics: EmbedMetrics | null = null;
  if (o.evalLimit !== 0) {
    phase(`evaluating on ${Math.min(o.evalLimit ?? 6000, data.test.n)} held-out images`);
    metrics = await evaluateEmbedding(result.net, data.test, { limit: o.evalLimit });
    process.stderr.write(`${formatMetrics(metrics)}\n`);
  }
  const info = {
    data: o.data,
    holdout: o.holdout,
    train: JSON.stringify(result.config),
    trainClasses: JSON.stringify(result.classes),
    steps: String(result.steps),
    seconds: result.seconds.toFixed(1),
    trainImages: String(data.train.n),
    metrics: JSON.stringify(metrics),
  };
  await writeFileAtomic(join(o.out, "embed.safetensors"), await saveEmbeddingNet(result.net, info));
  await writeFileAtomic(
    join(o.out, "metrics.json"),
    json({
      data: o.data,
      holdout: o.holdout,
      trainClasses: result.classes,
      trainImages: data.train.n,
      config: result.config,
      shape: result.net.shape,
      steps: result.steps,
      seconds: result.seconds,
      eval: metrics,
      records: result.records,
    }),
  );
  result.net.dispose();
  process.stderr.write(
    `sheep: ${result.steps} steps in ${duration(result.seconds)}; wrote ${o.out}/embed.safetensors and metrics.json\n`,
  );
  return signal.aborted ? 130 : 0;
}

async function runEval(v: Values): Promise<number> {
  const dataFlag = oneOf(v.data, "data", DATASETS);
  if (v.holdout !== undefined) holdout(v);
  const limit = num(v.limit, "limit", { int: true, min: 2, max: 6000 });
  const weights = (v.weights as string | undefined) ?? `embed-${dataFlag ?? "fashion-mnist"}`;
  await init();
  let loaded: Awaited<ReturnType<typeof loadEmbeddingNet>>;
  try {
    loaded = await loadEmbeddingNet(weights);
  } catch (e) {
    throw new UsageError(`--weights ${weights}: ${(e as Error).message}`);
  }
  const data = (dataFlag ?? loaded.data) as DatasetName;
  if (!DATASETS.includes(data))
    throw new UsageError(
      `--data: the weights do not say their data; give one of ${DATASETS.join(", ")}`,
    );
  const spec = (v.holdout as string | undefined) ?? loaded.holdout ?? "6-9";
  const split = await loadEmbedData(data, spec, { testOnly: true });
  const m = await evaluateEmbedding(loaded.net, split.test, { limit });
  loaded.net.dispose();
  if (v.json) console.log(JSON.stringify({ weights, data, holdout: spec, ...m }));
  else console.log(`${weights} on ${data}, held-out classes ${spec}: ${formatMetrics(m)}`);
  return 0;
}

/**
 * The subcommands by name: training and evaluation here, the picture side (index, search,
 * project) in embed-search.ts; anything else is an unknown subcommand.
 */
const SUBCOMMANDS: Record<string, (v: Values) => Promise<number>> = {
  train: runTrain,
  eval: runEval,
  index: (v) => runEmbedSearch("index", v, []),
  search: (v) => runEmbedSearch("search", v, []),
  project: (v) => runEmbedSearch("project", v, []),
};

export const embedCommand: Command = {
  name: "embed",
  summary: "embeddings: train and evaluate; index, search and project pictures",
  usage: `${USAGE}\n\n${EMBED_SEARCH_USAGE}`,
  options: { ...EMBED_SEARCH_OPTIONS, ...OPTIONS },
  run: (v, positionals) => {
    const [sub, ...rest] = positionals;
    const names = Object.keys(SUBCOMMANDS).join(", ");
    if (!sub)
      throw new UsageError(`embed needs a subcommand: ${names} (see \`sheep embed --help\`)`);
    const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(`unknown subcommand "embed ${sub}": use ${names}`);
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    return run(v);
  },
};
