// The engine page: which adapter the engine got and what it may do (limits, features), the
// GPU memory it holds right now, and the dispatches of the last traced step.

import { type BackendInfo, engine } from "@sheep/tensor";
import { runJob } from "../jobs.ts";
import { fmtBytes, h, replace } from "../ui/dom.ts";
import { ProgressView } from "../ui/progress.ts";
import { deviceInfo, deviceLost, onDevice } from "./device.ts";
import { lastTrace, onTrace, type TraceResult } from "./trace.ts";
import { renderTrace } from "./trace-view.ts";

const LIMIT_NOTES: Record<string, string> = {
  maxBufferSize: "largest buffer",
  maxStorageBufferBindingSize: "largest tensor one kernel can bind",
  maxComputeWorkgroupStorageSize: "shared memory per workgroup",
  maxComputeInvocationsPerWorkgroup: "threads per workgroup",
  maxComputeWorkgroupsPerDimension: "workgroups per grid dimension",
  maxStorageBuffersPerShaderStage: "storage buffers per kernel",
};

/** Browsers often leave the description empty (privacy): fall back to vendor and architecture. */
function adapterName(info: BackendInfo): string {
  const parts = [info.vendor, info.architecture].filter(Boolean).join(" ");
  return info.description || info.device || parts || info.adapter;
}

function adapterCard(info: BackendInfo): HTMLElement {
  const kv = (k: string, v: string) => h("tr", null, h("th", null, k), h("td", null, v || "—"));
  return h(
    "div",
    { class: "card" },
    h("h3", null, "Adapter"),
    h("p", { class: "adapter-name" }, adapterName(info)),
    h(
      "table",
      { class: "kv" },
      kv("engine name", info.adapter),
      kv("vendor", info.vendor),
      kv("architecture", info.architecture),
      kv("device", info.device),
      kv(
        "runs on",
        info.isFallbackAdapter ? "the CPU (a fallback adapter: correct, slow)" : "the GPU",
      ),
      kv("WebGPU from", info.source),
      info.subgroupMinSize ? kv("subgroup size", `≥ ${info.subgroupMinSize}`) : null,
    ),
  );
}

function limitsCard(info: BackendInfo): HTMLElement {
  const rows = Object.entries(info.limits).map(([name, v]) =>
    h(
      "tr",
      null,
      h("th", null, name, h("small", null, LIMIT_NOTES[name] ?? "")),
      h("td", null, /Size$/.test(name) ? `${fmtBytes(v)}` : v.toLocaleString("en")),
    ),
  );
  return h(
    "div",
    { class: "card" },
    h("h3", null, "Limits (as requested from the adapter)"),
    h("table", { class: "kv limits" }, ...rows),
  );
}

function featuresCard(info: BackendInfo): HTMLElement {
  const list = h(
    "div",
    { class: "chips" },
    ...info.features.map((f) => h("span", { class: "chip on" }, f)),
  );
  for (const f of info.adapterFeatures) {
    if (!info.features.includes(f)) list.append(h("span", { class: "chip" }, f));
  }
  return h(
    "div",
    { class: "card features" },
    h("h3", null, "Features"),
    h(
      "p",
      { class: "muted small" },
      "Highlighted: enabled and used by the engine. Grey: offered by the adapter.",
    ),
    list,
  );
}

/** Live memory: numbers and a sparkline of bytes on the GPU over the last minute. */
function memoryCard(): { el: HTMLElement; tick: () => void } {
  const nums = h("div", { class: "stats" });
  const spark = h("canvas", { class: "spark", width: 240, height: 40 });
  const history: number[] = [];
  const tick = () => {
    if (deviceLost()) {
      replace(nums, h("p", { class: "muted" }, "the device is being replaced…"));
      return;
    }
    const m = engine.memory();
    history.push(m.bytes + m.pooledBytes + m.cachedBytes);
    if (history.length > 60) history.shift();
    replace(
      nums,
      ...[
        ["in tensors", fmtBytes(m.bytes)],
        ["pooled for reuse", fmtBytes(m.pooledBytes)],
        ["packed weights kept", fmtBytes(m.cachedBytes)],
        ["storages", String(m.storages)],
        ["live tensors", String(m.tensors)],
      ].map(([k, v]) => h("div", { class: "stat" }, h("b", null, v), h("small", null, k))),
    );
    const ctx = spark.getContext("2d")!;
    const max = Math.max(...history, 1);
    ctx.clearRect(0, 0, spark.width, spark.height);
    ctx.strokeStyle = "#8bd3ff";
    ctx.beginPath();
    for (const [i, b] of history.entries()) {
      ctx.lineTo((i / 59) * spark.width, spark.height - 2 - (b / max) * (spark.height - 4));
    }
    ctx.stroke();
  };
  const el = h(
    "div",
    { class: "card" },
    h("h3", null, "GPU memory (live)"),
    nums,
    spark,
    h(
      "p",
      { class: "muted small" },
      "Buffers the engine holds, refreshed every second; the line is the last minute.",
    ),
  );
  return { el, tick };
}

/**
 * The engine page. `traceNow` traces one step of the current page's job (its model, picture and
 * objective); the result arrives through onTrace like every job's own trace.
 */
export function enginePanel(traceNow: () => Promise<TraceResult>): HTMLElement {
  const top = h("div", { class: "cards" });
  const memory = memoryCard();
  const traceBody = h("div", { id: "trace" }, renderTrace(lastTrace()));
  // Tracing is a (short) job: it must not interleave with a running dream.
  const progress = new ProgressView("step", "trace-progress");
  const button = h(
    "button",
    { type: "button", class: "primary", id: "trace-run", dataset: { run: "trace" } },
    "Trace a step",
  );
  button.addEventListener("click", () => {
    void runJob({
      name: "Trace",
      progress,
      run: async () => {
        const t = (await traceNow()) as TraceResult;
        return `${t.records.length} dispatches`;
      },
    });
  });
  const render = () => {
    const info = deviceInfo();
    replace(top, adapterCard(info), memory.el, limitsCard(info), featuresCard(info));
  };
  render();
  onDevice((e) => {
    if (e.kind === "recovered") render();
  });
  onTrace((t) => replace(traceBody, renderTrace(t)));
  setInterval(memory.tick, 1000);
  memory.tick();
  return h(
    "section",
    { class: "page engine-page" },
    top,
    h(
      "div",
      { class: "card wide" },
      h("div", { class: "card-head" }, h("h3", null, "Last step, dispatch by dispatch"), button),
      h(
        "p",
        { class: "muted small" },
        "Every job traces one step with engine.trace(): dreamStep from @sheep/algorithms, " +
          "the step dream() repeats — the roll, forward to the objective, backward to the " +
          "image, the update. ",
        "The same records come from `await engine.trace(fn)` in your own code.",
      ),
      progress.el,
      traceBody,
    ),
  );
}
