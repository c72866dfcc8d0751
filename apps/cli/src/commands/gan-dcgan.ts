// `sheep gan train|sample|walk|arithmetic|eval`: DCGANs on Fashion-MNIST and MNIST. Thin shells
// over @sheep/algorithms (gan/dcgan); every file is written atomically, flags are checked
// before any work starts.

import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  arithmetic,
  codeOf,
  DATASETS,
  type DatasetName,
  DCGAN_LOSSES,
  Dcgan,
  type DcganLoss,
  generate,
  ink,
  inkExemplars,
  loadCheckpoint,
  loadGenerator,
  loadImageSet,
  loadSmallClassifierFile,
  PIXELS,
  runDcgan,
  sampleImages,
  saveCheckpoint,
  saveGenerator,
  scoreImages,
  shippedWeightsPath,
  tileGrid,
  walk,
} from "@sheep/algorithms/node";
import { writeAnimationFile, writeFileAtomic, writeImageFile } from "@sheep/io";
import { init } from "@sheep/tensor";
import { num, UsageError } from "../args.ts";
import { ProgressBar } from "../progress.ts";
import { interruptible } from "./dream.ts";

type Values = Record<string, unknown>;

export const DCGAN_USAGE = `sheep gan train --data fashion-mnist|mnist --epochs N --out DIR [--resume]
  [--limit N (8000)] [--batch N (64)] [--width N (16)] [--z N (100)] [--loss ${DCGAN_LOSSES.join("|")}]
  [--conditional] [--lr X (2e-4)] [--seed N]     writes DIR/checkpoint.safetensors (every epoch),
  DIR/G.safetensors, DIR/grid-epoch-N.png, DIR/losses.jsonl
sheep gan sample [--weights G.safetensors | --data D] [--class C] [--n 64] [--seed N] --out grid.png
sheep gan walk [--weights … | --data D] --from SEED --to SEED [--frames 60] [--lerp] --out walk.gif
sheep gan arithmetic [--weights … | --data D] [--a S,S,S --b S,S,S --c S,S,S] --out eq.png
  without --a/--b/--c: bold − thin + (three others), exemplars picked by ink from 256 seeds
sheep gan eval [--weights … | --data D] [--n 10000] [--real] [--out scores.json]
  FID, KID, Inception score, precision/recall on the shipped classifier's features
  (--real: held-out real images instead of G's: the floor)`;

export const DCGAN_OPTIONS = {
  epochs: { type: "string" },
  resume: { type: "boolean" },
  limit: { type: "string" },
  conditional: { type: "boolean" },
  weights: { type: "string" },
  class: { type: "string" },
  n: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  frames: { type: "string" },
  lerp: { type: "boolean" },
  a: { type: "string" },
  b: { type: "string" },
  c: { type: "string" },
  real: { type: "boolean" },
} as const;

function dataset(v: Values, dflt?: DatasetName): DatasetName {
  const d = (v.data as string | undefined) ?? dflt;
  if (!d) throw new UsageError(`--data must be one of ${DATASETS.join(", ")}`);
  if (!DATASETS.includes(d as DatasetName)) {
    throw new UsageError(`--data must be one of ${DATASETS.join(", ")}, got "${d}"`);
  }
  return d as DatasetName;
}

function needOut(v: Values, sub: string, ext: RegExp, what: string): string {
  const out = v.out as string | undefined;
  if (!out) throw new UsageError(`gan ${sub} needs --out ${what}`);
  if (!ext.test(out)) throw new UsageError(`--out must be ${what}, got "${out}"`);
  return out;
}

/** The generator file: --weights, or the shipped one for --data (default fashion-mnist). */
async function generatorOf(v: Values) {
  const path =
    (v.weights as string | undefined) ??
    shippedWeightsPath(`dcgan-${dataset(v, "fashion-mnist")}.safetensors`);
  if (!existsSync(path)) throw new UsageError(`no generator file at ${path}`);
  await init();
  try {
    return { ...(await loadGenerator(new Uint8Array(readFileSync(path)))), path };
  } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
}

function seeds(v: unknown, flag: string): number[] {
  const list = String(v).split(",").map(Number);
  if (list.length !== 3 || !list.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new UsageError(`--${flag} must be three seeds S,S,S (integers ≥ 0), got "${v}"`);
  }
  return list;
}

async function train(v: Values): Promise<number> {
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("gan train needs --out DIR");
  const data = dataset(v);
  const epochs = num(v.epochs, "epochs", { int: true, min: 1 });
  if (epochs === undefined) throw new UsageError("gan train needs --epochs N");
  const limit = num(v.limit, "limit", { int: true, min: 2 }) ?? 8000;
  const loss = (v.loss as DcganLoss | undefined) ?? "ns";
  if (!DCGAN_LOSSES.includes(loss))
    throw new UsageError(`--loss must be one of ${DCGAN_LOSSES.join(", ")}, got "${loss}"`);
  await init();
  const set = await loadImageSet(data, { limit });
  const ckpt = join(out, "checkpoint.safetensors");
  let gan: Dcgan;
  try {
    if (v.resume) {
      if (!existsSync(ckpt)) throw new UsageError(`--resume: no checkpoint at ${ckpt}`);
      gan = await loadCheckpoint(new Uint8Array(readFileSync(ckpt)), set);
    } else {
      gan = new Dcgan(set, {
        loss,
        seed: num(v.seed, "seed", { int: true, min: 0 }) ?? 1,
        batch: num(v.batch, "batch", { int: true, min: 2 }) ?? 64,
        lr: num(v.lr, "lr", { min: 0 }) ?? 2e-4,
        shape: {
          width: num(v.width, "width", { int: true, min: 1 }) ?? 16,
          zDim: num(v.z, "z", { int: true, min: 1 }) ?? 100,
          classes: v.conditional ? set.classes : 0,
        },
      });
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
  await mkdir(out, { recursive: true });
  const total = epochs * gan.stepsPerEpoch;
  const bar = new ProgressBar(`gan train (${gan.config.loss} on ${set.n} ${set.name})`, total);
  const { signal, done } = interruptible("training");
  const lines: string[] = [];
  const t0 = performance.now();
  const save = async () => {
    await writeFileAtomic(ckpt, await saveCheckpoint(gan));
    const note = `${gan.t} steps (batch ${gan.config.batch}) on ${set.n} ${set.name} images`;
    await writeFileAtomic(
      join(out, "G.safetensors"),
      await saveGenerator(gan.g, { data: set.name, classNames: set.classNames, note }),
    );
    await writeFileAtomic(
      join(out, "losses.jsonl"),
      new TextEncoder().encode(lines.map((l) => `${l}\n`).join("")),
    );
  };
  try {
    await runDcgan(gan, {
      steps: total,
      logEvery: 5,
      stop: () => signal.aborted,
      onRecord: (r) => {
        lines.push(JSON.stringify(r));
        bar.update(r.step, `D ${r.dLoss.toFixed(3)} · G ${r.gLoss.toFixed(3)}`);
      },
      onEpoch: async (e, g) => {
        await writeImageFile(
          join(out, `grid-epoch-${e}.png`),
          tileGrid(await sampleImages(g.g, 64, 7), 8, 2),
        );
        await save();
      },
    });
  } finally {
    done();
    bar.finish();
  }
  await save();
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(
    `sheep: ${gan.t} steps (epoch ${(gan.t / gan.stepsPerEpoch).toFixed(2)}) in ${seconds.toFixed(1)} s; wrote ${out}\n`,
  );
  gan.dispose();
  return signal.aborted ? 130 : 0;
}

async function sample(v: Values): Promise<number> {
  const out = needOut(v, "sample", /\.png$/i, "FILE.png");
  const n = num(v.n, "n", { int: true, min: 1, max: 1024 }) ?? 64;
  const seed = num(v.seed, "seed", { int: true, min: 0 }) ?? 1;
  const { g, classNames } = await generatorOf(v);
  let classes: Int32Array | undefined;
  if (v.class !== undefined) {
    if (!g.shape.classes)
      throw new UsageError("--class needs a conditional generator (trained with --conditional)");
    const c = classNames.indexOf(String(v.class));
    const k = c >= 0 ? c : Number(v.class);
    if (!Number.isInteger(k) || k < 0 || k >= g.shape.classes) {
      throw new UsageError(
        `--class must be one of ${classNames.join(", ")} or 0–${g.shape.classes - 1}, got "${v.class}"`,
      );
    }
    classes = new Int32Array(n).fill(k);
  }
  await writeImageFile(
    out,
    tileGrid(await sampleImages(g, n, seed, classes), Math.ceil(Math.sqrt(n)), 2),
  );
  process.stderr.write(`sheep: ${n} samples; wrote ${out}\n`);
  return 0;
}

async function walkCmd(v: Values): Promise<number> {
  const out = needOut(v, "walk", /\.(gif|png|apng)$/i, "FILE.gif or .png");
  const from = num(v.from, "from", { int: true, min: 0 });
  const to = num(v.to, "to", { int: true, min: 0 });
  if (from === undefined || to === undefined)
    throw new UsageError("gan walk needs --from SEED and --to SEED");
  const frames = num(v.frames, "frames", { int: true, min: 2, max: 1000 }) ?? 60;
  const { g } = await generatorOf(v);
  const codes = walk(
    await codeOf(from, g.shape.zDim),
    await codeOf(to, g.shape.zDim),
    frames,
    v.lerp ? "lerp" : "slerp",
  );
  const images = await generate(g, codes);
  const pics = codes.map((_, i) => tileGrid(images.subarray(i * PIXELS, (i + 1) * PIXELS), 1, 8));
  await writeAnimationFile(out, pics, { fps: 15 });
  await writeImageFile(
    out.replace(/\.(gif|png|apng)$/i, "-strip.png"),
    tileGrid(images, Math.min(frames, 12), 2),
  );
  process.stderr.write(
    `sheep: ${frames} frames (${v.lerp ? "lerp" : "slerp"}) from seed ${from} to ${to}; wrote ${out}\n`,
  );
  return 0;
}

async function arithmeticCmd(v: Values): Promise<number> {
  const out = needOut(v, "arithmetic", /\.png$/i, "FILE.png");
  const { g } = await generatorOf(v);
  let groups: number[][];
  if (v.a !== undefined || v.b !== undefined || v.c !== undefined) {
    groups = [seeds(v.a, "a"), seeds(v.b, "b"), seeds(v.c, "c")];
  } else {
    // The concept G separates most plainly on both data sets: stroke weight (ink).
    const e = await inkExemplars(g);
    groups = [e.a, e.b, e.c];
  }
  const codes = await Promise.all(
    groups.map((list) => Promise.all(list.map((s) => codeOf(s, g.shape.zDim)))),
  );
  const result = arithmetic(codes[0], codes[1], codes[2]);
  const means = await generate(g, [
    ...codes.map((c) =>
      arithmetic(c, [new Float32Array(g.shape.zDim)], [new Float32Array(g.shape.zDim)]),
    ),
    result,
  ]);
  const exemplars = await generate(g, codes.flat());
  // Row 1..3: each concept's three exemplars and the image of their mean code; row 4: the result.
  const rows = new Float32Array(16 * PIXELS).fill(-1);
  for (let r = 0; r < 3; r++) {
    rows.set(exemplars.subarray(r * 3 * PIXELS, (r + 1) * 3 * PIXELS), r * 4 * PIXELS);
    rows.set(means.subarray(r * PIXELS, (r + 1) * PIXELS), (r * 4 + 3) * PIXELS);
  }
  rows.set(means.subarray(3 * PIXELS, 4 * PIXELS), 15 * PIXELS);
  await writeImageFile(out, tileGrid(rows, 4, 3));
  const inks = [0, 1, 2, 3].map((i) =>
    ink(means.subarray(i * PIXELS, (i + 1) * PIXELS)).toFixed(3),
  );
  process.stderr.write(
    `sheep: mean(a) − mean(b) + mean(c), seeds a ${groups[0]} b ${groups[1]} c ${groups[2]}; ink a ${inks[0]}, b ${inks[1]}, c ${inks[2]} → result ${inks[3]}; wrote ${out}\n`,
  );
  return 0;
}

async function evalCmd(v: Values): Promise<number> {
  const n = num(v.n, "n", { int: true, min: 10, max: 10000 }) ?? 10000;
  const out = v.out as string | undefined;
  if (out && !out.endsWith(".json")) throw new UsageError(`--out must end in .json, got "${out}"`);
  const { g, data, path } = await generatorOf(v);
  const name = dataset({ data }, undefined);
  const classifier = await loadSmallClassifierFile(
    name === "mnist" ? "lenet-mnist" : "fashion-cnn",
  );
  const real = (await loadImageSet(name, { split: "test", limit: n })).x;
  const count = real.length / PIXELS;
  let fake: Float32Array;
  if (v.real) fake = (await loadImageSet(name, { split: "train", limit: count })).x;
  else fake = await sampleImages(g, count, 12345);
  const scores = await scoreImages(classifier.model, real, fake);
  const doc = { generator: v.real ? "real training images (floor)" : path, data: name, ...scores };
  process.stdout.write(`${JSON.stringify(doc, null, 1)}\n`);
  if (out)
    await writeFileAtomic(out, new TextEncoder().encode(`${JSON.stringify(doc, null, 1)}\n`));
  return 0;
}

export function runDcganCommand(sub: string, v: Values): Promise<number> | null {
  if (sub === "train") return train(v);
  if (sub === "sample") return sample(v);
  if (sub === "walk") return walkCmd(v);
  if (sub === "arithmetic") return arithmeticCmd(v);
  if (sub === "eval") return evalCmd(v);
  return null;
}
