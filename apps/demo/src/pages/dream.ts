// The DeepDream page: a picture (yours, dropped or picked, or the sample), a network and the
// layers (and, with VGG16's classifier, the classes) to amplify; every step's image is drawn as
// it comes. The zoom loop below it (zoom.ts) dreams on its own output, frame after frame.

import {
  dream,
  layerObjective,
  type Objective,
  type ObjectiveTerm,
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
import { field, h, numberInput, paramNumber, params, readNumber } from "../ui/dom.ts";
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

/** Defaults that suit the device: a CPU adapter gets small, quick jobs. */
export function dreamDefaults() {
  const cpu = deviceInfo().isFallbackAdapter || deviceInfo().adapter === "swiftshader";
  return {
    side: paramNumber("size", cpu ? 128 : 384),
    octaves: paramNumber("octaves", cpu ? 2 : 3),
    steps: paramNumber("steps", cpu ? 4 : 10),
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
  const octaves = numberInput(defaults.octaves, 1, 8);
  const scale = numberInput(paramNumber("scale", 1.4), 1, 2, 0.05);
  const steps = numberInput(defaults.steps, 1, 200);
  octaves.id = "dream-octaves";
  steps.id = "dream-steps";
  const stepSize = numberInput(paramNumber("stepSize", 1.5), 0.1, 10, 0.1);
  const form = (): DreamForm => ({
    model: picker,
    layers: () => layers.value(),
    classes: () => classes.value,
    octaves: readNumber(octaves, 1),
    octaveScale: readNumber(scale, 1.4),
    steps: readNumber(steps, 4),
    stepSize: readNumber(stepSize, 1.5),
  });

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
        const problem = input.problem();
        if (problem?.hard)
          throw new Error(`${problem.message} Downscale it first (the button below the picture).`);
        const f = form();
        const net = f.model.value === "vgg" ? "VGG16" : "the face network";
        progress.start(`Dream: loading ${net}…`);
        const { model, objective, what } = await formObjective(models, f);
        const start = input.nchw();
        const image = tensor(start.data, { shape: start.shape });
        try {
          const options = {
            objective,
            octaves: f.octaves,
            octaveScale: f.octaveScale,
            steps: f.steps,
            stepSize: f.stepSize,
            previewEvery: 1,
          };
          const out = await dream(
            model,
            image,
            options,
            async (p) => {
              const size = `${p.size[1]}×${p.size[0]}${p.tiles > 1 ? ` in ${p.tiles} tiles` : ""}`;
              progress.update(
                p.done,
                p.total,
                `octave ${p.octave + 1}/${p.octaves} (${size}) · ` +
                  `objective ${p.objective.toPrecision(4)}`,
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
          };
          const [, , hh, ww] = start.shape;
          return `${ww}×${hh}, ${f.octaves} octave(s) × ${f.steps} steps, ${model.name}: ${what}`;
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
    const { model, objective, what } = await formObjective(models, form());
    return traceStep({
      model,
      objective,
      image: last ?? input.nchw(),
      maxSide: defaults.maxTraceSide,
      what: `one dream step · ${model.name} · ${what}`,
    });
  };
  return { el, traceNow };
}
