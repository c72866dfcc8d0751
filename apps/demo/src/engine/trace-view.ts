// The dispatches of the last traced step, as people who study the engine want to read them: a
// summary (how many kernels, GPU time, FLOPs, bytes), the time per kernel, and every dispatch
// in order — op, kernel, workgroups, bytes, FLOPs, time — each opening to the WGSL it ran.

import type { DispatchRecord } from "@sheep/tensor";
import { fmtBytes, fmtCount, h } from "../ui/dom.ts";
import type { TraceResult } from "./trace.ts";

const ms = (t: number | null) =>
  t === null ? "—" : t < 0.1 ? `${(t * 1000).toFixed(0)} µs` : `${t.toFixed(2)} ms`;

/** Achieved GFLOP/s (or GB/s when a kernel does no arithmetic worth counting). */
function rate(r: Pick<DispatchRecord, "flops" | "bytes" | "timeMs">): string {
  if (!r.timeMs || r.timeMs <= 0) return "—";
  if (r.flops > 0) return `${(r.flops / r.timeMs / 1e6).toFixed(2)} GFLOP/s`;
  return `${(r.bytes / r.timeMs / 1e6).toFixed(2)} GB/s`;
}

function row(cells: (string | Node)[], cls: string): HTMLElement {
  return h("div", { class: `trace-row ${cls}` }, ...cells.map((c) => h("span", null, c)));
}

const HEAD = ["#", "op", "kernel", "workgroups", "bytes", "FLOPs", "time", "rate"];

/** One dispatch: a summary line that opens to the kernel's WGSL. */
function dispatch(r: DispatchRecord, i: number): HTMLElement {
  const summary = h(
    "summary",
    { class: "trace-row" },
    ...[
      String(i + 1),
      r.op,
      r.kernel,
      r.workgroups.join(" × "),
      fmtBytes(r.bytes),
      fmtCount(r.flops),
      ms(r.timeMs),
      rate(r),
    ].map((c, k) => h("span", { class: k === 2 ? "kernel" : undefined }, c)),
  );
  const details = h("details", { class: "dispatch" }, summary);
  // The WGSL is rendered when first opened: a VGG step has hundreds of dispatches.
  details.addEventListener("toggle", () => {
    if (details.open && !details.querySelector("pre")) {
      details.append(h("pre", { class: "wgsl" }, h("code", null, r.wgsl || "(no WGSL recorded)")));
    }
  });
  return details;
}

/** A percentage with a bar behind it (a gradient: no extra element to position). */
function share(percent: number): HTMLElement {
  const bar = `linear-gradient(90deg, #2b5d84aa ${percent}%, transparent ${percent}%)`;
  return h("span", { class: "share", style: `background: ${bar}` }, `${percent.toFixed(1)} %`);
}

/** Time per kernel, most expensive first. */
function byKernel(records: DispatchRecord[]): HTMLElement {
  const groups = new Map<string, { n: number; time: number; flops: number; bytes: number }>();
  for (const r of records) {
    const g = groups.get(r.kernel) ?? { n: 0, time: 0, flops: 0, bytes: 0 };
    g.n++;
    g.time += r.timeMs ?? 0;
    g.flops += r.flops;
    g.bytes += r.bytes;
    groups.set(r.kernel, g);
  }
  const total = records.reduce((t, r) => t + (r.timeMs ?? 0), 0) || 1;
  const sorted = [...groups].sort((a, b) => b[1].time - a[1].time);
  return h(
    "div",
    { class: "kernels" },
    row(["kernel", "dispatches", "time", "share", "FLOPs", "rate"], "head"),
    ...sorted.map(([kernel, g]) =>
      row(
        [
          h("span", { class: "kernel" }, kernel),
          String(g.n),
          ms(g.time),
          share((100 * g.time) / total),
          fmtCount(g.flops),
          rate({ flops: g.flops, bytes: g.bytes, timeMs: g.time }),
        ],
        "",
      ),
    ),
  );
}

/** The whole trace section's content for `t` (or a hint when nothing is traced yet). */
export function renderTrace(t: TraceResult | null): HTMLElement {
  if (!t) {
    return h("p", { class: "muted" }, "No step traced yet: run a job, or press “Trace a step”.");
  }
  const { records } = t;
  const time = records.reduce((s, r) => s + (r.timeMs ?? 0), 0);
  const flops = records.reduce((s, r) => s + r.flops, 0);
  const bytes = records.reduce((s, r) => s + r.bytes, 0);
  const timing = records[0]?.timing ?? "none";
  const how =
    timing === "timestamp"
      ? "GPU time from timestamp queries"
      : timing === "wall"
        ? "wall time of each dispatch submitted alone (no timestamp queries on this adapter)"
        : "no timings on this adapter";
  return h(
    "div",
    { class: "trace" },
    h(
      "p",
      { class: "trace-label" },
      t.label,
      h("span", { class: "muted" }, ` · traced ${t.at.toLocaleTimeString()}`),
    ),
    h(
      "div",
      { class: "stats" },
      stat("dispatches", String(records.length)),
      stat("GPU time", ms(time)),
      stat("FLOPs", fmtCount(flops)),
      stat("bytes moved", fmtBytes(bytes)),
      stat("achieved", rate({ flops, bytes, timeMs: time })),
    ),
    h(
      "p",
      { class: "muted small" },
      `Times: ${how}. Bytes: the least each kernel must read and write.`,
    ),
    h("h4", null, "Time per kernel"),
    byKernel(records),
    h("h4", null, "Every dispatch, in order (click one for its WGSL)"),
    h("div", { class: "dispatches" }, row(HEAD, "head"), ...records.map(dispatch)),
  );
}

function stat(label: string, value: string): HTMLElement {
  return h("div", { class: "stat" }, h("b", null, value), h("small", null, label));
}
