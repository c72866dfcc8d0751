// Markdown tables of one run: the VGG16 conv layers, the other kernels, the pipelines, and how
// the run stands against the issue's targets. Every number comes from the result file.

import { VGG16_CONVS } from "../suite/cases-cnn.ts";
import type { BenchResult, KernelRow, PeerCell, PeerName } from "../suite/types.ts";
import { inputSide, peersOf } from "./rows.ts";
import { convTargets } from "./targets.ts";

const PEER_TITLE: Record<PeerName, string> = {
  "tfjs-webgpu": "TF.js WebGPU",
  "tfjs-wasm": "TF.js WASM",
  "ort-webgpu": "ORT WebGPU",
  "ort-wasm": "ORT WASM",
};

/** 3 significant digits, without exponent notation for the sizes we see. */
export function num(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** A peer cell: "2.31× · 1.9" (peer time ÷ ours, then the peer's GFLOP/s or GB/s). */
function peerCell(c: PeerCell | undefined, bandwidth: boolean): string {
  if (!c) return "n/a";
  if (c.status === "failed") return `failed${c.note ? `: ${short(c.note)}` : ""}`;
  if (c.status === "skipped") return "n/a";
  if (c.speedup === undefined) return "–";
  return `${num(c.speedup)}× · ${num(bandwidth ? c.gbs : c.gflops)}`;
}

const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s).replace(/\|/g, "/");

function oursCells(k: KernelRow): string[] {
  if (k.status === "failed") return [`**FAILED**: ${short(k.note ?? "")}`, "", ""];
  if (k.status === "skipped") return [`skipped: ${short(k.note ?? "")}`, "", ""];
  return [num(k.ours?.ms), num(k.gflops), num(k.pctFma)];
}

/** The grid of the dispatch that took longest, and its share of the row's GPU time. */
function mainDispatch(k: KernelRow): string {
  const d = k.dispatches ?? [];
  const timed = d.filter((x) => x.ms !== null);
  if (!timed.length) return "–";
  const main = timed.reduce((a, b) => ((b.ms ?? 0) > (a.ms ?? 0) ? b : a));
  const total = timed.reduce((s, x) => s + (x.ms ?? 0), 0);
  return `${main.workgroups.join("×")} (${Math.round((100 * (main.ms ?? 0)) / Math.max(total, 1e-9))}%)`;
}

/**
 * The VGG16 conv rows. `full` (REPORT.md) adds the main dispatch's grid and keeps every input
 * side; the README keeps the largest side only.
 */
export function convTable(r: BenchResult, full = false): string {
  const peers = peersOf(r);
  const all = r.kernels.filter((k) => k.layer && k.family.startsWith("conv"));
  const top = Math.max(0, ...all.filter((k) => k.status === "ok").map(inputSide));
  const rows = full ? all : all.filter((k) => inputSide(k) === top);
  const grids = full;
  if (!rows.length) return "";
  const titles = peers.map((p) => `vs ${PEER_TITLE[p]}`);
  const head = ["layer", "channels", "side", "pass", "ours ms", "GFLOP/s", "% FMA"];
  if (grids) head.push("main grid");
  head.push(...titles);
  const lines = rows.map((k) => {
    const pass = k.family === "conv" ? "forward" : k.family === "convGx" ? "grad x" : "grad w";
    const l = VGG16_CONVS.find((v) => v.layer === k.layer);
    const side = /(\d+²)$/.exec(k.name)?.[1] ?? "";
    const cells = [k.layer ?? "", l ? `${l.cin}→${l.cout}` : "", side, pass];
    const grid = grids ? [k.status === "ok" ? mainDispatch(k) : ""] : [];
    return [...cells, ...oursCells(k), ...grid, ...peers.map((p) => peerCell(k.peers[p], false))];
  });
  return table(head, lines);
}

export function kernelTable(r: BenchResult): string {
  const peers = peersOf(r);
  const rows = r.kernels.filter((k) => !k.family.startsWith("conv"));
  if (!rows.length) return "";
  const head = [
    "kernel",
    "shape",
    "ours ms",
    "GFLOP/s",
    "GB/s",
    "% FMA",
    "% BW",
    ...peers.map((p) => `vs ${PEER_TITLE[p]}`),
  ];
  const lines = rows.map((k) => {
    const bw = ["maxpool", "reduce", "elementwise"].includes(k.family);
    const ours =
      k.status === "ok"
        ? [num(k.ours?.ms), num(k.gflops), num(k.gbs), num(k.pctFma), num(k.pctBw)]
        : [`**${k.status.toUpperCase()}**: ${short(k.note ?? "")}`, "", "", "", ""];
    return [k.name, k.shape, ...ours, ...peers.map((p) => peerCell(k.peers[p], bw))];
  });
  return table(head, lines);
}

export function pipelineTable(r: BenchResult): string {
  if (!r.pipelines.length) return "";
  const peers = peersOf(r).filter((p) => r.pipelines.some((x) => x.peers?.[p]));
  const head = [
    "pipeline",
    "step",
    "ours ms",
    "GFLOP/s",
    "% FMA",
    "dispatches",
    "submits",
    ...peers.map((p) => `vs ${PEER_TITLE[p]}`),
  ];
  const lines = r.pipelines.map((p) =>
    p.status === "ok"
      ? [
          p.name,
          p.config ?? "",
          num(p.time?.ms),
          num(p.gflops),
          num(p.pctFma),
          String(p.dispatches ?? "–"),
          String(p.submits ?? "–"),
          ...peers.map((n) => peerCell(p.peers?.[n], false)),
        ]
      : [p.name, `${p.status}: ${short(p.note ?? "")}`, "", "", "", "", "", ...peers.map(() => "")],
  );
  return table(head, lines);
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The header block of one run: device, versions, probe, the exact command. */
export function runHeader(r: BenchResult, command: string): string {
  const d = r.device;
  const where =
    r.runner === "chrome"
      ? `headless Chromium ${r.env.browser ?? ""}`
      : `Node ${r.env.node} + ${r.env.dawn}`;
  const load = r.env.loadavg
    ? `; load average ${r.env.loadavg[0]} → ${r.env.loadavg[1]} on ${r.env.cpus} CPUs`
    : "";
  const probe = r.probe
    ? `Probe: **${num(r.probe.fmaGflops)} GFLOP/s** FMA, **${num(r.probe.bandwidthGBs)} GB/s** copy (${r.probe.basis}).`
    : "No probe.";
  return [
    `**${d.adapter}** — ${d.description || d.vendor || "?"} (${d.architecture || "?"}) · ${where} · ${r.mode} mode · ` +
      `${r.date.slice(0, 16).replace("T", " ")} UTC · commit \`${r.commit.slice(0, 10)}\`` +
      `${r.env.dirtyFiles ? ` + uncommitted changes in ${r.env.dirtyFiles} files` : ""}${load}`,
    "",
    `${probe} Times are ${d.timestamps ? "GPU timestamps summed per dispatch" : "wall clock to onSubmittedWorkDone"}, ` +
      "medians after warm-up; “vs X” cells are X's time ÷ ours on the same basis (above 1: we are faster) · X's GFLOP/s (GB/s for memory-bound rows).",
    "",
    "```sh",
    command,
    "```",
  ].join("\n");
}

export function targetLines(r: BenchResult): string {
  return convTargets(r)
    .map((t) => `- ${t}`)
    .join("\n");
}
