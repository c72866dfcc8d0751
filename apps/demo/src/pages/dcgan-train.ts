// The DCGAN page's live training: @sheep/algorithms' Dcgan trained on WebGPU from the app's
// data batch (3,000 real images), as a job of the app's job system — Pause stops the job and
// keeps the trainer, Resume runs it on — with samples from fixed noise and the loss curves
// redrawn as it goes, checkpoints saved (a download) and loaded (a file) in the library's
// safetensors format, the same files `sheep gan train` writes and reads.

import {
  Dcgan,
  type DcganRecord,
  loadCheckpoint,
  runDcgan,
  sampleImages,
  saveCheckpoint,
} from "@sheep/algorithms";
import { downloadBlob } from "../image/canvas.ts";
import { runJob, stopJob } from "../jobs.ts";
import { checkedNumber, field, h, numberInput, paramNumber } from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { type DcganData, dcganBatches } from "./dcgan-data.ts";
import { drawGrid, fidControl, gridCanvas } from "./dcgan-shared.ts";
import { drawCurves } from "./gan-draw.ts";

/** Samples drawn from this noise seed at every redraw, so changes are the generator's. */
const SAMPLE_SEED = 7;
const SAMPLES = 36;

export function trainingSection(data: () => DcganData) {
  // ?dcganbatch, ?dcganwidth, ?dcgandraw: small settings for the browser tests.
  const batch = numberInput(paramNumber("dcganbatch", 64), 2, 512);
  batch.id = "dcgan-batch";
  const width = numberInput(paramNumber("dcganwidth", 16), 1, 64);
  width.id = "dcgan-width";
  const steps = numberInput(paramNumber("dcgansteps", 2000), 1, 1_000_000);
  steps.id = "dcgan-steps";
  const every = numberInput(paramNumber("dcgandraw", 10), 1, 1000);
  every.id = "dcgan-every";
  const progress = new ProgressView("step", "dcgan-progress");
  const samples = gridCanvas("dcgan-train-samples", "samples of the generator being trained");
  const curves = h("canvas", {
    id: "dcgan-loss",
    class: "result",
    width: 360,
    height: 120,
    role: "img",
    "aria-label": "discriminator and generator loss curves",
  });
  const lossText = h("p", { id: "dcgan-loss-text", class: "caption", role: "status" });
  const fileStatus = h("p", { id: "dcgan-file-status", class: "caption", role: "status" });
  let gan: Dcgan | null = null;
  let records: DcganRecord[] = [];
  let shown: Float32Array | null = null;

  const redraw = async (r?: DcganRecord) => {
    if (!gan) return;
    shown = await sampleImages(gan.g, SAMPLES, SAMPLE_SEED);
    drawGrid(samples, shown, 6, 2);
    if (r) {
      records.push(r);
      drawCurves(curves.getContext("2d")!, [
        { label: "D loss", colour: "#4cc9f0", values: records.map((x) => x.dLoss) },
        { label: "G loss", colour: "#ffd166", values: records.map((x) => x.gLoss) },
      ]);
      curves.dataset.filled = "";
      lossText.textContent =
        `step ${r.step} (epoch ${r.epoch.toFixed(2)}): D loss ${r.dLoss.toFixed(4)}, ` +
        `G loss ${r.gLoss.toFixed(4)}`;
    }
  };

  /** Train the current trainer on to the step target, as a job; Pause aborts it. */
  const train = (fresh: boolean) =>
    runJob({
      name: "DCGAN training",
      progress,
      run: async (signal) => {
        const target = checkedNumber(steps, "Steps");
        const { train: set } = await dcganBatches(data());
        if (fresh || !gan || gan.data.name !== set.name) {
          const config = {
            batch: checkedNumber(batch, "Batch"),
            shape: { width: checkedNumber(width, "Width"), zDim: 100, classes: 0 },
          };
          gan?.dispose();
          gan = null;
          records = [];
          gan = new Dcgan(set, config);
        }
        const g = gan;
        if (g.t >= target) return `already at step ${g.t} of ${target}: raise Steps to go on`;
        const from = g.t;
        const t0 = performance.now();
        progress.update(g.t, target, "first step compiles the shaders");
        await runDcgan(g, {
          steps: target,
          logEvery: checkedNumber(every, "Redraw every"),
          stop: () => signal.aborted,
          onRecord: async (r) => {
            await redraw(r);
            progress.update(r.step, target, `D ${r.dLoss.toFixed(3)} · G ${r.gLoss.toFixed(3)}`);
          },
        });
        if (g.t % checkedNumber(every, "Redraw every") !== 0) await redraw(await g.record());
        const rate = ((g.t - from) / (performance.now() - t0)) * 60_000;
        const epochs = rate / g.stepsPerEpoch;
        return (
          `${signal.aborted ? "paused at" : "reached"} step ${g.t} (epoch ` +
          `${(g.t / g.stepsPerEpoch).toFixed(2)}, batch ${g.config.batch}): ${rate.toFixed(0)} ` +
          `steps/min, ${epochs.toFixed(2)} epochs/min of ${set.n} images`
        );
      },
    });

  const start = h("button", { id: "dcgan-train", class: "primary", dataset: { run: "dcgan" } });
  start.textContent = "Train a new GAN";
  start.addEventListener("click", () => void train(true));
  const resume = h("button", { id: "dcgan-resume", type: "button", dataset: { run: "dcgan" } });
  resume.textContent = "Resume";
  resume.addEventListener("click", () => void train(false));
  const pause = h("button", { id: "dcgan-pause", type: "button", dataset: { stop: "" } });
  pause.textContent = "Pause";
  pause.disabled = true;
  pause.addEventListener("click", stopJob);

  const save = h("button", { id: "dcgan-save", type: "button", dataset: { run: "dcgan" } });
  save.textContent = "Save checkpoint";
  save.addEventListener("click", async () => {
    if (!gan) {
      fileStatus.textContent = "Nothing to save: train a GAN or load a checkpoint first.";
      return;
    }
    try {
      const bytes = await saveCheckpoint(gan);
      const name = `dcgan-${gan.data.name}-step${gan.t}.safetensors`;
      downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
      fileStatus.textContent = `Saved ${name} (${bytes.length} bytes): G, D, both Adams, step, RNG.`;
    } catch (e) {
      fileStatus.textContent = `Could not save the checkpoint: ${(e as Error).message}`;
    }
  });
  const load = h("input", {
    id: "dcgan-load",
    type: "file",
    accept: ".safetensors",
    dataset: { run: "dcgan" },
  });
  load.addEventListener("change", async () => {
    const file = load.files?.[0];
    if (!file) return;
    try {
      const { train: set } = await dcganBatches(data());
      const next = await loadCheckpoint(new Uint8Array(await file.arrayBuffer()), set);
      gan?.dispose();
      gan = next;
      records = [];
      await redraw(await gan.record());
      fileStatus.textContent =
        `Loaded ${file.name}: step ${gan.t}, batch ${gan.config.batch}, width ` +
        `${gan.config.shape.width}. Resume trains on from here.`;
    } catch (e) {
      fileStatus.textContent = `Could not load ${file.name}: ${(e as Error).message}`;
    } finally {
      load.value = "";
    }
  });

  const el = h(
    "section",
    { class: "dcgan-section", "aria-labelledby": "dcgan-train-h" },
    h("h3", { id: "dcgan-train-h" }, "Train one live"),
    h(
      "p",
      null,
      "One discriminator and one generator step per step (Adam 2e-4, β₁ 0.5, non-saturating " +
        "loss), on 3,000 real images shipped with the app; samples come from fixed noise.",
    ),
    h(
      "div",
      { class: "row" },
      field("batch", batch),
      field("width", width),
      field("steps", steps),
      field("redraw every (steps)", every),
    ),
    h("div", { class: "row" }, start, pause, resume, save, field("load checkpoint", load)),
    progress.el,
    h("div", { class: "row dcgan-walk" }, samples, curves),
    lossText,
    fileStatus,
    fidControl("dcgan-train-fid", data, () => shown),
  );
  return {
    el,
    /** A trainer belongs to its data set: a change of data set starts over. */
    dataChanged() {
      if (gan && gan.data.name !== data()) stopJob();
    },
  };
}
