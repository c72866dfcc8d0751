// Feature visualisation: what makes one channel of a layer fire, found by optimising an image
// from noise. "naive" is plain gradient ascent on pixels; "robust" adds the Fourier basis,
// decorrelated colour and random transformations (Distill, 2017). The ablation strip adds those
// tricks one at a time; the channel grid shows many channels of the layer side by side.

import {
  ablation,
  channelGrid,
  type GridProgress,
  parseChannels,
  type VizProgress,
  type VizRecipe,
  visualize,
} from "@sheep/algorithms";
import type { NCHW } from "@sheep/io/browser";
import type { Tensor } from "@sheep/tensor";
import { traceStep } from "../engine/trace.ts";
import { downloadCanvas, drawNCHW, drawTensor, hostImage } from "../image/canvas.ts";
import { runJob, stopJob } from "../jobs.ts";
import { DEFAULT_VIZ_LAYER, type Models } from "../models/registry.ts";
import {
  checkedNumber,
  FormError,
  field,
  h,
  numberInput,
  paramNumber,
  params,
  readNumber,
  replace,
  select,
} from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { ModelPicker, type PageView } from "./controls.ts";
import { noise, panel, vizDefaults } from "./viz-parts.ts";

export function featurevizPage(models: Models): PageView {
  const d = vizDefaults();
  const picker = new ModelPicker(models);
  const layer = select([]);
  const channel = numberInput(paramNumber("channel", 0), 0, 4095);
  channel.id = "viz-channel";
  const channelNote = h("small", null);
  const recipe = select(
    [
      ["robust", "robust (Fourier, colour, transforms)"],
      ["naive", "naive (ascent on pixels)"],
    ],
    params.get("recipe") ?? "robust",
  );
  const size = numberInput(d.size, 16, 512, 16);
  const steps = numberInput(d.robustSteps, 1, 4096);
  steps.id = "viz-steps";
  const seed = numberInput(0, 0, 1e9);
  const channels = h("input", { type: "text", value: d.channels });
  const batch = numberInput(8, 1, 64);
  recipe.addEventListener("change", () => {
    steps.value = String(recipe.value === "naive" ? d.naiveSteps : d.robustSteps);
  });
  if (recipe.value === "naive") steps.value = String(d.naiveSteps);

  /** Refill the layer list for the model, and say how many channels the layer has. */
  const syncLayers = () => {
    const taps = picker.taps();
    const keep = layer.value;
    const want = params.get("layer") ?? DEFAULT_VIZ_LAYER[picker.value];
    replace(layer, ...taps.map((t) => h("option", { value: t }, t)));
    layer.value = taps.includes(keep) ? keep : taps.includes(want) ? want : taps[0];
    void syncChannels();
  };
  const syncChannels = async () => {
    channelNote.textContent = "";
    try {
      // the range is said, not enforced by the input: a channel past it gets a message naming
      // the layer when a job starts (the browser would only clamp or ignore it)
      const c = await models.channels(picker.value, layer.value);
      channelNote.textContent = `0 – ${c - 1}`;
    } catch {
      channelNote.textContent = "(loads with the network)";
    }
  };
  picker.onChange(syncLayers);
  layer.addEventListener("change", () => void syncChannels());
  syncLayers();

  // Read when a job starts: a value out of range stops it with a message, never a clamp.
  const settings = () => ({
    recipe: recipe.value as VizRecipe,
    size: checkedNumber(size, "Size"),
    steps: checkedNumber(steps, "Steps"),
    seed: checkedNumber(seed, "Seed"),
    previewEvery: 1,
  });
  /** The channels asked for, each within the layer's (or a message naming its range). */
  const checkedChannels = async (list: number[], label: string, input: HTMLInputElement) => {
    const count = await models.channels(picker.value, layer.value);
    const bad = list.filter((c) => c >= count);
    if (bad.length === 0) {
      input.removeAttribute("aria-invalid");
      return list;
    }
    input.setAttribute("aria-invalid", "true");
    const which = bad.length === 1 ? `${bad[0]} is` : `${bad[0]}–${bad.at(-1)} are`;
    throw new FormError(
      `${label}: layer ${layer.value} has ${count} channels, 0–${count - 1}; ${which} out of range`,
    );
  };
  const oneChannel = async () => {
    const c = checkedNumber(channel, "Channel");
    return (await checkedChannels([c], `Channel ${c}`, channel))[0];
  };
  const one = panel("viz-result", "Channel");
  const strip = panel("ablation-result", "Ablation: one trick at a time");
  const grid = panel("grid-result", "Channel grid");
  const progress = new ProgressView("step", "viz-progress");
  let lastImage: NCHW | null = null;
  let lastCanvas = one.canvas;

  /** Load the model for the layer, then run `body`; afterwards trace one step of the objective. */
  const job = (
    name: string,
    target: ReturnType<typeof panel>,
    body: (
      model: Awaited<ReturnType<Models["dreamModel"]>>,
      signal: AbortSignal,
    ) => Promise<string>,
  ) =>
    runJob({
      name,
      progress,
      run: async (signal) => {
        settings(); // every number field checked before anything loads
        progress.start(`${name}: loading the network…`);
        const model = await models.dreamModel(picker.value, [layer.value]);
        progress.start(`${name}: preparing…`);
        target.show();
        lastCanvas = target.canvas;
        const summary = await body(model, signal);
        target.caption.textContent = summary;
        download.disabled = false;
        return summary;
      },
      trace: async () => {
        const model = await models.dreamModel(picker.value, [layer.value]);
        const objective = {
          kind: "channel" as const,
          layer: layer.value,
          channel: readNumber(channel, 0),
        };
        const image = lastImage ?? noise(settings().size);
        await traceStep({
          model,
          objective,
          image,
          maxSide: 128,
          what: `one dream step on the visualisation · ${model.name} · ${layer.value}:${objective.channel}`,
        });
      },
    });
  const onViz = (p: VizProgress) =>
    progress.update(p.step, p.steps, `objective ${p.objective.toPrecision(4)}`);
  const onGrid = (p: GridProgress) =>
    progress.update(
      p.done,
      p.total,
      `${p.batches > 1 ? `part ${p.batch + 1}/${p.batches} · ` : ""}` +
        `objective ${p.objective.toPrecision(4)}`,
    );
  const show = async (canvas: HTMLCanvasElement, t: Tensor) => {
    lastImage = await hostImage(t);
    drawNCHW(canvas, lastImage);
  };

  const runOne = () =>
    job("Visualise", one, async (model, signal) => {
      const s = settings();
      const c = await oneChannel();
      const out = await visualize(
        model,
        { kind: "channel", layer: layer.value, channel: c },
        s,
        async (p) => {
          onViz(p);
          if (p.preview) await drawTensor(one.canvas, p.preview);
        },
        signal,
      );
      await show(one.canvas, out);
      out.dispose();
      const how = `${s.recipe}, ${s.size} px, ${s.steps} steps`;
      return `${model.name} ${layer.value} channel ${c}, ${how}`;
    });
  const runAblation = () =>
    job("Ablation strip", strip, async (model, signal) => {
      const s = settings();
      const c = await oneChannel();
      const out = await ablation(
        model,
        { kind: "channel", layer: layer.value, channel: c },
        { ...s, recipe: "robust" },
        async (p) => {
          onGrid(p);
          if (p.preview) await drawTensor(strip.canvas, p.preview);
        },
        signal,
      );
      await show(strip.canvas, out.image);
      out.image.dispose();
      const how = `${out.cells.length} stages × ${s.steps} steps`;
      return `${model.name} ${layer.value} channel ${c}: ${how}`;
    });
  const runGrid = () =>
    job("Channel grid", grid, async (model, signal) => {
      const s = settings();
      let list: number[];
      try {
        list = parseChannels(channels.value);
      } catch (e) {
        channels.setAttribute("aria-invalid", "true");
        throw new FormError(`Grid channels: ${(e as Error).message}`);
      }
      list = await checkedChannels(list, `Grid channels ${channels.value}`, channels);
      const out = await channelGrid(
        model,
        layer.value,
        list,
        { ...s, batch: checkedNumber(batch, "Grid batch") },
        async (p) => {
          onGrid(p);
          if (p.preview) await drawTensor(grid.canvas, p.preview);
        },
        signal,
      );
      await show(grid.canvas, out.image);
      out.image.dispose();
      const which = `channels ${channels.value} (${list.length})`;
      return `${model.name} ${layer.value}, ${which}, ${s.recipe}, ${s.steps} steps`;
    });

  // Nothing to save until a job has drawn something (was: a 1×1 PNG).
  const download = h(
    "button",
    {
      type: "button",
      id: "viz-download",
      disabled: true,
      title: "available once a picture is made",
      onclick: () => downloadCanvas(lastCanvas, "features.png"),
    },
    "Download PNG",
  );
  const button = (id: string, text: string, onclick: () => unknown, primary = false) =>
    h(
      "button",
      { type: "button", id, class: primary ? "primary" : undefined, dataset: { run: id }, onclick },
      text,
    );
  const controls = h(
    "div",
    { class: "controls" },
    h("h3", null, "Which unit"),
    field("Network", picker.el),
    field("Layer", layer),
    h("label", { class: "field" }, h("span", null, "Channel"), channel, channelNote),
    h("h3", null, "How"),
    field("Recipe", recipe),
    h(
      "div",
      { class: "grid2" },
      field("Size (px)", size),
      field("Steps", steps, "robust: under 128, mostly noise"),
      field("Seed", seed),
      field("Grid batch", batch),
    ),
    field("Grid channels", channels, "e.g. 0-15 or 3,7,12"),
    h(
      "div",
      { class: "row" },
      button("viz-run", "Visualise channel", runOne, true),
      button("ablation-run", "Ablation strip", runAblation),
      button("grid-run", "Channel grid", runGrid),
    ),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        { type: "button", id: "viz-stop", disabled: true, dataset: { stop: "" }, onclick: stopJob },
        "Stop",
      ),
      download,
    ),
    progress.el,
  );
  const el = h(
    "section",
    { class: "page viz-page" },
    h(
      "div",
      { class: "split" },
      controls,
      h("div", { class: "output" }, one.el, strip.el, grid.el),
    ),
  );

  const traceNow = async () => {
    const model = await models.dreamModel(picker.value, [layer.value]);
    const objective = {
      kind: "channel" as const,
      layer: layer.value,
      channel: readNumber(channel, 0),
    };
    return traceStep({
      model,
      objective,
      image: lastImage ?? noise(settings().size),
      maxSide: 128,
      what: `one dream step on the visualisation · ${model.name} · ${layer.value}:${objective.channel}`,
    });
  };
  return { el, traceNow };
}
