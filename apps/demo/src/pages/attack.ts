// The attacks & attribution page: a photo and what an ImageNet network (GoogLeNet, or SqueezeNet)
// says it is; a brush that greys out what you paint, with the top-5 scored again as you paint
// (BrushOcclusion: one forward per animation frame for all strokes since the last); an ε slider
// that makes an adversarial copy and shows it, its amplified perturbation and its new top-5;
// heatmaps of where the network looks, and Fashion-MNIST accuracy against ε (attack-explain.ts).

import {
  ATTACK_METHODS,
  type AttackMethod,
  attackAsync,
  BrushOcclusion,
  classIndex,
  type DreamModel,
  topClasses,
} from "@sheep/algorithms";
import { imageToNCHW, type NCHW } from "@sheep/io/browser";
import { tensor } from "@sheep/tensor";
import { deviceInfo } from "../engine/device.ts";
import { canvasToRgba, drawNCHW, hostImage, resizeRgba } from "../image/canvas.ts";
import { ImageInput } from "../image/input.ts";
import { jobRunning, runJob, stopJob } from "../jobs.ts";
import type { Models } from "../models/registry.ts";
import { describe } from "../ui/banner.ts";
import {
  checkedNumber,
  FormError,
  field,
  h,
  numberInput,
  paramNumber,
  params,
  select,
} from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { explainSection, sweepSection } from "./attack-explain.ts";
import { drawPerturbation, showTop } from "./attack-parts.ts";

type NetId = "googlenet" | "squeezenet";

export function attackPage(models: Models): HTMLElement {
  const cpu = deviceInfo().isFallbackAdapter || deviceInfo().adapter === "swiftshader";
  // GoogLeNet's classifier needs 224² (its pool5 is a fixed 7×7 window); SqueezeNet pools
  // globally, so a CPU adapter (or a test) can ask for less with ?side=.
  const side = paramNumber("side", 224);
  const net = select(
    [
      ["googlenet", "GoogLeNet (ImageNet)"],
      ["squeezenet", "SqueezeNet v1.1 (ImageNet, faster)"],
    ],
    params.get("model") === "squeezenet" ? "squeezenet" : "googlenet",
  );
  net.id = "attack-net";
  const model = (): Promise<DreamModel> => models.dreamModel(net.value as NetId, []);

  // --- the photo, painted over ---
  const paint = h("canvas", {
    class: "result paint",
    id: "attack-paint",
    width: side,
    height: side,
    role: "img",
    "aria-label": "The photo: paint over it to grey out what you paint",
  });
  const top = h("ol", { class: "top5", id: "attack-top5", "aria-live": "polite" });
  const liveNote = h("p", { class: "muted small", id: "attack-live", role: "status" });
  let clean: NCHW = { shape: [1, 3, side, side], data: new Float32Array(3 * side * side) };
  let brush: BrushOcclusion | null = null;
  // every photo is resized to the network's side here: no size advice
  const input = new ImageInput(deviceInfo, side, () => setPhoto(), false);

  function setPhoto(): void {
    const rgba = resizeRgba(canvasToRgba(input.canvas), side, side);
    clean = imageToNCHW(rgba);
    brush = new BrushOcclusion(clean.data, 3, side, side);
    drawNCHW(paint, clean);
    schedule();
  }

  // One forward per animation frame at most, and none while one is still running: strokes that
  // arrive meanwhile wait in the brush's mask and are scored together by the next one.
  let frame = 0;
  let scoring = false;
  let again = false;
  function schedule(): void {
    if (scoring) again = true;
    else if (!frame) frame = requestAnimationFrame(() => void flush());
  }
  async function flush(): Promise<void> {
    frame = 0;
    const b = brush;
    if (!b?.dirty || paint.closest("[hidden]")) return;
    scoring = true;
    try {
      const s = await b.score(await model());
      if (b !== brush) return;
      showTop(top, s.top);
      const painted = b.mask.reduce((a, v) => a + v, 0) / b.mask.length;
      liveNote.textContent =
        `${(100 * painted).toFixed(0)} % painted · the clean top class now at ` +
        `${(100 * s.cleanTopProbability).toFixed(1)} % · ${s.strokes} stroke(s) in this forward`;
    } catch (e) {
      liveNote.textContent = `Could not score the photo: ${describe(e)}`;
    } finally {
      scoring = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  const radius = h("input", {
    type: "range",
    id: "attack-brush",
    min: "1",
    max: String(Math.max(2, Math.round(side / 4))),
    value: String(Math.max(1, Math.round(side / 16))),
  });
  const stroke = (e: PointerEvent) => {
    const r = paint.getBoundingClientRect();
    const x = ((e.clientX - r.left) * side) / r.width;
    const y = ((e.clientY - r.top) * side) / r.height;
    if (brush?.paint(x, y, Number(radius.value))) {
      drawNCHW(paint, { shape: clean.shape, data: brush.painted() });
      schedule();
    }
  };
  paint.addEventListener("pointerdown", (e) => {
    paint.setPointerCapture(e.pointerId);
    stroke(e);
  });
  paint.addEventListener("pointermove", (e) => {
    if (paint.hasPointerCapture(e.pointerId)) stroke(e);
  });
  const occludeCentre = () => {
    if (!brush?.paint(side / 2, side / 2, Number(radius.value))) return;
    drawNCHW(paint, { shape: clean.shape, data: brush.painted() });
    schedule();
  };
  const clearPaint = () => {
    brush?.clear();
    drawNCHW(paint, clean);
    schedule();
  };
  net.addEventListener("change", () => {
    if (brush) brush = new BrushOcclusion(clean.data, 3, side, side);
    schedule();
  });
  // the page scores its photo when it is first shown (the network loads then, not at startup)
  window.addEventListener("hashchange", () => {
    if (location.hash === "#attack") schedule();
  });

  // --- the attack ---
  const method = select(
    ATTACK_METHODS.map((m): [string, string] => [m, m.toUpperCase()]),
    params.get("method") ?? "fgsm",
  );
  method.id = "attack-method";
  const eps = h("input", {
    type: "range",
    id: "attack-eps",
    min: "0",
    max: "0.1",
    step: "0.001",
    value: String(paramNumber("eps", 0.01)),
  });
  const epsText = h("output", { id: "attack-eps-value", for: "attack-eps" });
  const showEps = () => {
    epsText.textContent = `${Number(eps.value).toFixed(3)} (${(255 * Number(eps.value)).toFixed(1)}/255)`;
  };
  showEps();
  eps.addEventListener("input", showEps);
  const steps = numberInput(paramNumber("steps", 10), 1, 200);
  steps.id = "attack-steps";
  const target = h("input", {
    type: "text",
    id: "attack-target",
    placeholder: "e.g. toaster or 859; empty: any wrong class",
  });
  const adv = h("canvas", { class: "result", id: "attack-adv", width: side, height: side });
  const diff = h("canvas", { class: "result", id: "attack-diff", width: side, height: side });
  const advTop = h("ol", { class: "top5", id: "attack-adv-top5" });
  const progress = new ProgressView("step", "attack-progress");
  const runAttack = () =>
    runJob({
      name: "Attack",
      progress,
      run: async (signal) => {
        const e = checkedNumber(eps, "ε");
        const m = method.value as AttackMethod;
        const n = m === "fgsm" ? 1 : checkedNumber(steps, "Steps");
        const classifier = await model();
        let goal: number | undefined;
        try {
          goal = target.value.trim() ? classIndex(classifier, target.value) : undefined;
        } catch (err) {
          throw new FormError(`Target class: ${(err as Error).message}`);
        }
        const x = tensor(clean.data, { shape: [...clean.shape] });
        const lossName = goal === undefined ? "loss of the true class" : "loss of the target";
        // step by step: the bar moves as each step finishes, and Stop keeps the last one
        const out = await attackAsync(classifier, x, m, {
          eps: e,
          steps: n,
          target: goal,
          seed: 0,
          signal,
          onProgress: (p) => progress.update(p.step, p.steps, `${lossName} ${p.loss.toFixed(3)}`),
        }).catch((err) => {
          x.dispose();
          throw err;
        });
        try {
          const image = await hostImage(out);
          drawNCHW(adv, image);
          const biggest = drawPerturbation(diff, clean, image);
          const ranked = await topClasses(classifier, out);
          showTop(advTop, ranked);
          if (!signal.aborted) progress.update(n, n);
          return `${m.toUpperCase()} ε = ${e}, max |δ| = ${biggest.toFixed(4)} → ${ranked[0].label.split(",")[0]}`;
        } finally {
          x.dispose();
          out.dispose();
        }
      },
    });
  // the slider attacks again where it is let go (not at every pixel of the drag)
  eps.addEventListener("change", () => {
    if (!jobRunning()) void runAttack();
  });

  const figure = (canvas: HTMLElement, caption: string, extra?: HTMLElement) =>
    h("figure", null, canvas, h("figcaption", null, caption), extra);
  const el = h(
    "section",
    { class: "page attack-page" },
    h(
      "div",
      { class: "split" },
      h(
        "div",
        { class: "controls" },
        h("h3", null, "Photo"),
        input.el,
        field("Network", net),
        h("h3", null, "Brush occlusion"),
        field("Brush radius (px)", radius),
        h(
          "div",
          { class: "row" },
          h(
            "button",
            { type: "button", id: "attack-occlude", onclick: occludeCentre },
            "Occlude centre",
          ),
          h("button", { type: "button", id: "attack-clear", onclick: clearPaint }, "Clear paint"),
        ),
        h("h3", null, "Adversarial attack"),
        field("Method", method),
        field("ε (pixels in 0…1)", eps, undefined),
        epsText,
        h(
          "div",
          { class: "grid2" },
          field("Steps (BIM, PGD)", steps),
          field("Target class (optional)", target),
        ),
        h(
          "div",
          { class: "row" },
          h(
            "button",
            {
              type: "button",
              class: "primary",
              id: "attack-run",
              dataset: { run: "attack" },
              onclick: runAttack,
            },
            "Attack",
          ),
          h(
            "button",
            {
              type: "button",
              id: "attack-stop",
              disabled: true,
              dataset: { stop: "" },
              onclick: stopJob,
            },
            "Stop",
          ),
        ),
        progress.el,
      ),
      h(
        "div",
        { class: "output attack-output" },
        h(
          "div",
          { class: "attack-row" },
          figure(paint, "Paint over the photo (pointer), or use Occlude centre", top),
          figure(adv, "Adversarial image", advTop),
          figure(diff, "Perturbation, amplified to fill 0…1 around grey"),
        ),
        liveNote,
      ),
    ),
    explainSection({
      modelId: () => net.value,
      model,
      image: () => clean,
      cpu,
    }),
    sweepSection(),
  );
  void input.useSamplePhoto();
  return el;
}
