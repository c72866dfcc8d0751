// A per-layer loss chart of a style-transfer run as SVG text: one line per term (content, each
// style layer, TV) over the steps, on a log scale, since the terms differ by orders of magnitude
// and each falls by several. Plain strings: the demo sets it as innerHTML, the README ships it.

import type { StyleStep } from "./stylize.ts";

const COLOURS = [
  "#222",
  "#d62728",
  "#ff7f0e",
  "#2ca02c",
  "#1f77b4",
  "#9467bd",
  "#8c564b",
  "#e377c2",
];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The series to draw: content, each style layer, tv (those that are ever > 0). */
function series(record: readonly StyleStep[]): [string, number[]][] {
  if (record.length === 0) return [];
  const names = Object.keys(record[0].style);
  const all: [string, number[]][] = [
    ["content", record.map((r) => r.content)],
    ...names.map((n): [string, number[]] => [n, record.map((r) => r.style[n])]),
    ["tv", record.map((r) => r.tv)],
  ];
  return all.filter(([, v]) => v.some((x) => x > 0));
}

export function lossChartSvg(
  record: readonly StyleStep[],
  opts: { width?: number; height?: number; title?: string } = {},
): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 320;
  const pad = { l: 56, r: 150, t: opts.title ? 28 : 12, b: 32 };
  const lines = series(record);
  const values = lines.flatMap(([, v]) => v.filter((x) => x > 0));
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
  const n = Math.max(record.length - 1, 1);
  const x = (i: number) => pad.l + (i / n) * (W - pad.l - pad.r);
  const y = (v: number) =>
    pad.t + ((hi - Math.log10(Math.max(v, 10 ** lo))) / (hi - lo || 1)) * (H - pad.t - pad.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  ];
  if (opts.title) out.push(`<text x="${pad.l}" y="16" font-size="13">${esc(opts.title)}</text>`);
  for (let e = lo; e <= hi; e++) {
    out.push(
      `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`,
      `<text x="${pad.l - 6}" y="${y(10 ** e) + 4}" text-anchor="end">1e${e}</text>`,
    );
  }
  out.push(
    `<text x="${(pad.l + W - pad.r) / 2}" y="${H - 8}" text-anchor="middle">step (${record.length})</text>`,
  );
  lines.forEach(([name, v], k) => {
    const colour = COLOURS[k % COLOURS.length];
    const d = v.map((val, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(val).toFixed(1)}`).join("");
    out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    const ly = pad.t + 14 * k + 8;
    out.push(
      `<line x1="${W - pad.r + 10}" x2="${W - pad.r + 26}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${W - pad.r + 30}" y="${ly + 4}">${esc(name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
}
