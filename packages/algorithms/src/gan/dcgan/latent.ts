// Walking G's latent space (host vectors z of zDim floats): lerp and slerp between two codes,
// the frames of a walk, vector arithmetic on averaged exemplars (Radford et al. §6.3: three
// exemplars per concept, since one sample's code is noisy), and finding the z that reproduces a
// given image by gradient descent through G.

import {
  backward,
  detach,
  engine,
  keep,
  mean,
  noGrad,
  optim,
  randn,
  square,
  tensor,
} from "@sheep/tensor";
import { PIXELS, SIDE } from "./data.ts";
import { type Generator, oneHotRows } from "./nets.ts";

/** (1 − t)·a + t·b. */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  sameLength("lerp", a, b);
  return Float32Array.from(a, (v, i) => (1 - t) * v + t * b[i]);
}

/**
 * Spherical interpolation (Shoemake 1985; White 2016 for GANs): along the great circle from a
 * to b, sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b with Ω the angle between them. Gaussian codes
 * of high dimension live near a sphere of radius √zDim; lerp's midpoints fall inside it (a
 * norm G never saw in training), slerp's keep the norm when ‖a‖ = ‖b‖.
 */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float32Array {
  sameLength("slerp", a, b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  const cos = Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
  const omega = Math.acos(cos);
  // (Anti)parallel codes: the great circle is undefined or sin Ω ≈ 0; lerp is the limit for Ω → 0.
  if (!(Math.sin(omega) > 1e-6)) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const wb = Math.sin(t * omega) / Math.sin(omega);
  return Float32Array.from(a, (v, i) => wa * v + wb * b[i]);
}

function sameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length)
    throw new Error(`${what}: codes of ${a.length} and ${b.length} values`);
}

/** `frames` codes from a to b (both included), by lerp or slerp. */
export function walk(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  frames: number,
  how: "lerp" | "slerp" = "slerp",
): Float32Array[] {
  if (!Number.isInteger(frames) || frames < 2) {
    throw new Error(`walk: frames ${frames} must be an integer ≥ 2`);
  }
  const f = how === "lerp" ? lerp : slerp;
  return Array.from({ length: frames }, (_, i) => f(a, b, i / (frames - 1)));
}

/** A standard normal code of `zDim` values from a seed (randn's draw for that seed). */
export async function codeOf(seed: number, zDim: number): Promise<Float32Array> {
  const t = randn([zDim], { seed });
  const out = Float32Array.from(await t.data());
  t.dispose();
  return out;
}

/** Images G makes from host codes (and classes for a conditional G): [n·784] in [−1, 1]. */
export async function generate(
  g: Generator,
  codes: readonly ArrayLike<number>[],
  classes?: ArrayLike<number>,
): Promise<Float32Array> {
  const n = codes.length;
  const z = new Float32Array(n * g.shape.zDim);
  codes.forEach((c, i) => {
    if (c.length !== g.shape.zDim)
      throw new Error(`generate: a code of ${c.length}, G takes ${g.shape.zDim}`);
    z.set(c, i * g.shape.zDim);
  });
  const was = g.training;
  g.eval();
  const k = g.shape.classes;
  const labels = classes ?? new Int32Array(n);
  const out = engine.tidy(() =>
    noGrad(() =>
      g.forward(tensor(z, { shape: [n, g.shape.zDim] }), k ? oneHotRows(labels, k) : undefined),
    ),
  );
  const host = Float32Array.from(await out.data());
  out.dispose();
  g.train(was);
  return host;
}

/** The mean of a concept's exemplar codes (three in the paper). */
export function meanCode(codes: readonly ArrayLike<number>[]): Float32Array {
  if (codes.length === 0) throw new Error("meanCode: needs at least one code");
  const out = new Float32Array(codes[0].length);
  for (const c of codes) {
    sameLength("meanCode", out, c);
    for (let i = 0; i < out.length; i++) out[i] += c[i] / codes.length;
  }
  return out;
}

/** mean(a) − mean(b) + mean(c): "smiling woman − neutral woman + neutral man". */
export function arithmetic(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  c: readonly ArrayLike<number>[],
): Float32Array {
  const [ma, mb, mc] = [meanCode(a), meanCode(b), meanCode(c)];
  return Float32Array.from(ma, (v, i) => v - mb[i] + mc[i]);
}

/** Mean pixel of an image in [−1, 1]: how much ink (light on dark) a sample has. */
export function ink(image: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < image.length; i++) s += image[i];
  return s / image.length;
}

/**
 * The concept the shipped generators separate most plainly on both data sets: stroke weight.
 * From `pool` seeds, the three boldest samples (a), the three thinnest (b) and three from the
 * middle of the ranking (c), for "bold − thin + ordinary"; seeds of each, boldest first.
 */
export async function inkExemplars(
  g: Generator,
  pool = 256,
): Promise<{ a: number[]; b: number[]; c: number[] }> {
  if (!Number.isInteger(pool) || pool < 9) {
    throw new Error(`inkExemplars: pool ${pool} must be an integer ≥ 9`);
  }
  const seeds = Array.from({ length: pool }, (_, i) => i);
  const images = await generate(g, await Promise.all(seeds.map((s) => codeOf(s, g.shape.zDim))));
  const by = seeds
    .map((s) => ({ s, ink: ink(images.subarray(s * PIXELS, (s + 1) * PIXELS)) }))
    .sort((x, y) => y.ink - x.ink);
  const mid = Math.floor(pool * (120 / 256));
  return {
    a: by.slice(0, 3).map((e) => e.s),
    b: by.slice(-3).map((e) => e.s),
    c: by.slice(mid, mid + 3).map((e) => e.s),
  };
}

export interface InvertOptions {
  steps?: number;
  lr?: number;
  /** Seed of the starting code. */
  seed?: number;
  class?: number;
}

/**
 * The code z whose G(z) is closest (mean squared error) to `target` [784] in [−1, 1]: Adam on z
 * through G in eval mode, G's weights frozen. GANs are not injective and their range misses most
 * images, so the error left at the end says how well G can draw the target at all.
 */
export async function invert(
  g: Generator,
  target: Float32Array,
  o: InvertOptions = {},
): Promise<{ z: Float32Array; image: Float32Array; mse: number; history: number[] }> {
  if (target.length !== PIXELS)
    throw new Error(`invert: target has ${target.length} values, need ${PIXELS}`);
  const steps = o.steps ?? 200;
  const was = g.training;
  g.eval();
  g.requiresGrad_(false);
  const z = keep(randn([1, g.shape.zDim], { seed: o.seed ?? 1 })).requiresGrad_();
  const y = keep(tensor(target, { shape: [1, 1, SIDE, SIDE] }));
  const cls = g.shape.classes ? keep(oneHotRows([o.class ?? 0], g.shape.classes)) : undefined;
  const opt = new optim.Adam([z], { lr: o.lr ?? 0.05 });
  const history: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const loss = engine.tidy(() => {
        opt.zeroGrad();
        const l = mean(square(g.forward(z, cls).sub(y)));
        backward(l);
        opt.step();
        return keep(detach(l));
      });
      if (s % 10 === 0 || s === steps - 1) history.push(await loss.item());
      loss.dispose();
      engine.flush();
    }
    const image = await generate(
      g,
      [Float32Array.from(await z.data())],
      o.class !== undefined ? [o.class] : undefined,
    );
    let mse = 0;
    for (let i = 0; i < PIXELS; i++) mse += (image[i] - target[i]) ** 2 / PIXELS;
    return { z: Float32Array.from(await z.data()), image, mse, history };
  } finally {
    opt.dispose();
    z.dispose();
    y.dispose();
    cls?.dispose();
    g.requiresGrad_(true);
    g.train(was);
  }
}
