// The built-in sample picture, drawn procedurally at any size (no image file to ship or
// license): an evening sky, a sun, rolling hills and a few sheep — shapes, edges and colours
// enough for a network to find things in, so a first-time visitor can press "Dream" at once.

import type { RgbaImage } from "@sheep/io/browser";
import { canvasToRgba } from "./canvas.ts";

/** A small deterministic generator (the sheep land in the same places every time). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function sheep(ctx: OffscreenCanvasRenderingContext2D, x: number, y: number, r: number): void {
  // wool: overlapping puffs; then head and legs in dark grey
  ctx.fillStyle = "#f4f1ea";
  for (const [dx, dy] of [
    [-0.6, 0],
    [0, -0.35],
    [0.6, 0],
    [0, 0.25],
    [-0.3, -0.2],
    [0.3, -0.2],
  ]) {
    ctx.beginPath();
    ctx.arc(x + dx * r, y + dy * r, r * 0.55, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.fillStyle = "#2d2a32";
  ctx.beginPath();
  ctx.ellipse(x + r * 1.05, y - r * 0.1, r * 0.32, r * 0.24, -0.3, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillRect(x - r * 0.5, y + r * 0.5, r * 0.14, r * 0.45);
  ctx.fillRect(x + r * 0.4, y + r * 0.5, r * 0.14, r * 0.45);
}

/** The sample picture at width × height. */
export function samplePicture(width: number, height: number): RgbaImage {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext("2d", { willReadFrequently: true })!;
  const s = Math.min(width, height);
  const sky = ctx.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, "#1d2b64");
  sky.addColorStop(0.55, "#f8a170");
  sky.addColorStop(1, "#fcd581");
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, width, height);

  const sun = ctx.createRadialGradient(
    width * 0.7,
    height * 0.42,
    0,
    width * 0.7,
    height * 0.42,
    s * 0.16,
  );
  sun.addColorStop(0, "#fff6d5");
  sun.addColorStop(1, "rgba(255, 200, 120, 0)");
  ctx.fillStyle = sun;
  ctx.fillRect(0, 0, width, height);

  // three hills, far (blue-green) to near (green), each a sum of two sine waves
  const hills = [
    ["#4a6b6f", 0.55, 0.06, 2.1],
    ["#3f7d4e", 0.66, 0.05, 3.3],
    ["#5a9c3f", 0.78, 0.04, 1.7],
  ] as const;
  for (const [colour, level, amp, freq] of hills) {
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.moveTo(0, height);
    for (let x = 0; x <= width; x += Math.max(1, width / 64)) {
      const u = x / width;
      const y =
        level + amp * Math.sin(u * freq * Math.PI + level * 9) + amp * 0.4 * Math.sin(u * 11);
      ctx.lineTo(x, y * height);
    }
    ctx.lineTo(width, height);
    ctx.fill();
  }

  const rnd = random(6);
  for (let i = 0; i < 5; i++) {
    const x = width * (0.12 + 0.78 * rnd());
    const y = height * (0.74 + 0.18 * rnd());
    sheep(ctx, x, y, s * (0.035 + 0.03 * (y / height - 0.7)));
  }
  return canvasToRgba(c);
}
