// DCGAN checkpoints and generator files, both safetensors. A checkpoint holds everything an
// exact resume needs: G and D (parameters and batch-norm buffers), both Adams' moments and step
// counts, the step and the RNG state (the seed and the step: every draw is a function of the two,
// see train.ts). A generator file holds G alone, with its shape and class names, to sample from.

import { loadTensors, SafetensorsReader, saveTensors } from "@sheep/models";
import type { BackendKind, Tensor } from "@sheep/tensor";
import type { ImageSet } from "./data.ts";
import { type DcganShape, Generator } from "./nets.ts";
import { checkDcganConfig, Dcgan, type DcganConfig } from "./train.ts";

const CHECKPOINT_FORMAT = "sheep-dcgan-checkpoint/1";
const GENERATOR_FORMAT = "sheep-dcgan-generator/1";

function prefixed(prefix: string, m: ReadonlyMap<string, Tensor>): [string, Tensor][] {
  return [...m].map(([k, t]) => [`${prefix}${k}`, t]);
}

function withPrefix(all: ReadonlyMap<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of all) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), t);
  return out;
}

export async function saveCheckpoint(gan: Dcgan): Promise<Uint8Array> {
  const go = gan.gOpt.exportState();
  const dOpt = gan.dOpt.exportState();
  const tensors = new Map<string, Tensor>([
    ...prefixed("g.", gan.g.stateDict()),
    ...prefixed("d.", gan.d.stateDict()),
    ...prefixed("g_opt.", go.tensors),
    ...prefixed("d_opt.", dOpt.tensors),
  ]);
  const { backend: _, ...config } = gan.config;
  return saveTensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(config),
    data: gan.data.name,
    step: String(gan.t),
    rng: JSON.stringify({ seed: gan.config.seed, step: gan.t }),
    g_opt_steps: JSON.stringify(go.steps),
    d_opt_steps: JSON.stringify(dOpt.steps),
  });
}

/** A trainer restored from a checkpoint, on `data` (the set it was trained on). */
export async function loadCheckpoint(
  bytes: Uint8Array,
  data: ImageSet,
  backend?: BackendKind,
): Promise<Dcgan> {
  const reader = await SafetensorsReader.open(bytes);
  const meta = reader.metadata ?? {};
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new Error(`not a DCGAN checkpoint (format "${meta.format}", want ${CHECKPOINT_FORMAT})`);
  }
  if (meta.data !== data.name) {
    throw new Error(`the checkpoint was trained on ${meta.data}, not ${data.name}`);
  }
  const config = JSON.parse(meta.config) as DcganConfig;
  checkDcganConfig(config);
  const all = await loadTensors(reader, undefined, { backend });
  try {
    const gan = new Dcgan(data, { ...config, backend });
    gan.g.loadStateDict(withPrefix(all, "g."));
    gan.d.loadStateDict(withPrefix(all, "d."));
    gan.gOpt.importState(withPrefix(all, "g_opt."), JSON.parse(meta.g_opt_steps));
    gan.dOpt.importState(withPrefix(all, "d_opt."), JSON.parse(meta.d_opt_steps));
    gan.t = Number(meta.step);
    return gan;
  } finally {
    for (const t of all.values()) t.dispose();
  }
}

/** G alone (parameters and BN running averages), its shape and the data's class names. */
export async function saveGenerator(
  g: Generator,
  info: { data: string; classNames: readonly string[]; note?: string },
): Promise<Uint8Array> {
  return saveTensors(g.stateDict(), {
    format: GENERATOR_FORMAT,
    shape: JSON.stringify(g.shape),
    data: info.data,
    class_names: JSON.stringify(info.classNames),
    ...(info.note ? { note: info.note } : {}),
  });
}

export interface LoadedGenerator {
  g: Generator;
  data: string;
  classNames: string[];
  metadata: Record<string, string>;
}

/** A generator file (or a checkpoint, whose G is taken) as a Generator in eval mode. */
export async function loadGenerator(
  bytes: Uint8Array,
  backend?: BackendKind,
): Promise<LoadedGenerator> {
  const reader = await SafetensorsReader.open(bytes);
  const meta = reader.metadata ?? {};
  let shape: DcganShape;
  let prefix = "";
  if (meta.format === GENERATOR_FORMAT) shape = JSON.parse(meta.shape);
  else if (meta.format === CHECKPOINT_FORMAT) {
    shape = (JSON.parse(meta.config) as DcganConfig).shape;
    prefix = "g.";
  } else {
    throw new Error(`not a DCGAN generator or checkpoint (format "${meta.format}")`);
  }
  const names = reader.names.filter((n) => n.startsWith(prefix));
  const all = await loadTensors(reader, names, { backend });
  const g = new Generator(shape, { seed: 0, backend });
  try {
    g.loadStateDict(withPrefix(all, prefix));
  } finally {
    for (const t of all.values()) t.dispose();
  }
  g.eval();
  const classNames = meta.class_names ? JSON.parse(meta.class_names) : [];
  return { g, data: meta.data ?? "?", classNames, metadata: meta };
}
