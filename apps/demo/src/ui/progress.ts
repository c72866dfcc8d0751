// A progress bar that says how long is left: the rate is measured from the first finished unit
// on (the first step also compiles pipelines and measures the model, so it would skew the
// estimate), and the time left is the remaining work at that rate. Work may be weighted: a
// dream's steps are counted in pixels, since a step of the last octave costs twice one of the
// octave before (counting steps alike underestimated the time left by half).

import { fmtSeconds, h } from "./dom.ts";

export class ProgressView {
  readonly el: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;
  private readonly eta: HTMLElement;
  private started = 0;
  /** Time, units and work at the first report, where the rate starts. */
  private first: { t: number; units: number; work: number } | null = null;
  /** Units done and asked for at the last update (what a stopped job reports). */
  done = 0;
  total = 0;

  constructor(
    readonly unit = "step",
    id?: string,
  ) {
    this.bar = h("progress", { max: 1, value: 0 });
    this.text = h("span", { class: "progress-text" });
    this.eta = h("span", { class: "progress-eta" });
    this.el = h(
      "div",
      { class: "progress", id, hidden: true },
      this.bar,
      h("div", null, this.text, this.eta),
    );
  }

  start(text: string): void {
    this.started = performance.now();
    this.first = null;
    this.done = 0;
    this.total = 0;
    this.el.hidden = false;
    this.el.dataset.done = "0";
    this.el.classList.remove("failed", "finished");
    this.bar.removeAttribute("value"); // an indeterminate bar until the first unit is done
    this.text.textContent = text;
    this.eta.textContent = "";
  }

  /** A phase with no count yet ("loading the network…"): the bar waits, the text says why. */
  phase(text: string): void {
    this.bar.removeAttribute("value");
    this.text.textContent = text;
    this.eta.textContent = "";
  }

  /**
   * `done` of `total` units finished; `detail` says what is happening now; `work` weighs them
   * ([done, total] in any unit proportional to time) when units differ in cost.
   */
  update(done: number, total: number, detail = "", work: [number, number] = [done, total]): void {
    const now = performance.now();
    this.done = done;
    this.total = total;
    this.el.dataset.done = String(done);
    this.bar.max = work[1];
    this.bar.value = work[0];
    this.text.textContent = `${done} / ${total} ${this.unit}s${detail ? ` · ${detail}` : ""}`;
    if (!this.first) {
      this.first = { t: now, units: done, work: work[0] };
      this.eta.textContent = "";
      return;
    }
    const seconds = (now - this.first.t) / 1000;
    const rate = (work[0] - this.first.work) / seconds;
    if (rate > 0) {
      const left = (work[1] - work[0]) / rate;
      const per = (seconds / Math.max(1, done - this.first.units)).toFixed(2);
      this.eta.textContent = ` · ${per} s/${this.unit} · ${fmtSeconds(left)} left`;
    }
  }

  finish(text: string): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.bar.max = 1;
    this.bar.value = 1;
    this.el.classList.add("finished");
    this.text.textContent = `${text} in ${fmtSeconds(seconds)}`;
    this.eta.textContent = "";
  }

  fail(text: string): void {
    this.el.classList.add("failed");
    this.text.textContent = text;
    this.eta.textContent = "";
  }
}
