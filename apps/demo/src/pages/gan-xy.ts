// The xy explorer: every method's trajectory on min_x max_y x·y over the game's vector field,
// at one step size, from one start. Simultaneous GD spirals out, alternating GD cycles,
// extragradient, optimistic GD, consensus and negative momentum spiral in.

import { XY_METHODS, type XyMethod, xyField, xyGame } from "@sheep/algorithms";
import { field, h, numberInput, readNumber } from "../ui/dom.ts";

const COLOURS: Record<XyMethod, string> = {
  gd: "#ff5d73",
  alt: "#ffd166",
  eg: "#06d6a0",
  ogd: "#4cc9f0",
  consensus: "#b388ff",
  momentum: "#f8961e",
};

const EXTENT = 2.5;

export function xyExplorer(): HTMLElement {
  const lr = numberInput(0.2, 0.001, 1.5, 0.01);
  const steps = numberInput(150, 1, 5000);
  const boxes = XY_METHODS.map((m) => h("input", { type: "checkbox", checked: true, value: m }));
  const canvas = h("canvas", {
    width: 420,
    height: 420,
    id: "xy-canvas",
    class: "result",
    dataset: { filled: "" },
    style: "width:420px",
  });
  const legend = h("div", { id: "xy-legend", class: "row" });
  const draw = () => {
    const ctx = canvas.getContext("2d")!;
    const s = canvas.width;
    const X = (x: number) => ((x + EXTENT) / (2 * EXTENT)) * s;
    const Y = (y: number) => ((EXTENT - y) / (2 * EXTENT)) * s;
    ctx.fillStyle = "#111522";
    ctx.fillRect(0, 0, s, s);
    ctx.strokeStyle = "rgba(255, 255, 255, 0.25)";
    for (const a of xyField(15, EXTENT * 0.93)) {
      const n = Math.hypot(a.dx, a.dy) || 1;
      ctx.beginPath();
      ctx.moveTo(X(a.x), Y(a.y));
      ctx.lineTo(X(a.x + (0.12 * a.dx) / n), Y(a.y + (0.12 * a.dy) / n));
      ctx.stroke();
    }
    const eta = readNumber(lr, 0.2);
    const n = readNumber(steps, 150);
    legend.replaceChildren();
    for (const box of boxes.filter((b) => b.checked)) {
      const method = box.value as XyMethod;
      const r = xyGame({ method, lr: eta, steps: n });
      ctx.strokeStyle = COLOURS[method];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      r.path.forEach((p, i) => {
        const [cx, cy] = [X(Math.max(-9, Math.min(9, p.x))), Y(Math.max(-9, Math.min(9, p.y)))];
        if (i === 0) ctx.moveTo(cx, cy);
        else ctx.lineTo(cx, cy);
      });
      ctx.stroke();
      const end = r.radius.at(-1)!;
      legend.append(
        h(
          "span",
          { style: `color:${COLOURS[method]}`, dataset: { method } },
          `${method}: ‖·‖ ${r.radius[0].toFixed(2)} → ${end.toPrecision(3)}`,
        ),
      );
    }
  };
  for (const el of [lr, steps, ...boxes]) el.addEventListener("input", draw);
  queueMicrotask(draw);
  return h(
    "section",
    { class: "controls", id: "xy-explorer" },
    h("h2", null, "The xy game: min over x, max over y of x·y"),
    h(
      "p",
      null,
      "Gradient play on the simplest game. The field (grey) only rotates around the " +
        "equilibrium (0, 0): simultaneous steps spiral out by √(1 + η²) per step, alternating " +
        "steps cycle on an ellipse, and the methods that look ahead spiral in.",
    ),
    h(
      "div",
      { class: "row" },
      field("step size η", lr),
      field("steps", steps),
      ...boxes.map((b) => h("label", null, b, b.value)),
    ),
    canvas,
    legend,
  );
}
