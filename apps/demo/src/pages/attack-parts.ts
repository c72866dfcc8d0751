// Pieces of the attack page that only draw: a top-5 list with bars, the amplified perturbation,
// a heatmap over the picture, and the accuracy-against-ε chart. The numbers all come from
// @sheep/algorithms; nothing here computes what it shows.

import { overlayHeatmap, type RankedClass, type SweepPoint } from "@sheep/algorithms";
import type { NCHW } from "@sheep/io/browser";
import { drawNCHW } from "../image/canvas.ts";
import { h, replace } from "../ui/dom.ts";

/** Render ranked classes into an <ol>: name, a bar, the percentage (text, for screen readers). */
export function showTop(list: HTMLOListElement, top: RankedClass[]): void {
  replace(
    list,
    ...top.map((r) =>
      h(
        "li",
        { dataset: { index: String(r.index), p: String(r.probability) } },
        h("span", { class: "top-label" }, r.label.split(",")[0]),
        h(
          "span",
          { class: "top-bar", "aria-hidden": "true" },
          h("span", { style: `width:${(100 * r.probability).toFixed(1)}%` }),
        ),
        h("span", { class: "top-p" }, `${(100 * r.probability).toFixed(1)} %`),
      ),
    ),
  );
}

/**
 * Draw δ = adv − clean, scaled so the largest |δ| reaches 0 or 1 around mid grey (as
 * `sheep attack --diff` writes it); returns that largest |δ|.
 */
export function drawPerturbation(canvas: HTMLCanvasElement, clean: NCHW, adv: NCHW): number {
  let top = 1e-12;
  for (let i = 0; i < clean.data.length; i++)
    top = Math.max(top, Math.abs(adv.data[i] - clean.data[i]));
  const data = Float32Array.from(clean.data, (v, i) => 0.5 + (adv.data[i] - v) / (2 * top));
  drawNCHW(canvas, { shape: clean.shape, data });
  return top;
}

/** Draw a heat [H, W] over the picture [1, C, H, W] with the library's inferno overlay. */
export function drawHeat(canvas: HTMLCanvasElement, image: NCHW, heat: Float32Array): void {
  const [, c, height, width] = image.shape;
  const data = overlayHeatmap(image.data, c, heat, height, width);
  drawNCHW(canvas, { shape: [1, 3, height, width], data });
}

const NS = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Accuracy (%) against ε as a small line chart, with a title for screen readers. */
export function accuracyChart(points: SweepPoint[], title: string): SVGElement {
  const [w, hgt, left, bottom] = [360, 220, 40, 30];
  const maxEps = Math.max(...points.map((p) => p.eps), 1e-9);
  const px = (e: number) => left + ((w - left - 10) * e) / maxEps;
  const py = (a: number) => 10 + (hgt - bottom - 10) * (1 - a);
  const root = svg("svg", {
    viewBox: `0 0 ${w} ${hgt}`,
    width: w,
    height: hgt,
    role: "img",
    "aria-label": title,
  });
  root.append(svg("title", {}, title));
  // text in the page's own colour, so the chart reads on the dark and the light theme
  root.setAttribute("fill", "currentColor");
  for (const a of [0, 0.25, 0.5, 0.75, 1]) {
    root.append(svg("line", { x1: left, x2: w - 10, y1: py(a), y2: py(a), stroke: "#8884" }));
    root.append(
      svg(
        "text",
        { x: left - 4, y: py(a) + 4, "text-anchor": "end", "font-size": 10 },
        `${a * 100}`,
      ),
    );
  }
  for (const p of points) {
    root.append(
      svg(
        "text",
        { x: px(p.eps), y: hgt - bottom + 14, "text-anchor": "middle", "font-size": 10 },
        String(p.eps),
      ),
    );
  }
  root.append(
    svg("text", { x: (w + left) / 2, y: hgt - 2, "text-anchor": "middle", "font-size": 11 }, "ε"),
  );
  const d = points.map((p, i) => `${i ? "L" : "M"}${px(p.eps)},${py(p.accuracy)}`).join(" ");
  root.append(svg("path", { d, fill: "none", stroke: "#c0392b", "stroke-width": 2 }));
  for (const p of points) {
    root.append(svg("circle", { cx: px(p.eps), cy: py(p.accuracy), r: 3, fill: "#c0392b" }));
  }
  return root;
}

/** The sweep as a table: ε, accuracy, correct of total. */
export function accuracyTable(points: SweepPoint[]): HTMLTableElement {
  return h(
    "table",
    { class: "sweep-table" },
    h("thead", null, h("tr", null, h("th", null, "ε"), h("th", null, "accuracy"))),
    h(
      "tbody",
      null,
      ...points.map((p) =>
        h(
          "tr",
          null,
          h("td", null, String(p.eps)),
          h("td", null, `${(100 * p.accuracy).toFixed(1)} % (${p.correct}/${p.total})`),
        ),
      ),
    ),
  );
}
