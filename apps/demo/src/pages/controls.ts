// Form controls both pages share: the model picker (GoogLeNet by default; VGG16 and the user's
// own Caffe model appear once their files are open) and the
// weighted layer list a dream maximises ("layer3.2 × 1, layer2.3 × 0.5").

import type { TraceResult } from "../engine/trace.ts";
import type { ModelId, Models } from "../models/registry.ts";
import { h, params, replace, select } from "../ui/dom.ts";

const MODEL_IDS: readonly ModelId[] = ["googlenet", "squeezenet", "face", "vgg", "caffe"];

/** A page: its element, and how to trace one step of what it would run now. */
export interface PageView {
  el: HTMLElement;
  traceNow: () => Promise<TraceResult>;
}

export class ModelPicker {
  readonly el: HTMLSelectElement;
  private readonly listeners: (() => void)[] = [];
  /** What the user (or ?model=…) asked for: VGG16 is picked as soon as it is open. */
  private wanted: string = MODEL_IDS.includes(params.get("model") as ModelId)
    ? (params.get("model") as string)
    : "googlenet";

  constructor(private readonly models: Models) {
    this.el = select([]);
    this.el.addEventListener("change", () => {
      this.wanted = this.el.value;
      this.changed();
    });
    models.onChange(() => this.render());
    this.render();
  }

  get value(): ModelId {
    const v = this.el.value as ModelId;
    return MODEL_IDS.includes(v) && this.models.available(v) ? v : "googlenet";
  }

  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  /** Feature-map taps of the picked model. */
  taps(): string[] {
    return this.models.featureTaps(this.value);
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }

  /** The VGG file the options were built for (status changes alone do not rebuild them). */
  private shown: Models["vggFile"] | undefined = undefined;
  private shownCaffe: Models["userCaffe"] | undefined = undefined;

  private render(): void {
    const vgg = this.models.vggFile;
    const caffe = this.models.userCaffe;
    if (vgg === this.shown && caffe === this.shownCaffe) return;
    this.shown = vgg;
    this.shownCaffe = caffe;
    const before = this.el.value;
    replace(
      this.el,
      h("option", { value: "googlenet" }, "GoogLeNet (ImageNet, DeepDream's network, built in)"),
      h("option", { value: "squeezenet" }, "SqueezeNet v1.1 (ImageNet, small, built in)"),
      h("option", { value: "face" }, "Face network (dlib ResNet, built in)"),
      h(
        "option",
        { value: "vgg", disabled: !vgg },
        vgg
          ? `${vgg.arch.toUpperCase()} (ImageNet)`
          : "VGG16 — open or download it on the Models page",
      ),
      h(
        "option",
        { value: "caffe", disabled: !caffe },
        caffe
          ? `${caffe.name} (your Caffe model)`
          : "Your Caffe model — open it on the Models page",
      ),
    );
    const missing = (this.wanted === "vgg" && !vgg) || (this.wanted === "caffe" && !caffe);
    this.el.value = missing ? "googlenet" : this.wanted;
    if (this.el.value !== before) this.changed();
  }
}

/** A list of (layer, weight) rows with add and remove. */
export class LayerList {
  readonly el: HTMLElement;
  private readonly rows: HTMLElement;

  constructor(
    private readonly taps: () => string[],
    private readonly defaults: () => [string, number][],
  ) {
    this.rows = h("div", { class: "layer-rows" });
    this.el = h(
      "div",
      { class: "layers" },
      this.rows,
      h(
        "button",
        { type: "button", class: "link", onclick: () => this.add(this.taps().at(-1)!, 1) },
        "+ add a layer",
      ),
    );
    this.reset();
  }

  /** Back to the model's default layers (after a model change). */
  reset(): void {
    this.rows.replaceChildren();
    for (const [tap, w] of this.defaults()) this.add(tap, w);
  }

  add(tap: string, weight: number): void {
    const taps = this.taps();
    const pick = select(
      taps.map((t) => [t, t]),
      taps.includes(tap) ? tap : taps[0],
    );
    pick.setAttribute("aria-label", "layer to amplify");
    const w = h("input", {
      type: "number",
      value: String(weight),
      step: 0.1,
      class: "weight",
      title: "weight",
      "aria-label": "weight of this layer",
    });
    const row: HTMLElement = h(
      "div",
      { class: "layer-row" },
      pick,
      h("span", { class: "times" }, "×"),
      w,
      h(
        "button",
        {
          type: "button",
          class: "link",
          title: "remove",
          "aria-label": "remove this layer",
          onclick: () => this.rows.children.length > 1 && row.remove(),
        },
        "✕",
      ),
    );
    this.rows.append(row);
  }

  /** The rows as tap → weight (rows with weight 0 are left out). */
  value(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.rows.children) {
      const tap = row.querySelector("select")!.value;
      const w = Number(row.querySelector("input")!.value);
      if (Number.isFinite(w) && w !== 0) out[tap] = (out[tap] ?? 0) + w;
    }
    return out;
  }
}
