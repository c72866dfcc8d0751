// Parts of the feature visualisation page: its defaults, its output panels, and the noise a
// traced step starts from when nothing has been rendered yet.

import type { NCHW } from "@sheep/io/browser";
import { deviceInfo } from "../engine/device.ts";
import { h, paramNumber, params } from "../ui/dom.ts";

/** Defaults that suit the device (a CPU adapter gets small, quick jobs); URL settings win. */
export function vizDefaults() {
  const cpu = deviceInfo().isFallbackAdapter || deviceInfo().adapter === "swiftshader";
  return {
    size: paramNumber("vsize", cpu ? 64 : 128),
    naiveSteps: paramNumber("vsteps", cpu ? 10 : 20),
    robustSteps: paramNumber("vsteps", cpu ? 24 : 256),
    channels: params.get("channels") ?? (cpu ? "0-3" : "0-15"),
  };
}

export type Panel = ReturnType<typeof panel>;

/** An output panel: a titled canvas that appears with its first image. */
export function panel(id: string, title: string) {
  const canvas = h("canvas", { class: "result", id, width: 1, height: 1 });
  const caption = h("p", { class: "caption" });
  const el = h("div", { class: "viz-panel", hidden: true }, h("h4", null, title), canvas, caption);
  const show = () => {
    el.hidden = false;
  };
  return { el, canvas, caption, show };
}

/** Grey with a little noise: where a visualisation starts. */
export function noise(side: number): NCHW {
  const data = new Float32Array(3 * side * side);
  let s = 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 16807) % 2147483647;
    data[i] = 0.5 + 0.1 * (s / 2147483647 - 0.5);
  }
  return { shape: [1, 3, side, side], data };
}
