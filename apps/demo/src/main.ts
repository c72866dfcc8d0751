// The demo app's entry: install the error banner, find WebGPU (or explain how to get it), start
// the engine, then build the pages — DeepDream, feature visualisation, models, the engine — and
// switch between them with the URL's #hash.

import { engine } from "@sheep/tensor";
import { deviceInfo, loseDevice, onDevice, startEngine } from "./engine/device.ts";
import { enginePanel } from "./engine/panel.ts";
import { modelsPage } from "./models/panel.ts";
import { Models } from "./models/registry.ts";
import { attackPage } from "./pages/attack.ts";
import { dcganPage } from "./pages/dcgan.ts";
import { dreamPage } from "./pages/dream.ts";
import { embedPage } from "./pages/embed.ts";
import { featurevizPage } from "./pages/featureviz.ts";
import { ganPage } from "./pages/gan-toy.ts";
import { stylePage } from "./pages/style.ts";
import { describe, installErrorBanner, showError } from "./ui/banner.ts";
import { fmtBytes, h, replace } from "./ui/dom.ts";
import { noWebGPUPage } from "./ui/nowebgpu.ts";

interface Page {
  id: string;
  title: string;
  el: HTMLElement;
}

/** The device line in the header: the adapter, memory, and news of a lost device. */
function deviceStrip(): HTMLElement {
  const chip = h("a", { class: "chip-link", href: "#engine", id: "engine-chip" });
  const status = h("div", {
    class: "device-status",
    id: "device-status",
    role: "status",
    hidden: true,
  });
  const tick = () => {
    if (!engine.has("webgpu")) return;
    const m = engine.memory();
    chip.textContent = `${deviceInfo().adapter} · ${fmtBytes(m.bytes + m.pooledBytes + m.cachedBytes)} on the GPU`;
  };
  setInterval(tick, 1000);
  tick();
  onDevice((e) => {
    status.hidden = false;
    status.className = `device-status ${e.kind}`;
    if (e.kind === "lost") {
      status.textContent =
        `The GPU device was lost (${e.reason}). Opening a new one… ` +
        "your results stay on screen.";
    } else if (e.kind === "recovered") {
      status.textContent =
        "Recovered: the engine is on a new GPU device. Results on screen are kept; networks " +
        "upload again with the next job.";
      tick();
    } else {
      status.textContent =
        "The GPU device was lost and a new one could not be opened: " +
        `${describe(e.error)}. Reload the page.`;
    }
  });
  return h("div", { class: "device" }, chip, status);
}

function shell(pages: Page[]): HTMLElement {
  const tabs = pages.map((p) =>
    h("a", { href: `#${p.id}`, class: "tab", dataset: { page: p.id } }, p.title),
  );
  const main = h("main", null, ...pages.map((p) => p.el));
  let shown: Page | null = null;
  const show = () => {
    const id = location.hash.slice(1) || pages[0].id;
    const page = pages.find((p) => p.id === id) ?? pages[0];
    for (const p of pages) p.el.hidden = p !== page;
    for (const t of tabs) t.classList.toggle("active", t.dataset.page === page.id);
    // A new tab opens at its top: the last page's scroll would leave this one's controls
    // under the sticky header (the Engine page's "Trace a step" sat there, unclickable).
    if (shown && shown !== page) window.scrollTo(0, 0);
    shown = page;
  };
  window.addEventListener("hashchange", show);
  show();
  const header = h(
    "header",
    null,
    h(
      "h1",
      null,
      "Electric Sheep",
      h("small", null, "networks that dream, on a WebGPU engine written from scratch"),
    ),
    h("nav", null, ...tabs),
    deviceStrip(),
  );
  // The header is sticky and grows (news of a lost device, tabs wrapping on a phone): the page
  // keeps its height as scroll-padding, so focus and scrollIntoView never hide a control under it.
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--header-height", `${header.offsetHeight}px`);
  }).observe(header);
  return h("div", { class: "shell" }, header, main);
}

async function start(): Promise<void> {
  installErrorBanner();
  const root = document.getElementById("app")!;
  if (!navigator.gpu) {
    replace(root, noWebGPUPage("missing"));
    return;
  }
  try {
    await startEngine();
  } catch (e) {
    const noAdapter = /no adapter|gave no adapter/i.test(describe(e));
    replace(root, noWebGPUPage(noAdapter ? "no-adapter" : "failed", describe(e)));
    return;
  }
  const models = new Models();
  onDevice((e) => {
    if (e.kind === "lost") models.dropGpu();
    if (e.kind === "recovered")
      void models.faceNet().catch((err) => showError(describe(err), "Face network"));
  });
  const dream = dreamPage(models);
  const viz = featurevizPage(models);
  // "Trace a step" traces the page the user came from: its network, picture and objective.
  let traceFrom = dream;
  window.addEventListener("hashchange", () => {
    if (location.hash === "#features") traceFrom = viz;
    if (location.hash === "#dream" || location.hash === "") traceFrom = dream;
  });
  const pages: Page[] = [
    { id: "dream", title: "DeepDream", el: dream.el },
    { id: "features", title: "Feature visualisation", el: viz.el },
    { id: "style", title: "Style transfer", el: stylePage(models).el },
    { id: "models", title: "Models", el: modelsPage(models) },
    { id: "gan", title: "GAN lab", el: ganPage() },
    { id: "dcgan", title: "DCGAN", el: dcganPage() },
    { id: "attack", title: "Attacks & attribution", el: attackPage(models) },
    { id: "embed", title: "Embeddings", el: embedPage(models) },
    {
      id: "engine",
      title: "Engine",
      el: enginePanel(() => traceFrom.traceNow()),
    },
  ];
  replace(root, shell(pages));
  void models.faceNet().catch((e) => showError(describe(e), "Face network"));
  // Hooks for the browser tests and for people poking at the app from the console.
  Object.assign(window, { __sheepDemo: { ready: true, loseDevice, engine, models } });
}

start().catch((e) => showError(describe(e), "The app failed to start"));
