// The 2-D targets of the toy GAN lab: 8 Gaussians on a ring and a 5×5 grid of 25 (the mode
// collapse benchmarks of Metz et al. 2017 and later papers), a swiss roll, two moons, and
// points the user draws. Sampled on the host with a seeded generator (a batch is a few KiB,
// uploaded inside the step's command buffer), so a seed gives the same data on every backend.

import { type Rng, rng } from "../../common/rng.ts";

export type ToyDataName = "ring8" | "grid25" | "swissroll" | "moons";

export const TOY_DATA: readonly ToyDataName[] = ["ring8", "grid25", "swissroll", "moons"];

/** A target distribution: how to draw n points, and its modes when it has any. */
export interface ToyData {
  name: string;
  /** Centres of the mixture's components ([] for the continuous shapes). */
  modes: [number, number][];
  /** Standard deviation of every component: a sample within 3σ of its mode is "high quality". */
  std: number;
  /** Half the side of the square the lab plots, centred on 0. */
  extent: number;
  /** n points as [x0, y0, x1, y1, …]. */
  sample(n: number, r: Rng): Float32Array;
}

/** Standard normal from two uniforms (Box–Muller). */
function gauss(r: Rng): number {
  const u = 1 - r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}

function mixture(name: string, modes: [number, number][], std: number, extent: number): ToyData {
  return {
    name,
    modes,
    std,
    extent,
    sample(n, r) {
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const [mx, my] = modes[r.int(0, modes.length - 1)];
        out[2 * i] = mx + std * gauss(r);
        out[2 * i + 1] = my + std * gauss(r);
      }
      return out;
    },
  };
}

function shape(name: string, extent: number, point: (r: Rng) => [number, number]): ToyData {
  return {
    name,
    modes: [],
    std: 0,
    extent,
    sample(n, r) {
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) [out[2 * i], out[2 * i + 1]] = point(r);
      return out;
    },
  };
}

export interface ToyDataOptions {
  /** Override the components' standard deviation (ring8 0.02 as in Metz et al.; grid25 0.05). */
  std?: number;
}

/** One of the named targets. */
export function toyData(name: ToyDataName, opts: ToyDataOptions = {}): ToyData {
  const std = opts.std;
  if (std !== undefined && !(std > 0 && std < 10)) {
    throw new Error(`toyData: std ${std} must be in (0, 10)`);
  }
  switch (name) {
    case "ring8": {
      // Radius 2, as in the Unrolled GAN paper.
      const modes = Array.from({ length: 8 }, (_, k): [number, number] => {
        const a = (2 * Math.PI * k) / 8;
        return [2 * Math.cos(a), 2 * Math.sin(a)];
      });
      return mixture(name, modes, std ?? 0.02, 3);
    }
    case "grid25": {
      const modes: [number, number][] = [];
      for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) modes.push([2 * i, 2 * j]);
      return mixture(name, modes, std ?? 0.05, 6);
    }
    case "swissroll":
      // t ∈ [1.5π, 4.5π] unrolled on the spiral (t cos t, t sin t), scaled into ±3.
      return shape(name, 3.5, (r) => {
        const t = 1.5 * Math.PI * (1 + 2 * r.next());
        const s = std ?? 0.05;
        return [(t * Math.cos(t)) / 5 + s * gauss(r), (t * Math.sin(t)) / 5 + s * gauss(r)];
      });
    case "moons":
      // Two interleaved half circles (scikit-learn's make_moons), centred on 0.
      return shape(name, 2.5, (r) => {
        const a = Math.PI * r.next();
        const s = std ?? 0.05;
        const upper = r.next() < 0.5;
        const [x, y] = upper ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
        return [x - 0.5 + s * gauss(r), y - 0.25 + s * gauss(r)];
      });
    default:
      throw new Error(`toyData: "${name}" is not one of ${TOY_DATA.join(", ")} (or drawn points)`);
  }
}

/**
 * Points the user drew, as a mixture with one component per point (each a mode for the
 * metrics). 1 to 1000 finite points.
 */
export function drawnData(points: readonly (readonly [number, number])[], std = 0.05): ToyData {
  if (points.length < 1 || points.length > 1000) {
    throw new Error(`drawnData: got ${points.length} points; draw between 1 and 1000`);
  }
  const bad = points.findIndex((p) => p.length !== 2 || !p.every(Number.isFinite));
  if (bad >= 0) throw new Error(`drawnData: point ${bad} is not two finite numbers`);
  if (!(std > 0)) throw new Error(`drawnData: std ${std} must be > 0`);
  const extent = Math.max(1, ...points.flat().map((v) => Math.abs(v) * 1.25));
  return mixture(
    "drawn",
    points.map(([x, y]) => [x, y]),
    std,
    extent,
  );
}

export { rng };
