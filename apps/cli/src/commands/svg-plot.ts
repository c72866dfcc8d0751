// A small line chart as SVG text: accuracy (%) against ε, one polyline per series, with axes,
// ticks and a legend. Plain strings, so the CLI needs no plotting library.

export interface Series {
  label: string;
  points: readonly [number, number][];
  colour: string;
  dashed?: boolean;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** y from 0 to 100; x from 0 to the largest ε of any series. */
export function accuracyPlot(title: string, series: readonly Series[]): string {
  const [w, h, left, right, top, bottom] = [560, 360, 56, 20, 36, 48];
  const xMax = Math.max(...series.flatMap((s) => s.points.map(([x]) => x)), 1e-9);
  const px = (x: number) => left + ((w - left - right) * x) / xMax;
  const py = (y: number) => h - bottom - ((h - top - bottom) * y) / 100;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let y = 0; y <= 100; y += 20) {
    out.push(
      `<line x1="${left}" x2="${w - right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${y}%</text>`,
    );
  }
  const ticks = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  for (const x of ticks) {
    out.push(`<text x="${px(x)}" y="${h - bottom + 16}" text-anchor="middle">${x}</text>`);
  }
  out.push(
    `<text x="${(left + w - right) / 2}" y="${h - 10}" text-anchor="middle">ε</text>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}" stroke="black"/>`,
    `<line x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}" stroke="black"/>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    out.push(
      `<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`,
    );
    for (const [x, y] of s.points) {
      out.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.colour}"/>`,
      );
    }
    const ly = top + 8 + 18 * i;
    out.push(
      `<line x1="${w - right - 230}" x2="${w - right - 205}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${dash}/>`,
      `<text x="${w - right - 198}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
