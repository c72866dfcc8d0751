// The DCGAN page: the shipped generators' samples (re-roll the seed), a latent walk that renders
// as the slider moves (lerp or slerp between two seeds' codes), vector arithmetic as a picture
// equation of averaged exemplars (the concept the CLI uses: stroke weight), live training on
// WebGPU from the app's own data batch (./dcgan-train.ts), and a small-sample FID of what is
// on screen. Every computation is @sheep/algorithms' (gan/dcgan); this file draws.

import {
  arithmetic,
  codeOf,
  generate,
  inkExemplars,
  type LoadedGenerator,
  lerp,
  meanCode,
  PIXELS,
  sampleImages,
  slerp,
} from "@sheep/algorithms";
import { field, h, numberInput, paramNumber, params, readNumber, select } from "../ui/dom.ts";
import type { DcganData } from "./dcgan-data.ts";
import { drawGrid, fidControl, gridCanvas, shippedGenerator } from "./dcgan-shared.ts";
import { trainingSection } from "./dcgan-train.ts";

/** Runs `fn`, writing its error (one line) into `out`; one at a time per section. */
function guarded(out: HTMLElement) {
  let busy: Promise<void> = Promise.resolve();
  return (fn: () => Promise<void>) => {
    busy = busy.then(fn).catch((e) => {
      out.textContent = `Failed: ${(e as Error).message}`;
      out.classList.add("failed");
    });
    return busy;
  };
}

function samplesSection(data: () => DcganData) {
  const seed = numberInput(paramNumber("dcganseed", 1), 0, 2 ** 31 - 1);
  seed.id = "dcgan-seed";
  const count = select(
    [
      ["16", "16"],
      ["36", "36"],
      ["64", "64"],
    ],
    String(paramNumber("dcgann", 36)),
  );
  const canvas = gridCanvas("dcgan-samples", "samples from the shipped generator");
  const status = h("p", { id: "dcgan-samples-status", class: "caption", role: "status" });
  const run = guarded(status);
  let shown: Float32Array | null = null;
  const draw = () =>
    run(async () => {
      const { g } = await shippedGenerator(data());
      const n = Number(count.value);
      shown = await sampleImages(g, n, readNumber(seed, 1));
      drawGrid(canvas, shown, Math.sqrt(n), 2);
      status.classList.remove("failed");
      status.textContent = `${n} samples of the shipped ${data()} generator, seed ${seed.value}`;
    });
  const reroll = h("button", { id: "dcgan-reroll", type: "button" }, "Re-roll seed");
  reroll.addEventListener("click", () => {
    seed.value = String(readNumber(seed, 1) + 1);
    void draw();
  });
  seed.addEventListener("change", () => void draw());
  count.addEventListener("change", () => void draw());
  const el = h(
    "section",
    { class: "dcgan-section", "aria-labelledby": "dcgan-samples-h" },
    h("h3", { id: "dcgan-samples-h" }, "Samples from the shipped generator"),
    h("div", { class: "row" }, field("seed", seed), field("samples", count), reroll),
    canvas,
    status,
    fidControl("dcgan-fid", data, () => shown),
  );
  return { el, draw };
}

function walkSection(data: () => DcganData) {
  const from = numberInput(paramNumber("dcganfrom", 3), 0, 2 ** 31 - 1);
  const to = numberInput(paramNumber("dcganto", 11), 0, 2 ** 31 - 1);
  const how = select([
    ["slerp", "slerp (great circle)"],
    ["lerp", "lerp (straight line)"],
  ]);
  const t = h("input", { type: "range", id: "dcgan-t", min: 0, max: 1, step: 0.01, value: "0" });
  const tText = h("output", { id: "dcgan-t-value" }, "0.00");
  const frame = gridCanvas("dcgan-walk", "the generator's image at t along the walk");
  const strip = gridCanvas("dcgan-walk-strip", "nine frames of the walk, t = 0 to 1");
  const status = h("p", { id: "dcgan-walk-status", class: "caption", role: "status" });
  const run = guarded(status);
  let codes: { a: Float32Array; b: Float32Array; g: LoadedGenerator["g"] } | null = null;
  let pending = false;
  const interpolate = (s: number) =>
    how.value === "lerp" ? lerp(codes!.a, codes!.b, s) : slerp(codes!.a, codes!.b, s);
  // Slider moves arrive faster than frames render: draw the latest t, skip the ones between.
  const drawFrame = () => {
    if (pending) return;
    pending = true;
    void run(async () => {
      pending = false;
      if (!codes) return;
      const s = Number(t.value);
      drawGrid(frame, await generate(codes.g, [interpolate(s)]), 1, 8);
      tText.textContent = s.toFixed(2); // after the frame: tests wait for it
    });
  };
  const reset = () =>
    run(async () => {
      const { g } = await shippedGenerator(data());
      const [a, b] = [readNumber(from, 3), readNumber(to, 11)];
      codes = { a: await codeOf(a, g.shape.zDim), b: await codeOf(b, g.shape.zDim), g };
      const frames = Array.from({ length: 9 }, (_, i) => interpolate(i / 8));
      drawGrid(strip, await generate(g, frames), 9, 2);
      status.classList.remove("failed");
      status.textContent = `${how.value} from seed ${a} to seed ${b}`;
      drawFrame();
    });
  for (const c of [from, to, how]) c.addEventListener("change", () => void reset());
  t.addEventListener("input", drawFrame);
  const el = h(
    "section",
    { class: "dcgan-section", "aria-labelledby": "dcgan-walk-h" },
    h("h3", { id: "dcgan-walk-h" }, "Latent walk"),
    h(
      "div",
      { class: "row" },
      field("from seed", from),
      field("to seed", to),
      field("interpolation", how),
      field("t", h("span", { class: "range" }, t, tText)),
    ),
    h("div", { class: "row dcgan-walk" }, frame, strip),
    status,
  );
  return { el, draw: reset };
}

/** One term of the equation: three exemplars and the image of their mean code. */
function term(id: string, label: string) {
  const canvas = gridCanvas(id, label);
  return { canvas, el: h("figure", null, canvas, h("figcaption", null, label)) };
}

function arithmeticSection(data: () => DcganData) {
  const a = term("dcgan-eq-a", "bold: 3 exemplars → mean");
  const b = term("dcgan-eq-b", "thin: 3 exemplars → mean");
  const c = term("dcgan-eq-c", "ordinary: 3 exemplars → mean");
  const result = term("dcgan-eq-result", "result");
  const status = h("p", { id: "dcgan-eq-status", class: "caption", role: "status" });
  const run = guarded(status);
  const draw = () =>
    run(async () => {
      const { g } = await shippedGenerator(data());
      const seeds = await inkExemplars(g);
      const groups = [seeds.a, seeds.b, seeds.c];
      const codes = await Promise.all(
        groups.map((list) => Promise.all(list.map((s) => codeOf(s, g.shape.zDim)))),
      );
      const means = codes.map((c) => meanCode(c));
      const sum = arithmetic(codes[0], codes[1], codes[2]);
      const images = await generate(g, [...codes.flat(), ...means, sum]);
      const pick = (i: number) => images.subarray(i * PIXELS, (i + 1) * PIXELS);
      [a, b, c].forEach((t, k) => {
        const row = new Float32Array(4 * PIXELS);
        for (let j = 0; j < 3; j++) row.set(pick(3 * k + j), j * PIXELS);
        row.set(pick(9 + k), 3 * PIXELS);
        drawGrid(t.canvas, row, 4, 2);
      });
      drawGrid(result.canvas, pick(12), 1, 4);
      status.classList.remove("failed");
      status.textContent =
        `mean(bold) − mean(thin) + mean(ordinary), seeds ${groups.map((s) => s.join(",")).join(" · ")}` +
        ": the exemplars are the boldest, thinnest and middle samples by ink of seeds 0–255.";
    });
  const el = h(
    "section",
    { class: "dcgan-section", "aria-labelledby": "dcgan-eq-h" },
    h("h3", { id: "dcgan-eq-h" }, "Vector arithmetic"),
    h(
      "p",
      null,
      "Radford et al. averaged three exemplars per concept, since one sample's code is noisy. " +
        "The concept these small generators separate most plainly is stroke weight.",
    ),
    h(
      "div",
      { class: "dcgan-equation" },
      a.el,
      h("span", { "aria-hidden": "true" }, "−"),
      b.el,
      h("span", { "aria-hidden": "true" }, "+"),
      c.el,
      h("span", { "aria-hidden": "true" }, "="),
      result.el,
    ),
    status,
  );
  return { el, draw };
}

export function dcganPage(): HTMLElement {
  const dataSelect = select(
    [
      ["mnist", "MNIST digits"],
      ["fashion-mnist", "Fashion-MNIST"],
    ],
    params.get("dcgandata") ?? "mnist",
  );
  dataSelect.id = "dcgan-data";
  const data = () => dataSelect.value as DcganData;
  const samples = samplesSection(data);
  const walk = walkSection(data);
  const eq = arithmeticSection(data);
  const train = trainingSection(data);
  // Draw the shipped generator's sections when the page is first shown, and on a data change.
  let drawn = false;
  const drawAll = () => {
    drawn = true;
    void samples.draw().then(walk.draw).then(eq.draw);
  };
  dataSelect.addEventListener("change", () => {
    drawAll();
    train.dataChanged();
  });
  const el = h(
    "div",
    { class: "page dcgan-page", id: "dcgan-page" },
    h(
      "section",
      { class: "controls" },
      h("h2", null, "DCGAN: generate, walk, add and train"),
      h(
        "p",
        null,
        "Radford et al.'s DCGAN at 28×28, on this engine. The shipped generators trained for " +
          "270 steps on a CPU, so their samples are rough; train your own below.",
      ),
      h("div", { class: "row" }, field("data", dataSelect)),
    ),
    samples.el,
    walk.el,
    eq.el,
    train.el,
  );
  const show = () => {
    if (!drawn && location.hash === "#dcgan") drawAll();
  };
  window.addEventListener("hashchange", show);
  queueMicrotask(show);
  return el;
}
