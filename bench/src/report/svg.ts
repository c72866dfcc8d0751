// The chart: GFLOP/s per VGG16 conv layer, ours against each peer, one panel per pass (forward,
// gradient to input, gradient to weight), on a log scale (CPU adapters put WASM 10× above
// WebGPU; GPUs put WebGPU 100× above WASM). Plain SVG written by hand: bars, grid, labels.

import { VGG16_CONVS } from "../suite/cases-cnn.ts";
import type { BenchResult, KernelRow, PeerName } from "../suite/types.ts";
import { inputSide, peersOf } from "./rows.ts";

const COLORS: Record<"ours" | PeerName, string> = {
  ours: "#1f6feb",
  "tfjs-webgpu": "#f0883e",
  "tfjs-wasm": "#bf8700",
  "ort-webgpu": "#8250df",
  "ort-wasm": "#6e7781",
};
const TITLES: Record<"ours" | PeerName, string> = {
  ours: "Electric Sheep",
  "tfjs-webgpu": "TF.js WebGPU",
  "tfjs-wasm": "TF.js WASM",
  "ort-webgpu": "ORT WebGPU",
  "ort-wasm": "ORT WASM",
};
const PASSES = [
  ["conv", "forward"],
  ["convGx", "gradient to input"],
  ["convGw", "gradient to weight"],
] as const;

const W = 960;
const PANEL = 200;
const LEFT = 64;
const TOP = 70;
const GAP = 46;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The chart for the largest input side with timed conv rows; null without any. */
export function convChart(r: BenchResult): string | null {
  const convs = r.kernels.filter((k) => k.layer && k.family.startsWith("conv"));
  const timed = convs.filter((k) => k.status === "ok");
  if (!timed.length) return null;
  const side = Math.max(...timed.map(inputSide));
  const rows = convs.filter((k) => inputSide(k) === side);
  const series: ("ours" | PeerName)[] = ["ours", ...peersOf(r)];
  const value = (k: KernelRow, s: "ours" | PeerName) =>
    s === "ours"
      ? k.status === "ok"
        ? k.gflops
        : undefined
      : k.peers[s]?.status === "ok"
        ? k.peers[s]?.gflops
        : undefined;
  const all = rows
    .flatMap((k) => series.map((s) => value(k, s)))
    .filter((v): v is number => !!v && v > 0);
  const peak = r.probe?.fmaGflops;
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, peak ?? 0)));
  const y = (v: number) => PANEL - (PANEL * Math.log10(v / lo)) / Math.log10(hi / lo);
  const layers = VGG16_CONVS.map((l) => l.layer);
  const slot = (W - LEFT - 20) / layers.length;
  const bar = Math.min(16, (slot - 12) / series.length);
  const height = TOP + PASSES.length * (PANEL + GAP) + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">GFLOP/s per VGG16 conv layer at ${side}×${side} input (log scale; higher is better)</text>`,
    `<text x="${LEFT}" y="40" fill="#555">${esc(`${r.device.adapter} — ${r.device.description || r.device.vendor} · ${r.runner} · ${r.mode} · ${r.date.slice(0, 10)} · commit ${r.commit.slice(0, 10)}`)}</text>`,
  ];
  series.forEach((s, i) => {
    const x = LEFT + i * 150;
    out.push(`<rect x="${x}" y="50" width="12" height="12" fill="${COLORS[s]}"/>`);
    out.push(`<text x="${x + 16}" y="60">${TITLES[s]}</text>`);
  });
  PASSES.forEach(([family, title], p) => {
    const top = TOP + p * (PANEL + GAP) + 16;
    out.push(`<g transform="translate(0 ${top})">`);
    out.push(`<text x="${LEFT}" y="-6" font-weight="bold">${title}</text>`);
    for (let v = lo; v <= hi * 1.0001; v *= 10) {
      out.push(`<line x1="${LEFT}" x2="${W - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
      out.push(
        `<text x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v >= 1 ? v : v.toPrecision(1)}</text>`,
      );
    }
    if (peak) {
      out.push(
        `<line x1="${LEFT}" x2="${W - 20}" y1="${y(peak)}" y2="${y(peak)}" stroke="#d1242f" stroke-dasharray="5 4"/>`,
      );
      out.push(
        `<text x="${W - 22}" y="${y(peak) - 4}" text-anchor="end" fill="#d1242f">probe FMA peak ${peak.toFixed(1)}</text>`,
      );
    }
    layers.forEach((layer, i) => {
      const k = rows.find((r2) => r2.family === family && r2.layer === layer);
      const x0 = LEFT + i * slot + (slot - bar * series.length) / 2;
      out.push(
        `<text x="${LEFT + i * slot + slot / 2}" y="${PANEL + 14}" text-anchor="middle">${layer}</text>`,
      );
      if (!k) return;
      if (k.status !== "ok") {
        const label = k.status === "failed" ? "failed" : "not run";
        out.push(
          `<text x="${LEFT + i * slot + slot / 2}" y="${PANEL - 6}" text-anchor="middle" fill="#d1242f">${label}</text>`,
        );
        return;
      }
      series.forEach((s, j) => {
        const v = value(k, s);
        if (!v) return;
        const top2 = y(Math.max(v, lo));
        out.push(
          `<rect x="${(x0 + j * bar).toFixed(1)}" y="${top2.toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${(PANEL - top2).toFixed(1)}" fill="${COLORS[s]}"><title>${TITLES[s]} ${layer}: ${v} GFLOP/s</title></rect>`,
        );
      });
    });
    out.push(`<line x1="${LEFT}" x2="${W - 20}" y1="${PANEL}" y2="${PANEL}" stroke="#333"/>`);
    out.push("</g>");
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
