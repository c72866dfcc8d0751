// What the lab draws, as data: D's output over the plane (the heat map), G's image of a grid in
// the latent plane (the warped grid), D's input gradient at generated samples (the arrows), and
// a frame rendered on the host (real vs generated points over the heat map) for the CLI's PNGs.

import { engine, fromHost, noGrad, sigmoid, type Tensor } from "@sheep/tensor";
import type { GanLoss } from "./losses.ts";
import type { ToyGan } from "./train.ts";

/** n × n points covering [−extent, extent]², row-major from the top-left, as [x0, y0, …]. */
export function planeGrid(n: number, extent: number): Float32Array {
  const out = new Float32Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[2 * (i * n + j)] = -extent + (2 * extent * (j + 0.5)) / n;
      out[2 * (i * n + j) + 1] = extent - (2 * extent * (i + 0.5)) / n;
    }
  }
  return out;
}

/** Losses whose D outputs a logit (shown as σ(D), a probability); the others show raw values. */
const LOGIT: readonly GanLoss[] = ["minimax", "ns", "r1"];

async function read(t: Tensor): Promise<Float32Array> {
  const host = Float32Array.from(await t.data());
  t.dispose();
  return host;
}

/** D over an n × n grid of the plane: σ(D) for the logit losses, D itself for the others. */
export async function discriminatorMap(gan: ToyGan, n: number): Promise<Float32Array> {
  const { backend, loss } = gan.config;
  const out = engine.tidy(() =>
    noGrad(() => {
      const x = fromHost(planeGrid(n, gan.data.extent), [n * n, 2], { backend });
      const d = gan.d.forward(x);
      return LOGIT.includes(loss) ? sigmoid(d) : d;
    }),
  );
  return read(out);
}

/**
 * G applied to an n × n grid over [−2, 2]² of the latent plane (zDim 2 only; larger latents are
 * padded with zeros): the lab draws its rows and columns as a warped mesh.
 */
export async function generatorGrid(gan: ToyGan, n: number): Promise<Float32Array> {
  const { backend, zDim } = gan.config;
  const plane = planeGrid(n, 2);
  const z = new Float32Array(n * n * zDim);
  for (let k = 0; k < n * n; k++) {
    z[k * zDim] = plane[2 * k];
    if (zDim > 1) z[k * zDim + 1] = plane[2 * k + 1];
  }
  const out = engine.tidy(() =>
    noGrad(() => gan.g.forward(fromHost(z, [n * n, zDim], { backend }))),
  );
  return read(out);
}

/** ∇ₓD at the given points [x0, y0, …]: the direction that makes a sample look more real. */
export async function discriminatorArrows(
  gan: ToyGan,
  points: Float32Array,
): Promise<Float32Array> {
  const n = points.length / 2;
  const out = engine.tidy(() =>
    noGrad(() => gan.d.inputGrad(fromHost(points, [n, 2], { backend: gan.config.backend })).gx),
  );
  return read(out);
}

export interface FrameImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface FrameInput {
  size: number;
  extent: number;
  real: Float32Array;
  fake: Float32Array;
  /** Optional m × m heat map values (row-major from the top-left), normalised to [0, 1] here. */
  heat?: { n: number; values: Float32Array };
}

/** A square frame: the heat map (dark blue = fake, light = real), real points green, fake pink. */
export function renderFrame(f: FrameInput): FrameImage {
  const { size, extent } = f;
  const data = new Uint8ClampedArray(size * size * 4);
  let lo = 0;
  let hi = 1;
  if (f.heat) {
    lo = Math.min(...f.heat.values);
    hi = Math.max(...f.heat.values);
    if (hi - lo < 1e-6) hi = lo + 1e-6;
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0.5;
      if (f.heat) {
        const m = f.heat.n;
        const cell = Math.floor((y * m) / size) * m + Math.floor((x * m) / size);
        v = (f.heat.values[cell] - lo) / (hi - lo);
      }
      const o = 4 * (y * size + x);
      data[o] = 20 + 200 * v;
      data[o + 1] = 30 + 200 * v;
      data[o + 2] = 90 + 150 * v;
      data[o + 3] = 255;
    }
  }
  const dot = (pts: Float32Array, rgb: [number, number, number]) => {
    for (let i = 0; i < pts.length / 2; i++) {
      const px = Math.round(((pts[2 * i] + extent) / (2 * extent)) * size);
      const py = Math.round(((extent - pts[2 * i + 1]) / (2 * extent)) * size);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [qx, qy] = [px + dx, py + dy];
          if (qx < 0 || qy < 0 || qx >= size || qy >= size) continue;
          data.set([...rgb, 255], 4 * (qy * size + qx));
        }
      }
    }
  };
  dot(f.real, [40, 200, 90]);
  dot(f.fake, [240, 60, 160]);
  return { width: size, height: size, data };
}
