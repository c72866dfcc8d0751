// The attack page's lower half: where the network looks (a heatmap per attribution method over
// the photo) and how a small classifier's accuracy falls with ε on a Fashion-MNIST test batch
// that ships with the app (static/data, built by scripts/make-fashion-batch.ts).

import {
  type DreamModel,
  epsilonSweep,
  gradCam,
  integratedGradients,
  type LabelledImages,
  loadSmallClassifier,
  occlusion,
  readLabelledBatch,
  saliency,
  smoothGrad,
} from "@sheep/algorithms";
import type { NCHW } from "@sheep/io/browser";
import { tensor } from "@sheep/tensor";
import { onDevice } from "../engine/device.ts";
import { runJob, stopJob } from "../jobs.ts";
import { field, h, numberInput, paramNumber, readNumber, replace, select } from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { accuracyChart, accuracyTable, drawHeat } from "./attack-parts.ts";

export const EXPLAIN_METHODS: [string, string][] = [
  ["occlusion", "Occlusion (grey windows)"],
  ["saliency", "Saliency (gradient)"],
  ["smoothgrad", "SmoothGrad"],
  ["ig", "Integrated Gradients"],
  ["gradcam", "Grad-CAM"],
];

/** Grad-CAM's layer: the last map with some resolution left (7×7 at 224² is too coarse). */
const GRADCAM_LAYER: Record<string, string> = {
  googlenet: "inception_4e/output",
  squeezenet: "fire9/concat",
};

/** What the explain section needs from the page: the network and the picture it explains. */
export interface ExplainSource {
  modelId(): string;
  model(): Promise<DreamModel>;
  image(): NCHW;
  cpu: boolean;
}

/** One attribution of `x` by `method`, as a heat [H, W] and a line saying what it shows. */
async function heatOf(
  method: string,
  model: DreamModel,
  x: NCHW,
  src: ExplainSource,
  onProgress: (done: number, total: number) => void,
): Promise<{ heat: Float32Array; note: string }> {
  const t = tensor(x.data, { shape: [...x.shape] });
  const side = x.shape[3];
  try {
    if (method === "occlusion") {
      // the bench's geometry scaled to the working size: window 32, stride 8 at 224²
      const window = Math.max(2, Math.round((side * 32) / 224));
      const stride = Math.max(1, Math.round(window / (src.cpu ? 2 : 4)));
      const o = await occlusion(model, t, { window, stride, batchSize: 16, onProgress });
      return { heat: o.heat, note: `${o.windows} windows of ${window} px` };
    }
    if (method === "saliency") return { heat: (await saliency(model, t)).heat, note: "|∂z/∂x|" };
    if (method === "smoothgrad") {
      const samples = src.cpu ? 4 : 16;
      return { heat: (await smoothGrad(model, t, { samples })).heat, note: `${samples} copies` };
    }
    if (method === "ig") {
      const steps = src.cpu ? 4 : 32;
      const r = await integratedGradients(model, t, { steps });
      return {
        heat: r.heat,
        note: `${steps} steps; Σ = ${r.total.toFixed(2)}, z(x) − z(black) = ${r.delta.toFixed(2)}`,
      };
    }
    const layer = GRADCAM_LAYER[src.modelId()] ?? model.taps.at(-2)!;
    return { heat: (await gradCam(model, t, layer)).heat, note: layer };
  } finally {
    t.dispose();
  }
}

export function explainSection(src: ExplainSource): HTMLElement {
  const progress = new ProgressView("map", "explain-progress");
  const figures = new Map(
    EXPLAIN_METHODS.map(([id, name]) => {
      const canvas = h("canvas", {
        class: "result heat",
        id: `explain-${id}`,
        width: 1,
        height: 1,
        role: "img",
        "aria-label": `${name} heatmap`,
      });
      const caption = h("figcaption", null, name);
      return [id, { canvas, caption, el: h("figure", null, canvas, caption) }] as const;
    }),
  );
  const method = select(EXPLAIN_METHODS, "gradcam");
  method.id = "explain-method";
  const run = (which: string[]) =>
    runJob({
      name: "Explain",
      progress,
      run: async (signal) => {
        const model = await src.model();
        const x = src.image();
        for (const [i, id] of which.entries()) {
          if (signal.aborted) break;
          const fig = figures.get(id)!;
          progress.update(i, which.length, `${id}…`);
          const { heat, note } = await heatOf(id, model, x, src, (d, n) =>
            progress.update(i, which.length, `${id}: ${d}/${n} windows`),
          );
          drawHeat(fig.canvas, x, heat);
          fig.caption.textContent = `${EXPLAIN_METHODS.find(([m]) => m === id)![1]} · ${note}`;
        }
        progress.update(which.length, which.length);
        return `${which.join(", ")} on ${x.shape[3]}×${x.shape[2]}, ${model.name}`;
      },
    });
  return h(
    "section",
    { class: "attack-block", "aria-labelledby": "explain-title" },
    h("h3", { id: "explain-title" }, "Where does it look?"),
    h(
      "div",
      { class: "row" },
      field("Method", method),
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "explain-run",
          dataset: { run: "explain" },
          onclick: () => run([method.value]),
        },
        "Explain",
      ),
      h(
        "button",
        {
          type: "button",
          id: "explain-all",
          dataset: { run: "explain" },
          onclick: () => run(EXPLAIN_METHODS.map(([m]) => m)),
        },
        "All five",
      ),
      h(
        "button",
        { type: "button", disabled: true, dataset: { stop: "" }, onclick: stopJob },
        "Stop",
      ),
    ),
    progress.el,
    h("div", { class: "heat-grid" }, ...[...figures.values()].map((f) => f.el)),
  );
}

/** The shipped classifier and batch, fetched once (dropped with a lost device). */
let fashion: Promise<{ model: DreamModel; data: LabelledImages }> | null = null;
onDevice((e) => {
  if (e.kind === "lost") fashion = null;
});

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function loadFashion() {
  fashion ??= (async () => {
    const [weights, batch] = await Promise.all([
      fetchBytes("models/fashion-cnn.safetensors"),
      fetchBytes("data/fashion-mnist-test-256.safetensors"),
    ]);
    const { model } = await loadSmallClassifier("fashion-cnn", weights);
    return { model, data: await readLabelledBatch(batch) };
  })().catch((e) => {
    fashion = null;
    throw e;
  });
  return fashion;
}

/** The first n images of a batch. */
function firstOf(d: LabelledImages, n: number): LabelledImages {
  const [all, c, hh, w] = d.shape;
  const k = Math.min(n, all);
  return {
    images: d.images.subarray(0, k * c * hh * w),
    shape: [k, c, hh, w],
    labels: d.labels.subarray(0, k),
  };
}

export function sweepSection(): HTMLElement {
  const progress = new ProgressView("image", "sweep-progress");
  const chart = h("div", { class: "sweep-chart", id: "sweep-chart" });
  const count = numberInput(paramNumber("count", 256), 8, 256, 8);
  count.id = "sweep-count";
  const method = select(
    [
      ["fgsm", "FGSM"],
      ["pgd", "PGD (10 steps)"],
    ],
    "fgsm",
  );
  method.id = "sweep-method";
  const run = () =>
    runJob({
      name: "Accuracy against ε",
      progress,
      run: async (signal) => {
        progress.phase("loading the Fashion-MNIST classifier and test batch…");
        const { model, data } = await loadFashion();
        const batch = firstOf(data, readNumber(count, 256));
        const eps = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
        const points = await epsilonSweep(model, batch, method.value as "fgsm" | "pgd", eps, {
          batchSize: 64,
          seed: 0,
          onProgress: (d, n) => progress.update(d, n),
          signal,
        });
        if (!points.length) return "no ε finished";
        const title =
          `${method.value.toUpperCase()} on ${batch.labels.length} Fashion-MNIST test images ` +
          "(fashion-cnn): accuracy % against ε";
        replace(chart, accuracyChart(points, title), accuracyTable(points));
        return `${points.map((p) => `${(100 * p.accuracy).toFixed(0)}%`).join(" → ")}`;
      },
    });
  return h(
    "section",
    { class: "attack-block", "aria-labelledby": "sweep-title" },
    h("h3", { id: "sweep-title" }, "Accuracy against ε"),
    h(
      "p",
      { class: "muted small" },
      "The project's Fashion-MNIST CNN on the first images of the official test split " +
        "(Fashion-MNIST, Xiao, Rasul & Vollgraf 2017, MIT licence), served with this app.",
    ),
    h(
      "div",
      { class: "row" },
      field("Images", count),
      field("Attack", method),
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "sweep-run",
          dataset: { run: "sweep" },
          onclick: run,
        },
        "Run the sweep",
      ),
      h(
        "button",
        {
          type: "button",
          id: "sweep-stop",
          disabled: true,
          dataset: { stop: "" },
          onclick: stopJob,
        },
        "Stop",
      ),
    ),
    progress.el,
    chart,
  );
}
