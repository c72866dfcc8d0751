// The DeepDream page: a picture (yours, dropped or picked, or the sample), a network and the
// layers (and, with VGG16's classifier, the classes) to amplify; every step's image is drawn as
// it comes. The zoom loop below it (zoom.ts) dreams on its own output, frame after frame.

import {
  DEFAULT_DREAM_PRESET,
  DREAM_PRESET_NAMES,
  DREAM_PRESETS,
  type DreamPresetName,
  dream,
  estimateDream,
  layerObjective,
  type Objective,
  type ObjectiveTerm,
  octaveSizes,
  parseClassMixture,
  parseLayerWeights,
} from "@sheep/algorithms";
import type { NCHW } from "@sheep/io/browser";
import { tensor } from "@sheep/tensor";
import { deviceInfo } from "../engine/device.ts";
import { traceStep } from "../engine/trace.ts";
import { downloadCanvas, drawNCHW, drawTensor, hostImage } from "../image/canvas.ts";
import { ImageInput } from "../image/input.ts";
import { runJob, stopJob } from "../jobs.ts";
import { DEFAULT_DREAM_LAYER, type Models } from "../models/registry.ts";
import {
  checkedNumber,
  FormError,
  field,
  fmtBytes,
  fmtSeconds,
  h,
  numberInput,
  paramNumber,
  params,
  select,
} from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { LayerList, ModelPicker, type PageView } from "./controls.ts";
import { zoomSection } from "./zoom.ts";

/** What the form asks for, read at the moment a job starts. */
export interface DreamForm {
  model: ModelPicker;
  layers: () => Record<string, number>;
  classes: () => string;
  octaves: number;
  octaveScale: number;
  steps: number;
  stepSize: number;
}

/** Working sizes offered (longest side, px); 0 is the picture's own size. */
const WORKING_SIDES = [128, 256, 384, 512, 768, 1024, 1536, 0];

/** Jobs this big (pixels × steps, all octaves) get a measured time and memory estimate first. */
const LONG_JOB_PIXEL_STEPS = 3e6;

/**
 * Defaults that suit the device: the "classic" preset everywhere (GoogLeNet's
 * inception_4c/output, 4 octaves × 20 steps of 2.5, std-normalised), at up to 1024 px on a GPU,
 * as the CLI does, and at 256 px on a CPU adapter (SwiftShader manages half a GFLOP/s). The CPU
 * default was "gentle" (4 × 10 of 1.5), measured on chelsea.png at 256×170: faint rings in the
 * eyes, not DeepDream; classic there grows dog faces and fur in 2× the time (131 s and 262 s with
 * the CLI on lavapipe; docs/first-five/README.md). The URL (?size=…&octaves=…&steps=…&preset=…
 * &maxSide=…) wins, for links and tests.
 */
export function dreamDefaults() {
  const cpu = deviceInfo().isFallbackAdapter || deviceInfo().adapter === "swiftshader";
  const named = params.get("preset");
  const preset: DreamPresetName | "custom" = DREAM_PRESET_NAMES.includes(named as DreamPresetName)
    ? (named as DreamPresetName)
    : params.has("octaves") || params.has("steps")
      ? "custom"
      : DEFAULT_DREAM_PRESET;
  const schedule = DREAM_PRESETS[preset === "custom" ? "gentle" : preset];
  return {
    side: paramNumber("size", cpu ? 128 : 384),
    maxSide: paramNumber("maxSide", cpu ? 256 : 1024),
    preset,
    octaves: paramNumber("octaves", schedule.octaves),
    steps: paramNumber("steps", schedule.steps),
    stepSize: paramNumber("stepSize", schedule.stepSize),
    scale: paramNumber("scale", schedule.octaveScale),
    maxTraceSide: cpu ? 96 : 256,
  };
}

/** The objective and the taps the model must reach (logits when classes are mixed in). */
export async function formObjective(models: Models, form: DreamForm) {
  const layers = form.layers();
  const spec = form.model.value === "vgg" ? form.classes().trim() : "";
  const taps = [...Object.keys(layers), ...(spec ? ["logits"] : [])];
  if (taps.length === 0) throw new Error("choose at least one layer with a weight other than 0");
  const model = await models.dreamModel(form.model.value, taps);
  const terms: ObjectiveTerm[] = Object.keys(layers).length ? layerObjective(layers) : [];
  if (spec) terms.push(...parseClassMixture(spec, model.classes));
  const objective: Objective = terms;
  const what = [...Object.entries(layers).map(([t, w]) => `${t}×${w}`), spec]
    .filter(Boolean)
    .join(", ");
  return { model, objective, what };
}

export function dreamPage(models: Models): PageView {
  const defaults = dreamDefaults();
  const result = h("canvas", { class: "result", id: "dream-result", width: 1, height: 1 });
  const input = new ImageInput(deviceInfo, defaults.side, () => {
    drawNCHW(result, input.nchw()); // the result starts as the picture itself
  });
  const picker = new ModelPicker(models);
  // ?layers=layer2.3:1,layer3.2:0.5 in the URL, for the model it names; else one middle layer.
  const layerDefaults = (): [string, number][] => {
    const fromUrl = params.get("layers") ? parseLayerWeights(params.get("layers")!) : [];
    const own = fromUrl.filter(([t]) => picker.taps().includes(t));
    if (own.length) return own;
    return [[DEFAULT_DREAM_LAYER[picker.value], 1]];
  };
  const layers = new LayerList(() => picker.taps(), layerDefaults);
  const classes = h("input", {
    type: "text",
    placeholder: "e.g. hen:0.5, sports car:0.5",
    value: params.get("classes") ?? "",
  });
  const classField = field(
    "Class mixture (ImageNet networks)",
    classes,
    "names or indices with weights",
  );
  const sync = () => {
    layers.reset();
    const id = picker.value;
    const hasClasses = id === "googlenet" || id === "squeezenet" || !!models.vggFile?.hasClassifier;
    classes.disabled = id === "face" || !hasClasses;
    classField.title = classes.disabled ? "class objectives need an ImageNet classifier" : "";
  };
  picker.onChange(sync);
  sync();
  const octaves = numberInput(defaults.octaves, 1, 12);
  const scale = numberInput(defaults.scale, 1, 4, 0.05);
  const steps = numberInput(defaults.steps, 1, 1000);
  octaves.id = "dream-octaves";
  steps.id = "dream-steps";
  const stepSize = numberInput(defaults.stepSize, 0.1, 100, 0.1);
  // A preset fills the four schedule fields; editing one of them makes it "custom".
  const preset = select(
    [
      ...DREAM_PRESET_NAMES.map((n): [string, string] => [n, `${n} — ${DREAM_PRESETS[n].about}`]),
      ["custom", "custom (the fields below)"],
    ],
    defaults.preset,
  );
  preset.id = "dream-preset";
  preset.addEventListener("change", () => {
    const p = DREAM_PRESETS[preset.value as DreamPresetName];
    if (!p) return;
    octaves.value = String(p.octaves);
    scale.value = String(p.octaveScale);
    steps.value = String(p.steps);
    stepSize.value = String(p.stepSize);
  });
  // the preset's normalisation; "custom" keeps the notebook's (mean |g|)
  const normalization = () =>
    DREAM_PRESETS[preset.value as DreamPresetName]?.normalize ?? "meanAbs";
  for (const f of [octaves, scale, steps, stepSize])
    f.addEventListener("input", () => (preset.value = "custom"));
  const maxSide = select(
    WORKING_SIDES.map((n): [string, string] => [String(n), n ? `${n} px` : "full size"]),
    String(WORKING_SIDES.includes(defaults.maxSide) ? defaults.maxSide : 256),
  );
  maxSide.id = "dream-max-side";
  const form = (): DreamForm => ({
    model: picker,
    layers: () => layers.value(),
    classes: () => classes.value,
    octaves: checkedNumber(octaves, "Octaves"),
    octaveScale: checkedNumber(scale, "Octave scale"),
    steps: checkedNumber(steps, "Steps per octave"),
    stepSize: checkedNumber(stepSize, "Step size"),
  });
  const estimate = h("p", { class: "muted small estimate", id: "dream-estimate", role: "status" });

  const progress = new ProgressView("step", "dream-progress");
  const download = h(
    "button",
    { type: "button", disabled: true, onclick: () => downloadCanvas(result, "dream.png") },
    "Download PNG",
  );
  let last: NCHW | null = null;
  let traceArgs: Parameters<typeof traceStep>[0] | null = null;

  const run = () =>
    runJob({
      name: "Dream",
      progress,
      run: async (signal) => {
        const f = form(); // every field checked before anything loads
        const side = Number(maxSide.value);
        const problem = input.problem(side);
        if (problem?.hard)
          throw new FormError(
            `${problem.message} Choose a smaller working size, or downscale the picture (the ` +
              "button below it)",
          );
        estimate.textContent = "";
        const net = f.model.value === "vgg" ? "VGG16" : "the face network";
        progress.phase(`Dream: loading ${net}…`);
        const { model, objective, what } = await formObjective(models, f);
        progress.phase("Dream: preparing the picture…");
        const start = input.working(side);
        const image = tensor(start.data, { shape: start.shape });
        try {
          const options = {
            objective,
            octaves: f.octaves,
            octaveScale: f.octaveScale,
            steps: f.steps,
            stepSize: f.stepSize,
            normalize: normalization(),
            previewEvery: 1,
          };
          const [H, W] = start.shape.slice(2) as [number, number];
          // Progress in pixels, not steps: each octave's step costs its area.
          const taps = objective.map((t) =>
            "layer" in t ? t.layer : (model.logitsTap ?? "logits"),
          );
          const work = octaveSizes(H, W, f.octaves, f.octaveScale, model.minSize?.(taps) ?? 1).map(
            ([h, w]) => h * w * f.steps,
          );
          const before = (k: number) => work.slice(0, k).reduce((a, b) => a + b, 0);
          if (before(work.length) >= LONG_JOB_PIXEL_STEPS) {
            progress.phase("Dream: measuring one step to estimate the time…");
            const e = await estimateDream(model, [H, W], options);
            estimate.textContent =
              `Expected: about ${fmtSeconds(e.seconds)} and ${fmtBytes(e.bytes)} on the GPU ` +
              `(one step measured at ${e.probe}×${e.probe}, scaled by pixels).`;
          }
          progress.phase(`Dream: octave 1 at ${W}×${H}…`);
          const out = await dream(
            model,
            image,
            options,
            async (p) => {
              const size = `${p.size[1]}×${p.size[0]}${p.tiles > 1 ? ` in ${p.tiles} tiles` : ""}`;
              const k = Math.min(p.octave, work.length - 1);
              const done = before(k) + (work[k] / p.steps) * p.step;
              progress.update(
                p.done,
                p.total,
                `octave ${p.octave + 1}/${p.octaves} (${size}) · ` +
                  `objective ${p.objective.toPrecision(4)}`,
                [done, before(work.length)],
              );
              if (p.preview) await drawTensor(result, p.preview);
            },
            signal,
          );
          last = await hostImage(out);
          out.dispose();
          drawNCHW(result, last);
          download.disabled = false;
          traceArgs = {
            model,
            objective,
            image: last,
            maxSide: defaults.maxTraceSide,
            what: `one dream step · ${model.name} · ${what}`,
            step: { stepSize: options.stepSize, normalize: options.normalize },
          };
          return `${W}×${H}, ${f.octaves} octave(s) × ${f.steps} steps, ${model.name}: ${what}`;
        } finally {
          image.dispose();
        }
      },
      trace: async () => traceArgs && traceStep(traceArgs),
    });

  const controls = h(
    "div",
    { class: "controls" },
    h("h3", null, "Picture"),
    input.el,
    h("h3", null, "What to dream"),
    field("Network", picker.el),
    h("div", { class: "field" }, h("span", null, "Layers × weights"), layers.el),
    classField,
    h("h3", null, "How much"),
    field("Preset", preset),
    field("Working size", maxSide, "longest side; the result has this size"),
    h(
      "div",
      { class: "grid2" },
      field("Octaves", octaves),
      field("Octave scale", scale),
      field("Steps per octave", steps),
      field("Step size", stepSize),
    ),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "dream-run",
          dataset: { run: "dream" },
          onclick: run,
        },
        "Dream",
      ),
      h(
        "button",
        {
          type: "button",
          id: "dream-stop",
          disabled: true,
          dataset: { stop: "" },
          onclick: stopJob,
        },
        "Stop",
      ),
      download,
    ),
    progress.el,
    estimate,
  );
  const zoom = zoomSection(models, form, input, defaults.maxTraceSide);
  const el = h(
    "section",
    { class: "page dream-page" },
    h(
      "div",
      { class: "split" },
      controls,
      h(
        "div",
        { class: "output" },
        result,
        h("p", { class: "caption" }, "Each step is drawn as it finishes."),
      ),
    ),
    zoom,
  );
  drawNCHW(result, input.nchw());

  const traceNow = async () => {
    const f = form();
    const { model, objective, what } = await formObjective(models, f);
    return traceStep({
      model,
      objective,
      image: last ?? input.nchw(),
      maxSide: defaults.maxTraceSide,
      what: `one dream step · ${model.name} · ${what}`,
      step: { stepSize: f.stepSize, normalize: normalization() },
    });
  };
  return { el, traceNow };
}
