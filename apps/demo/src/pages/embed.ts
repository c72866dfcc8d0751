// The Embeddings page: an embedding net trains live on Fashion-MNIST (classes 0–5; 6–9 held
// out) with any loss and mining rule; the loss, the collapse monitor and a 2-D projector of
// 1,000 held-out test images update as it learns; a query image finds its nearest neighbours
// under the current net; the shipped net shows what a trained one looks like. Faces below.

import {
  EMBED_LOSSES,
  type EmbeddingNet,
  EmbeddingTrainer,
  type EmbedLoss,
  embedImages28,
  type ImageSet,
  imageSet,
  knn,
  loadEmbeddingNetBytes,
  MININGS,
  type Mining,
  projectEmbeddings,
  subsetByClass,
} from "@sheep/algorithms";
import { SafetensorsReader } from "@sheep/models";
import { tensor } from "@sheep/tensor";
import type { Models } from "../models/registry.ts";
import { describe as describeError } from "../ui/banner.ts";
import { checkedNumber, field, h, numberInput, paramNumber, params, select } from "../ui/dom.ts";
import {
  CLASS_COLOURS,
  drawHistograms,
  drawScatter,
  drawVariances,
  imageCanvas,
  scatterPositions,
} from "./embed-draw.ts";
import { facesSection } from "./embed-faces.ts";
import { drawCurves } from "./gan-draw.ts";

/** Classes the net never trains on, as the shipped net (embed-fashion-mnist, holdout 6-9). */
const HELD_OUT = [6, 7, 8, 9];
const SIZE = 360;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: the server answered ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** A labelled batch file ("images" U8 [N, 1, 28, 28], "labels" U8 [N]) as an image set. */
async function loadBatch(url: string, limit = Infinity): Promise<ImageSet> {
  const reader = await SafetensorsReader.open(await fetchBytes(url));
  const e = reader.entry("images");
  if (e.dtype !== "U8" || e.shape.length !== 4 || e.shape[2] !== 28 || e.shape[3] !== 28)
    throw new Error(`${url}: want U8 images [N, 1, 28, 28], got ${e.dtype} [${e.shape}]`);
  const n = Math.min(e.shape[0], limit);
  const unit = Float32Array.from(
    (await reader.bytes("images")).subarray(0, n * 784),
    (b) => b / 255,
  );
  const labels = Int32Array.from((await reader.bytes("labels")).subarray(0, n));
  const names = (reader.metadata.classes ?? "").split(",");
  return imageSet(
    "fashion-mnist",
    unit,
    labels,
    names.length === 10 ? names : [...Array(10).keys()].map(String),
  );
}

function curvesCanvas(id: string, height: number): HTMLCanvasElement {
  return h("canvas", {
    id,
    width: SIZE,
    height,
    class: "result",
    dataset: { filled: "" },
    style: `width:${SIZE}px`,
  });
}

export function embedPage(models: Models): HTMLElement {
  const loss = select(
    EMBED_LOSSES.map((l): [string, string] => [l, l]),
    params.get("embedloss") ?? "triplet",
  );
  const mining = select(
    MININGS.map((m): [string, string] => [m, m]),
    "semihard",
  );
  const lr = numberInput(1e-3, 1e-5, 0.5, 1e-4);
  const seed = numberInput(1, 0, 1e6);
  const perFrame = numberInput(paramNumber("embedframe", 5), 1, 100);
  const projectEvery = numberInput(paramNumber("embedproject", 20), 1, 1000);
  const maxSteps = paramNumber("embedmax", 0); // tests: pause after this many steps
  const heldCount = paramNumber("embedn", 1000); // tests: fewer held-out points to embed
  const queryIndex = numberInput(0, 0, heldCount - 1);
  const kInput = numberInput(8, 1, 32);
  const status = h("div", { id: "embed-status", class: "progress", role: "status" }, "ready");
  const start = h("button", { id: "embed-start", class: "primary" }, "Start");
  const pause = h("button", { id: "embed-pause" }, "Pause");
  const stop = h("button", { id: "embed-stop" }, "Stop");
  const shipped = h("button", { id: "embed-shipped" }, "Load the shipped net");
  const tsneBtn = h("button", { id: "embed-tsne" }, "t-SNE");
  const queryBtn = h("button", { id: "embed-query" }, "Find neighbours");
  const curves = curvesCanvas("embed-loss", 120);
  const hist = curvesCanvas("embed-hist", 120);
  const vars = curvesCanvas("embed-var", 100);
  const proj = h("canvas", {
    id: "embed-proj",
    width: SIZE,
    height: SIZE,
    class: "result",
    dataset: { filled: "" },
    style: `width:${SIZE}px;cursor:crosshair`,
    role: "img",
    "aria-label": "2-D projection of the held-out images, coloured by class",
  });
  const neighbours = h("div", { id: "embed-neighbours", class: "row" });
  const legend = h("div", { id: "embed-legend", class: "row" });

  let train: ImageSet | null = null;
  let held: ImageSet | null = null;
  let trainer: EmbeddingTrainer | null = null;
  /** The net queries and the projector use: the trainer's, or the shipped one. */
  let net: EmbeddingNet | null = null;
  let netName = "";
  /** Held-out embeddings [n, D] under `net` at the last projection, and their screen spots. */
  let emb: Float32Array | null = null;
  let spots: Float64Array | null = null;
  let note = "";
  let running = false;
  let busy = false;

  const say = (text: string, kind: "" | "finished" | "failed" = "") => {
    status.className = `progress ${kind}`.trim();
    status.textContent = text;
  };

  const data = async () => {
    if (!train || !held) {
      say("loading 2,000 training and 1,000 held-out Fashion-MNIST images…");
      const all = await loadBatch("embed/fashion-mnist-train-2000.safetensors");
      train = subsetByClass(all, [0, 1, 2, 3, 4, 5]);
      held = await loadBatch("embed/fashion-mnist-test-1000.safetensors", heldCount);
      legend.replaceChildren(
        ...held.classNames.map((name, c) =>
          h(
            "span",
            { style: `color:${CLASS_COLOURS[c]}` },
            `■ ${name}${HELD_OUT.includes(c) ? " (never trained on)" : ""}`,
          ),
        ),
      );
    }
    return { train, held };
  };

  /** Embed the held-out images with the current net and draw them (PCA, or t-SNE). */
  const project = async (method: "pca" | "tsne") => {
    const { held: set } = await data();
    emb = await embedImages28(net!, set.x);
    const x = tensor(emb, { shape: [set.n, net!.shape.dim] });
    try {
      const p = await projectEmbeddings(
        x,
        method === "pca" ? { method } : { method, tsne: { iterations: 300, every: 50 } },
        (t) => say(`t-SNE iteration ${t.iteration}/${t.iterations} · KL ${t.kl.toFixed(3)}`),
      );
      spots = scatterPositions(p.coords, SIZE);
      note = `${netName} · ${p.note}`;
      drawScatter(proj.getContext("2d")!, spots, set.labels, note);
    } finally {
      x.dispose();
    }
  };

  const drawMonitor = () => {
    const recs = trainer!.records;
    drawCurves(curves.getContext("2d")!, [
      { label: "loss", colour: "#ffd166", values: recs.map((r) => r.loss) },
      {
        label: "active",
        colour: "#06d6a0",
        values: recs.map((r) => r.activeShare),
        range: [0, 1],
      },
    ]);
    const m = recs.findLast((r) => r.monitor)?.monitor;
    if (m) {
      drawHistograms(hist.getContext("2d")!, m);
      drawVariances(vars.getContext("2d")!, m.dimVariance);
    }
  };

  const loop = async () => {
    running = busy = true;
    document.body.classList.add("busy");
    try {
      const { train: set } = await data();
      if (!trainer) {
        // A stopped run's net or the shipped one: the new run trains a fresh net from its seed.
        net?.dispose();
        emb = null;
        trainer = new EmbeddingTrainer(set, {
          loss: loss.value as EmbedLoss,
          mining: mining.value as Mining,
          lr: checkedNumber(lr, "Adam lr"),
          seed: checkedNumber(seed, "seed"),
          steps: 1e7,
        });
        net = trainer.net;
        netName = `training (${loss.value}${loss.value === "triplet" ? `, ${mining.value}` : ""})`;
      }
      while (running) {
        const n = checkedNumber(perFrame, "steps per frame");
        let last = null;
        for (let i = 0; i < n && running; i++) last = await trainer.step();
        drawMonitor();
        const t = trainer.t;
        const every = checkedNumber(projectEvery, "PCA every (steps)");
        if (t <= n || Math.floor(t / every) !== Math.floor((t - n) / every)) {
          netName = netName.replace(/ · step \d+$/, "") + ` · step ${t}`;
          await project("pca");
        }
        if (last)
          say(
            `step ${t} · loss ${last.loss.toFixed(4)} · active ${last.activeShare.toFixed(2)}` +
              ` · ${last.seconds.toFixed(1)} s`,
          );
        if (maxSteps > 0 && t >= maxSteps) break;
        await new Promise((r) => requestAnimationFrame(r));
      }
      if (trainer) say(`${status.textContent} · paused`, "finished");
    } catch (e) {
      say(describeError(e), "failed");
    } finally {
      running = busy = false;
      document.body.classList.remove("busy");
    }
  };

  /** Run a short job unless something runs; its error goes into the status line. */
  const job = async (what: () => Promise<string>) => {
    if (busy) return say("Busy: pause or stop the training first.", "failed");
    busy = true;
    try {
      say(await what(), "finished");
    } catch (e) {
      say(describeError(e), "failed");
    } finally {
      busy = false;
    }
  };

  const endTraining = () => {
    running = false;
    trainer?.dispose(); // its optimiser and head; the net stays for queries
    trainer = null;
  };

  start.addEventListener("click", () => {
    if (!busy) void loop();
  });
  pause.addEventListener("click", () => {
    running = false;
  });
  stop.addEventListener("click", () => {
    if (busy && !running) return;
    running = false;
    // Let the loop finish its frame, then drop the trainer: the next Start begins afresh.
    const wait = () => (busy ? setTimeout(wait, 50) : endTraining());
    wait();
  });
  shipped.addEventListener("click", () =>
    job(async () => {
      endTraining();
      say("fetching the shipped net…");
      const loaded = await loadEmbeddingNetBytes(
        await fetchBytes("models/embed-fashion-mnist.safetensors"),
      );
      net?.dispose();
      net = loaded.net;
      const steps = loaded.metadata.steps ?? "?";
      netName = `shipped embed-fashion-mnist (${steps} steps)`;
      await project("pca");
      const m = JSON.parse(loaded.metadata.metrics ?? "{}");
      return (
        `${netName}: trained on classes 0–5, held out ${loaded.holdout}` +
        (m.recall ? ` · Recall@1 ${m.recall["1"]} on ${m.n} held-out test images` : "")
      );
    }),
  );
  tsneBtn.addEventListener("click", () =>
    job(async () => {
      if (!net) throw new Error("t-SNE: start training or load the shipped net first");
      await project("tsne");
      return note;
    }),
  );

  const query = () =>
    job(async () => {
      if (!net || !emb || !held)
        throw new Error("query: start training or load the shipped net first");
      const q = checkedNumber(queryIndex, "query image #");
      const k = checkedNumber(kInput, "k");
      const d = net.shape.dim;
      const g = tensor(emb, { shape: [held.n, d] });
      const qt = tensor(emb.slice(q * d, (q + 1) * d), { shape: [1, d] });
      const r = knn(qt, g, k + 1);
      const [idx, dist] = [await r.indices.data(), await r.values.data()];
      for (const t of [g, qt, r.indices, r.values]) t.dispose();
      // The query itself is its own nearest neighbour at distance 0: skip it.
      const found = [...idx]
        .map((j, i) => [j, dist[i]])
        .filter(([j]) => j !== q)
        .slice(0, k);
      const name = (i: number) => held!.classNames[held!.labels[i]];
      const img = (i: number) => held!.x.subarray(i * 784, (i + 1) * 784);
      neighbours.replaceChildren(
        h(
          "figure",
          { class: "nb-query" },
          imageCanvas(img(q), `query: ${name(q)}`, 3),
          h("figcaption", null, `query #${q}: ${name(q)}`),
        ),
        ...found.map(([j, dd]) =>
          h(
            "figure",
            { class: "nb", dataset: { index: String(j), distance: String(dd) } },
            imageCanvas(img(j), `neighbour: ${name(j)}`, 2),
            h("figcaption", null, `${name(j)} · ${dd.toFixed(3)}`),
          ),
        ),
      );
      if (spots)
        drawScatter(proj.getContext("2d")!, spots, held.labels, note, [
          q,
          ...found.map(([j]) => j),
        ]);
      const same = found.filter(([j]) => held!.labels[j] === held!.labels[q]).length;
      return `query #${q} (${name(q)}): ${same} of ${k} neighbours share its class · ${netName}`;
    });
  queryBtn.addEventListener("click", () => void query());
  proj.addEventListener("click", (e) => {
    if (!spots) return;
    const r = proj.getBoundingClientRect();
    const [x, y] = [
      ((e.clientX - r.left) / r.width) * SIZE,
      ((e.clientY - r.top) / r.height) * SIZE,
    ];
    let [best, bestD] = [0, Infinity];
    for (let i = 0; i < spots.length / 2; i++) {
      const dd = (spots[2 * i] - x) ** 2 + (spots[2 * i + 1] - y) ** 2;
      if (dd < bestD) [best, bestD] = [i, dd];
    }
    queryIndex.value = String(best);
    void query();
  });

  return h(
    "div",
    { class: "page", id: "embed-page" },
    h(
      "section",
      { class: "controls" },
      h("h2", null, "Embeddings: learning a distance"),
      h(
        "p",
        null,
        "A small CNN maps 28×28 Fashion-MNIST images to 64 numbers so that images of one " +
          "class land close together. It trains here on 2,000 images of classes 0–5; the " +
          "projector shows 1,000 test images, classes 6–9 included, which it never sees. " +
          "Watch the positive (green) and negative (pink) distances part, and the variances: " +
          "if they all shrink to 0 the embedding has collapsed.",
      ),
      h(
        "div",
        { class: "row" },
        field("loss", loss),
        field("mining (triplet)", mining),
        field("Adam lr", lr),
        field("seed", seed),
      ),
      h(
        "div",
        { class: "row" },
        field("steps per frame", perFrame),
        field("PCA every (steps)", projectEvery),
        start,
        pause,
        stop,
        shipped,
        tsneBtn,
      ),
      status,
    ),
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "output" },
        h("h3", null, "Loss and active triplets"),
        curves,
        h("h3", null, "Pair distances"),
        hist,
        h("h3", null, "Per-dimension variance"),
        vars,
      ),
      h("div", { class: "output" }, h("h3", null, "Held-out images, projected"), proj, legend),
    ),
    h(
      "section",
      { class: "controls" },
      h("h3", null, "Nearest neighbours"),
      h(
        "p",
        null,
        "Click a point in the projector, or give an image's number: its k nearest held-out images under the current net, with Euclidean distances.",
      ),
      h("div", { class: "row" }, field("query image #", queryIndex), field("k", kInput), queryBtn),
      neighbours,
    ),
    facesSection(models),
  );
}
