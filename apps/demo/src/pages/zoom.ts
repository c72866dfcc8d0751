// The zoom loop: dream, zoom into the result a little, dream on that, and so on (the
// "Inceptionism" video). Frames are drawn as they are dreamt, then played back on a canvas;
// the whole loop downloads as an animated GIF.

import { dreamZoom } from "@sheep/algorithms";
import { encodeGif, type NCHW, nchwToImage } from "@sheep/io/browser";
import { tensor } from "@sheep/tensor";
import { traceStep } from "../engine/trace.ts";
import { downloadBlob, drawNCHW, drawTensor } from "../image/canvas.ts";
import type { ImageInput } from "../image/input.ts";
import { runJob, stopJob } from "../jobs.ts";
import type { Models } from "../models/registry.ts";
import { checkedNumber, field, h, numberInput, paramNumber, readNumber } from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { type DreamForm, formObjective } from "./dream.ts";

/** Plays frames on a canvas at `fps`, looping, until paused or given new frames. */
class Player {
  private frames: NCHW[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private index = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly fps: () => number,
  ) {}

  get playing(): boolean {
    return this.timer !== null;
  }

  set(frames: NCHW[]): void {
    this.frames = frames;
    this.index = 0;
  }

  play(): void {
    this.pause();
    if (this.frames.length === 0) return;
    this.timer = setInterval(() => {
      drawNCHW(this.canvas, this.frames[this.index]);
      this.canvas.dataset.frame = String(this.index);
      this.index = (this.index + 1) % this.frames.length;
    }, 1000 / this.fps());
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export function zoomSection(
  models: Models,
  form: () => DreamForm,
  input: ImageInput,
  maxTraceSide: number,
): HTMLElement {
  const canvas = h("canvas", { class: "result", id: "zoom-result", width: 1, height: 1 });
  const framesIn = numberInput(paramNumber("frames", 8), 2, 240);
  const zoomIn = numberInput(1.05, 1, 1.5, 0.01);
  const rotateIn = numberInput(0, -10, 10, 0.5);
  const fpsIn = numberInput(8, 1, 30);
  const player = new Player(canvas, () => readNumber(fpsIn, 8));
  const progress = new ProgressView("step", "zoom-progress");
  const strip = h("div", { class: "strip", id: "zoom-strip" });
  let frames: NCHW[] = [];

  const playButton = h("button", { type: "button", disabled: true }, "Pause");
  playButton.addEventListener("click", () => {
    if (player.playing) player.pause();
    else player.play();
    playButton.textContent = player.playing ? "Pause" : "Play";
  });
  const gifButton = h("button", { type: "button", disabled: true, id: "zoom-gif" }, "Download GIF");
  gifButton.addEventListener("click", () => {
    const images = frames.map((f) => nchwToImage(f.data, f.shape));
    const gif = encodeGif(images, { fps: readNumber(fpsIn, 8) });
    downloadBlob(new Blob([gif], { type: "image/gif" }), "dream-zoom.gif");
  });

  /** A small thumbnail per finished frame, so the loop's progress is visible at a glance. */
  const addThumb = (f: NCHW) => {
    const thumb = h("canvas", { class: "thumb" });
    drawNCHW(thumb, f);
    strip.append(thumb);
  };

  const run = () =>
    runJob({
      name: "Zoom loop",
      progress,
      run: async (signal) => {
        player.pause();
        frames = [];
        strip.replaceChildren();
        gifButton.disabled = playButton.disabled = true;
        const f = form();
        const count = checkedNumber(framesIn, "Frames");
        const { model, objective, what } = await formObjective(models, f);
        const start = input.nchw();
        const image = tensor(start.data, { shape: start.shape });
        try {
          const options = {
            objective,
            octaves: f.octaves,
            octaveScale: f.octaveScale,
            steps: f.steps,
            stepSize: f.stepSize,
            frames: count,
            zoom: checkedNumber(zoomIn, "Zoom per frame"),
            rotate: checkedNumber(rotateIn, "Rotation"),
            previewEvery: 1,
            onFrame: (frame: NCHW) => {
              frames.push(frame);
              addThumb(frame);
            },
          };
          const out = await dreamZoom(
            model,
            image,
            options,
            async (p) => {
              progress.update(
                p.done,
                p.total,
                `frame ${p.frame + 1}/${p.frames} · octave ${p.octave + 1}/${p.octaves}`,
              );
              if (p.preview) await drawTensor(canvas, p.preview);
            },
            signal,
          );
          frames = out;
        } finally {
          image.dispose();
        }
        player.set(frames);
        player.play();
        playButton.textContent = "Pause";
        gifButton.disabled = playButton.disabled = frames.length === 0;
        traceArgs = {
          model,
          objective,
          image: frames.at(-1) ?? start,
          maxSide: maxTraceSide,
          what: `one zoom-loop step · ${model.name} · ${what}`,
        };
        const size = `${start.shape[3]}×${start.shape[2]}`;
        return `${frames.length} frames of ${size}, ${model.name}: ${what}`;
      },
      trace: async () => traceArgs && traceStep(traceArgs),
    });
  let traceArgs: Parameters<typeof traceStep>[0] | null = null;

  return h(
    "div",
    { class: "zoom split" },
    h(
      "div",
      { class: "controls" },
      h("h3", null, "Zoom loop"),
      h(
        "p",
        { class: "muted small" },
        "Dreams on its own output: each frame zooms into the last one and dreams again, " +
          "with the settings above.",
      ),
      h(
        "div",
        { class: "grid2" },
        field("Frames", framesIn),
        field("Zoom per frame", zoomIn),
        field("Rotate (°/frame)", rotateIn),
        field("Playback fps", fpsIn),
      ),
      h(
        "div",
        { class: "row" },
        h(
          "button",
          {
            type: "button",
            class: "primary",
            id: "zoom-run",
            dataset: { run: "zoom" },
            onclick: run,
          },
          "Zoom loop",
        ),
        h(
          "button",
          {
            type: "button",
            id: "zoom-stop",
            disabled: true,
            dataset: { stop: "" },
            onclick: stopJob,
          },
          "Stop",
        ),
        playButton,
        gifButton,
      ),
      progress.el,
    ),
    h(
      "div",
      { class: "output" },
      canvas,
      h("div", { class: "placeholder" }, "The loop's frames play here."),
      strip,
    ),
  );
}
