// A progress bar that says how long is left: the rate is measured from the first finished unit
// on (the first step also compiles pipelines and measures the model, so it would skew the
// estimate), and the time left is the remaining units at that rate.

import { fmtSeconds, h } from "./dom.ts";

export class ProgressView {
  readonly el: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;
  private readonly eta: HTMLElement;
  private started = 0;
  /** Time and count at the first report, where the rate starts. */
  private first: { t: number; done: number } | null = null;

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
    this.el.hidden = false;
    this.el.dataset.done = "0";
    this.el.classList.remove("failed", "finished");
    this.bar.removeAttribute("value"); // an indeterminate bar until the first unit is done
    this.text.textContent = text;
    this.eta.textContent = "";
  }

  /** `done` of `total` units finished; `detail` says what is happening now. */
  update(done: number, total: number, detail = ""): void {
    const now = performance.now();
    this.el.dataset.done = String(done);
    this.bar.max = total;
    this.bar.value = done;
    this.text.textContent = `${done} / ${total} ${this.unit}s${detail ? ` · ${detail}` : ""}`;
    if (!this.first) {
      this.first = { t: now, done };
      this.eta.textContent = "";
      return;
    }
    const rate = (done - this.first.done) / ((now - this.first.t) / 1000);
    if (rate > 0) {
      const left = (total - done) / rate;
      const per = `${(1 / rate).toFixed(2)} s/${this.unit}`;
      this.eta.textContent = ` · ${per} · ${fmtSeconds(left)} left`;
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
