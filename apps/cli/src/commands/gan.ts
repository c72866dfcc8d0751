// `sheep gan toy …` trains a toy 2-D GAN and writes its samples over time (PNG frames and an
// animation) and its metrics (JSON); `sheep gan xy …` plays the xy game and writes the
// trajectory (JSON). Thin shells over @sheep/algorithms; every file is written atomically.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  ACTIVATIONS,
  type Activation,
  discriminatorMap,
  GAN_LOSSES,
  type GanLoss,
  gdRadius,
  OPTIMIZERS,
  type OptimizerKind,
  renderFrame,
  rng,
  TOY_DATA,
  type ToyDataName,
  ToyGan,
  type ToyRecord,
  toyData,
  trainToy,
  XY_METHODS,
  type XyMethod,
  xyGame,
} from "@sheep/algorithms";
import { writeAnimationFile, writeFileAtomic, writeImageFile } from "@sheep/io";
import { init } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";
import { ProgressBar } from "../progress.ts";
import { interruptible } from "./dream.ts";
import { DCGAN_OPTIONS, DCGAN_USAGE, runDcganCommand } from "./gan-dcgan.ts";

const USAGE = `sheep gan toy --out DIR [flags]     train a toy 2-D GAN
sheep gan xy --out FILE.json [flags]  play the xy game min_x max_y x·y

gan toy:
  --data ring8|grid25|swissroll|moons   the target (default ring8)
  --std X                the mixture components' σ (ring8 0.02, grid25 0.05)
  --loss ${GAN_LOSSES.join("|")}   (default ns)
  --steps N              generator steps (default 2000)   --every N   frame/metrics period (100)
  --batch N (128)        --z N latent dims (2)            --seed N (1)
  --width N (64)         --depth N (2)                    --activation ${ACTIVATIONS.join("|")}
  --opt ${OPTIMIZERS.join("|")} (adam)   --lr X (1e-3)   --g-lr X / --d-lr X override per network
  --beta1 X (0.5)        --beta2 X (0.999)
  --d-steps N            discriminator steps per generator step (1, at most 16)
  --unroll K             unrolled discriminator steps seen by G (0, at most 16)
  --gp X (10)  --r1 X (10)  --clip X (0.01)   penalty weights and WGAN's weight clip
  --size N               frame side in pixels (256)
  writes DIR/frames/step-NNNNNN.png, DIR/samples.gif and DIR/metrics.json

gan xy:
  --method ${XY_METHODS.join("|")}   (default gd)
  --lr X (0.1)   --steps N (100)   --start X,Y (1,1)   --gamma X (consensus, 1)   --beta X (momentum, -0.5)

DCGAN (28×28 Fashion-MNIST / MNIST):
${DCGAN_USAGE}`;

type Values = Record<string, unknown>;

function oneOf<T extends string>(v: unknown, flag: string, list: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!list.includes(v as T)) {
    throw new UsageError(`--${flag} must be one of ${list.join(", ")}, got "${v}"`);
  }
  return v as T;
}

/** The trainer's settings from the flags, checked before the GPU starts. */
function toyConfig(v: Values): ConstructorParameters<typeof ToyGan>[0] {
  const data = oneOf(v.data, "data", TOY_DATA, "ring8" as ToyDataName);
  const std = num(v.std, "std", { min: 0 });
  const lr = num(v.lr, "lr", { min: 0 }) ?? 1e-3;
  const kind = oneOf(v.opt, "opt", OPTIMIZERS, "adam" as OptimizerKind);
  const beta1 = num(v.beta1, "beta1", { min: 0 });
  const beta2 = num(v.beta2, "beta2", { min: 0 });
  const net = {
    width: num(v.width, "width", { int: true, min: 1 }) ?? 64,
    depth: num(v.depth, "depth", { int: true, min: 1 }) ?? 2,
    activation: oneOf(v.activation, "activation", ACTIVATIONS, "relu" as Activation),
  };
  try {
    return {
      data: toyData(data, { std }),
      loss: oneOf(v.loss, "loss", GAN_LOSSES, "ns" as GanLoss),
      seed: num(v.seed, "seed", { int: true, min: 0 }) ?? 1,
      batch: num(v.batch, "batch", { int: true, min: 1 }) ?? 128,
      zDim: num(v.z, "z", { int: true, min: 1 }) ?? 2,
      g: net,
      d: net,
      gOpt: { kind, lr: num(v["g-lr"], "g-lr", { min: 0 }) ?? lr, beta1, beta2 },
      dOpt: { kind, lr: num(v["d-lr"], "d-lr", { min: 0 }) ?? lr, beta1, beta2 },
      dSteps: num(v["d-steps"], "d-steps", { int: true, min: 1 }) ?? 1,
      unroll: num(v.unroll, "unroll", { int: true, min: 0 }) ?? 0,
      gpWeight: num(v.gp, "gp", { min: 0 }) ?? 10,
      r1Gamma: num(v.r1, "r1", { min: 0 }) ?? 10,
      clip: num(v.clip, "clip", { min: 0 }) ?? 0.01,
    };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function runToy(v: Values): Promise<number> {
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("gan toy needs --out DIR");
  const steps = num(v.steps, "steps", { int: true, min: 1 }) ?? 2000;
  const every = num(v.every, "every", { int: true, min: 1 }) ?? 100;
  const size = num(v.size, "size", { int: true, min: 16 }) ?? 256;
  const config = toyConfig(v);
  await init();
  let gan: ToyGan;
  try {
    gan = new ToyGan(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  await mkdir(join(out, "frames"), { recursive: true });
  const real = gan.data.sample(512, rng(7)); // the same real points in every frame
  const frames: ReturnType<typeof renderFrame>[] = [];
  const bar = new ProgressBar(`gan toy (${gan.config.loss} on ${gan.data.name})`, steps);
  const { signal, done } = interruptible("training");
  const t0 = performance.now();
  let records: ToyRecord[] = [];
  const onRecord = async (r: ToyRecord) => {
    const fake = await gan.samples(512);
    const heat = { n: 64, values: await discriminatorMap(gan, 64) };
    const frame = renderFrame({ size, extent: gan.data.extent, real, fake, heat });
    frames.push(frame);
    const name = `step-${String(r.step).padStart(6, "0")}.png`;
    await writeImageFile(join(out, "frames", name), frame);
    const modes = gan.data.modes.length ? ` · modes ${r.covered}/${gan.data.modes.length}` : "";
    bar.update(r.step, `D ${r.dLoss.toFixed(3)} · G ${r.gLoss.toFixed(3)}${modes}`);
    if (signal.aborted) throw new Interrupted();
  };
  try {
    records = await trainToy(gan, { steps, evalEvery: every, onRecord });
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
  } finally {
    done();
    bar.finish();
  }
  const seconds = (performance.now() - t0) / 1000;
  const metrics = {
    config: { ...gan.config, data: gan.data.name, std: gan.data.std },
    steps: gan.t,
    seconds,
    stepsPerSecond: gan.t / seconds,
    modes: gan.data.modes,
    records,
  };
  await writeFileAtomic(
    join(out, "metrics.json"),
    new TextEncoder().encode(`${JSON.stringify(metrics, null, 1)}\n`),
  );
  await writeAnimationFile(join(out, "samples.gif"), frames, { fps: 5 });
  gan.dispose();
  const last = records.at(-1);
  const cov =
    last && gan.data.modes.length ? `, ${last.covered}/${gan.data.modes.length} modes` : "";
  process.stderr.write(`sheep: ${gan.t} steps in ${seconds.toFixed(1)} s${cov}; wrote ${out}\n`);
  return signal.aborted ? 130 : 0;
}

class Interrupted extends Error {}

async function runXy(v: Values): Promise<number> {
  const out = v.out as string | undefined;
  if (!out) throw new UsageError("gan xy needs --out FILE.json");
  if (!out.endsWith(".json")) throw new UsageError(`--out must end in .json, got "${out}"`);
  const method = oneOf(v.method, "method", XY_METHODS, "gd" as XyMethod);
  const lr = num(v.lr, "lr", { min: 0 }) ?? 0.1;
  const steps = num(v.steps, "steps", { int: true, min: 0 }) ?? 100;
  let start: [number, number] = [1, 1];
  if (v.start !== undefined) {
    const parts = String(v.start).split(",").map(Number);
    if (parts.length !== 2 || !parts.every(Number.isFinite)) {
      throw new UsageError(`--start must be two numbers X,Y, got "${v.start}"`);
    }
    start = [parts[0], parts[1]];
  }
  let result: ReturnType<typeof xyGame>;
  try {
    result = xyGame({
      method,
      lr,
      steps,
      start,
      gamma: num(v.gamma, "gamma"),
      beta: num(v.beta, "beta"),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r0 = result.radius[0];
  const doc = {
    ...result,
    // Simultaneous GD's radius in closed form, for comparison: r₀·(1 + η²)^(t/2).
    predicted: method === "gd" ? result.radius.map((_, t) => gdRadius(r0, lr, t)) : undefined,
  };
  await writeFileAtomic(out, new TextEncoder().encode(`${JSON.stringify(doc)}\n`));
  const end = result.radius.at(-1)!;
  process.stderr.write(
    `sheep: ${method} η=${lr}: distance to (0, 0) ${r0.toFixed(4)} → ${end.toPrecision(4)} after ${steps} steps; wrote ${out}\n`,
  );
  return 0;
}

export const ganCommand: Command = {
  name: "gan",
  summary: "GAN lab: toy 2-D GANs (mode collapse and its fixes) and the xy game",
  usage: USAGE,
  options: {
    out: { type: "string", short: "o" },
    data: { type: "string" },
    std: { type: "string" },
    loss: { type: "string" },
    steps: { type: "string" },
    every: { type: "string" },
    batch: { type: "string" },
    z: { type: "string" },
    seed: { type: "string" },
    width: { type: "string" },
    depth: { type: "string" },
    activation: { type: "string" },
    opt: { type: "string" },
    lr: { type: "string" },
    "g-lr": { type: "string" },
    "d-lr": { type: "string" },
    beta1: { type: "string" },
    beta2: { type: "string" },
    "d-steps": { type: "string" },
    unroll: { type: "string" },
    gp: { type: "string" },
    r1: { type: "string" },
    clip: { type: "string" },
    size: { type: "string" },
    method: { type: "string" },
    start: { type: "string" },
    gamma: { type: "string" },
    beta: { type: "string" },
    ...DCGAN_OPTIONS,
  },
  run: (v, positionals) => {
    const [sub, ...rest] = positionals;
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (sub === "toy") return runToy(v);
    if (sub === "xy") return runXy(v);
    const dcgan = sub ? runDcganCommand(sub, v) : null;
    if (dcgan) return dcgan;
    throw new UsageError(
      sub
        ? `unknown gan experiment "${sub}": use toy, xy, train, sample, walk, arithmetic or eval`
        : "gan needs toy or xy (see `sheep gan --help`)",
    );
  },
};
