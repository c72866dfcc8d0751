// The style-transfer page: a photo (a sample or yours) and one to three paintings (samples or
// yours) with blend sliders; the image is drawn every few steps, a per-layer loss chart grows
// beside it, and the job can be paused, resumed or stopped. Blend and weight sliders act while
// it runs: stylize reads them at every step.

import {
  lossChartSvg,
  STYLE_LAYERS,
  type StyleOptions,
  type StyleStep,
  stylize,
} from "@sheep/algorithms";
import { decodeImageInBrowser, imageToNCHW, type RgbaImage } from "@sheep/io/browser";
import { type Tensor, tensor } from "@sheep/tensor";
import { deviceInfo } from "../engine/device.ts";
import {
  canvasToRgba,
  downloadCanvas,
  drawNCHW,
  drawRgba,
  drawTensor,
  hostImage,
  resizeRgba,
} from "../image/canvas.ts";
import { ImageInput } from "../image/input.ts";
import { runJob, stopJob } from "../jobs.ts";
import type { Models } from "../models/registry.ts";
import { field, h, numberInput, paramNumber, readNumber, select } from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { ModelPicker, type PageView } from "./controls.ts";

const PAINTINGS: [string, string][] = [
  ["starry_night.jpg", "Van Gogh, The Starry Night"],
  ["the_scream.jpg", "Munch, The Scream"],
  ["shipwreck.jpg", "Turner, The Shipwreck"],
  ["woman-with-hat-matisse.jpg", "Matisse, Woman with a Hat"],
];
const PHOTOS: [string, string][] = [
  ["astronaut.png", "Astronaut (NASA)"],
  ["chelsea.png", "Chelsea the cat"],
];

async function fetchImage(file: string): Promise<RgbaImage> {
  const res = await fetch(`samples/${file}`);
  if (!res.ok) throw new Error(`samples/${file}: HTTP ${res.status}`);
  return decodeImageInBrowser(await res.blob());
}

/** One painting: a sample or the user's file, its thumbnail, and its blend weight. */
class StyleSlot {
  readonly el: HTMLElement;
  readonly weight: HTMLInputElement;
  image: RgbaImage | null = null;
  private readonly thumb = h("canvas", { class: "style-thumb", width: 1, height: 1 });

  constructor(index: number, onWeight: () => void) {
    const pick = select([...PAINTINGS, ["own", "Your own file…"]], PAINTINGS[index][0]);
    const file = h("input", { type: "file", accept: "image/png,image/jpeg", class: "hidden" });
    this.weight = h("input", { type: "range", min: "0", max: "1", step: "0.05", value: "1" });
    this.weight.id = `style-weight-${index}`;
    this.weight.addEventListener("input", onWeight);
    pick.addEventListener("change", () => {
      if (pick.value === "own") file.click();
      else void this.load(fetchImage(pick.value));
    });
    file.addEventListener("change", () => {
      if (file.files?.[0]) void this.load(decodeImageInBrowser(file.files[0]));
    });
    this.el = h(
      "div",
      { class: "style-slot" },
      this.thumb,
      pick,
      file,
      field("Blend", this.weight),
    );
    void this.load(fetchImage(PAINTINGS[index][0]));
  }

  private async load(p: Promise<RgbaImage>) {
    this.image = await p;
    this.thumb.width = this.image.width;
    this.thumb.height = this.image.height;
    drawRgba(this.thumb, this.image);
  }
}

/** A promise that resolves when `resume` is called: the pause button's gate. */
class Gate {
  private wait: Promise<void> | null = null;
  private open: (() => void) | null = null;
  get paused() {
    return this.wait !== null;
  }
  pause() {
    this.wait ??= new Promise((r) => {
      this.open = r;
    });
  }
  resume() {
    this.open?.();
    this.wait = this.open = null;
  }
  pass() {
    return this.wait ?? Promise.resolve();
  }
}

export function stylePage(models: Models): PageView {
  const cpu = deviceInfo().isFallbackAdapter || deviceInfo().adapter === "swiftshader";
  const result = h("canvas", { class: "result", id: "style-result", width: 1, height: 1 });
  const chart = h("div", { class: "loss-chart", id: "style-chart" });
  const input = new ImageInput(deviceInfo, paramNumber("size", cpu ? 64 : 256), () =>
    drawNCHW(result, input.nchw()),
  );
  const photo = select([["", "Generated sample"], ...PHOTOS], "");
  photo.addEventListener("change", async () => {
    if (photo.value) input.set(await fetchImage(photo.value), photo.value);
    else input.useSample();
  });
  const picker = new ModelPicker(models);
  const slots: StyleSlot[] = [];
  const slotBox = h("div", { class: "style-slots" });
  // live: stylize reads these fields at every step
  const live: StyleOptions = {};
  const syncWeights = () => {
    const w = slots.map((s) => readNumber(s.weight, 0));
    live.blend = w.some((v) => v > 0) ? w : undefined;
    live.styleWeight = readNumber(styleWeight, 100);
    live.contentWeight = readNumber(contentWeight, 5);
  };
  const addSlot = () => {
    if (slots.length >= 3) return;
    const s = new StyleSlot(slots.length, syncWeights);
    slots.push(s);
    slotBox.append(s.el);
  };
  addSlot();
  const steps = numberInput(paramNumber("steps", cpu ? 6 : 100), 1, 1000);
  steps.id = "style-steps";
  const side = numberInput(paramNumber("side", cpu ? 64 : 384), 32, 1024, 16);
  const optimizer = select(
    [
      ["adam", "Adam (reacts to the sliders at once)"],
      ["lbfgs", "L-BFGS (neural-style's)"],
    ],
    "adam",
  );
  const colour = select(
    [
      ["none", "Painting's colours"],
      ["luminance", "Photo's colours (luminance only)"],
      ["match", "Photo's colours (match the painting)"],
    ],
    "none",
  );
  const styleWeight = numberInput(100, 0, 1e6, 10);
  const contentWeight = numberInput(5, 0, 1e6, 1);
  for (const x of [styleWeight, contentWeight]) x.addEventListener("input", syncWeights);
  const progress = new ProgressView("step", "style-progress");
  const gate = new Gate();
  const pause = h("button", { type: "button", id: "style-pause", disabled: true }, "Pause");
  pause.addEventListener("click", () => {
    if (gate.paused) gate.resume();
    else gate.pause();
    pause.textContent = gate.paused ? "Resume" : "Pause";
  });
  const download = h(
    "button",
    {
      type: "button",
      id: "style-download",
      disabled: true,
      onclick: () => downloadCanvas(result, "style.png"),
    },
    "Download PNG",
  );

  const run = () =>
    runJob({
      name: "Style transfer",
      progress,
      run: async (signal) => {
        const styles = slots.map((s) => s.image).filter((x): x is RgbaImage => x !== null);
        if (styles.length !== slots.length) throw new Error("a painting is still loading");
        syncWeights();
        progress.start("Style transfer: loading the network…");
        if (picker.value === "caffe") {
          // A user's own net has no measured style layers; the CLI takes them as flags.
          throw new Error(
            "this page knows the style layers of GoogLeNet, VGG and the face network; for your " +
              "own Caffe model use `sheep style --model caffe --content-layer L --style-layers …`",
          );
        }
        const name = picker.value === "vgg" ? (models.vggFile?.arch ?? "vgg16") : picker.value;
        const layers = STYLE_LAYERS[name] ?? STYLE_LAYERS.face;
        const taps = [...(layers.content ? [layers.content] : []), ...Object.keys(layers.style)];
        const model = await models.dreamModel(picker.value, taps);
        const made: Tensor[] = [];
        const toTensor = (img: RgbaImage) => {
          const { data, shape } = imageToNCHW(img);
          const x = tensor(data, { shape });
          made.push(x);
          return x;
        };
        const s = readNumber(side, 256);
        const content = toTensor(fitted(photoRgba(input), s));
        // paintings are resized to the output's scale by stylize; a big one is shrunk first
        const styleTensors = styles.map((x) => toTensor(fitted(x, 2 * s)));
        const record: StyleStep[] = [];
        pause.disabled = false;
        try {
          const out = await stylize(
            model,
            content,
            styleTensors,
            Object.assign(live, {
              steps: readNumber(steps, 6),
              optimizer: optimizer.value as "adam" | "lbfgs",
              preserveColour: colour.value as "none" | "luminance" | "match",
              previewEvery: 2,
            }),
            async (p) => {
              record.push(p);
              progress.update(
                p.done,
                p.totalSteps,
                `step ${p.step} · loss ${p.total.toPrecision(4)}`,
              );
              if (p.preview) await drawTensor(result, p.preview);
              if (p.done % 2 === 0 || p.done === p.totalSteps)
                chart.innerHTML = lossChartSvg(record);
              await gate.pass();
            },
            signal,
          );
          drawNCHW(result, await hostImage(out.image));
          chart.innerHTML = lossChartSvg(out.record);
          out.image.dispose();
          download.disabled = false;
          return `${content.shape[3]}×${content.shape[2]}, ${out.record.length} steps, ${model.name}`;
        } finally {
          gate.resume();
          pause.disabled = true;
          pause.textContent = "Pause";
          for (const x of made) x.dispose();
        }
      },
    });

  const controls = h(
    "div",
    { class: "controls" },
    h("h3", null, "Photo"),
    field("Sample photo", photo),
    input.el,
    h("h3", null, "Paintings"),
    slotBox,
    h("button", { type: "button", onclick: addSlot }, "Add a painting"),
    h("h3", null, "How"),
    field("Network", picker.el),
    h(
      "div",
      { class: "grid2" },
      field("Steps", steps),
      field("Longer side (px)", side),
      field("Style weight", styleWeight),
      field("Content weight", contentWeight),
    ),
    field("Optimiser", optimizer),
    field("Colours", colour),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "style-run",
          dataset: { run: "style" },
          onclick: run,
        },
        "Stylise",
      ),
      pause,
      h(
        "button",
        {
          type: "button",
          id: "style-stop",
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
  const el = h(
    "section",
    { class: "page style-page" },
    h(
      "div",
      { class: "split" },
      controls,
      h(
        "div",
        { class: "output" },
        result,
        h("p", { class: "caption" }, "Drawn every two steps; the chart shows each loss term."),
        chart,
      ),
    ),
  );
  drawNCHW(result, input.nchw());
  const traceNow = async () => {
    throw new Error("tracing a style-transfer step is not offered yet: trace a dream instead");
  };
  return { el, traceNow };
}

/** The photo as RGBA (drawn from its NCHW form). */
function photoRgba(input: ImageInput): RgbaImage {
  const canvas = document.createElement("canvas");
  drawNCHW(canvas, input.nchw());
  return canvasToRgba(canvas);
}

/** An image at most `side` px on its longer side (never enlarged). */
function fitted(img: RgbaImage, side: number): RgbaImage {
  const s = Math.min(1, side / Math.max(img.width, img.height));
  if (s === 1) return img;
  return resizeRgba(img, Math.round(img.width * s), Math.round(img.height * s));
}
