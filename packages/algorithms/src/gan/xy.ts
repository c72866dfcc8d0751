// The xy game: min over x, max over y of V(x, y) = x·y, the smallest game on which gradient
// methods fail. Its only equilibrium is (0, 0). Each method below is a map of the plane; the
// linear ones have a closed form, so the lab can say exactly why a trajectory spirals out,
// cycles or converges. Plain float64 numbers: two scalars need no GPU.

/** How the players step. */
export type XyMethod = "gd" | "alt" | "eg" | "ogd" | "consensus" | "momentum";

export const XY_METHODS: readonly XyMethod[] = ["gd", "alt", "eg", "ogd", "consensus", "momentum"];

export interface XyOptions {
  method: XyMethod;
  /** Step size η of both players. */
  lr: number;
  steps: number;
  /** Starting point (default (1, 1)). */
  start?: readonly [number, number];
  /** Consensus optimisation's weight γ on ∇½‖F‖² (default 1). */
  gamma?: number;
  /** Heavy-ball momentum β of "momentum" (alternating steps; default −0.5, Gidel et al. 2019). */
  beta?: number;
}

export interface XyPoint {
  x: number;
  y: number;
}

export interface XyResult {
  method: XyMethod;
  lr: number;
  /** steps + 1 points, the start first. */
  path: XyPoint[];
  /** Distance to the equilibrium (0, 0) at each point of the path. */
  radius: number[];
}

// The descent field of the game: x descends ∂V/∂x = y, y ascends ∂V/∂y = x, so both move
// along −F with F(x, y) = (y, −x). F is a pure rotation: it never points at the equilibrium.
const field = (x: number, y: number): [number, number] => [y, -x];

/** One step of each method from (x, y); `prev` is the previous point (optimistic GD, momentum). */
function step(o: Required<Omit<XyOptions, "steps" | "start">>, p: XyPoint, prev: XyPoint): XyPoint {
  const { lr } = o;
  const [fx, fy] = field(p.x, p.y);
  switch (o.method) {
    // Simultaneous: both players read the same point. (x, y) ← (x − ηy, y + ηx).
    case "gd":
      return { x: p.x - lr * fx, y: p.y - lr * fy };
    // Alternating: y answers x's new position. A map of determinant 1: orbits stay on ellipses.
    case "alt": {
      const x = p.x - lr * fx;
      return { x, y: p.y - lr * field(x, p.y)[1] };
    }
    // Extragradient: look ahead one step, then step from here with the look-ahead's field.
    case "eg": {
      const [hx, hy] = field(p.x - lr * fx, p.y - lr * fy);
      return { x: p.x - lr * hx, y: p.y - lr * hy };
    }
    // Optimistic GD: step with 2F(now) − F(before), a cheap extrapolation of the field.
    case "ogd": {
      const [qx, qy] = field(prev.x, prev.y);
      return { x: p.x - lr * (2 * fx - qx), y: p.y - lr * (2 * fy - qy) };
    }
    // Consensus (Mescheder et al. 2017): also descend ½‖F‖² = ½(x² + y²), whose gradient (x, y)
    // points straight at the equilibrium.
    case "consensus":
      return { x: p.x - lr * (fx + o.gamma * p.x), y: p.y - lr * (fy + o.gamma * p.y) };
    // Alternating GD with heavy-ball momentum: each player adds β × its previous move. With
    // β < 0 (negative momentum) alternating play converges (Gidel et al. 2019).
    case "momentum": {
      const x = p.x - lr * fx + o.beta * (p.x - prev.x);
      return { x, y: p.y - lr * field(x, p.y)[1] + o.beta * (p.y - prev.y) };
    }
  }
}

function check(o: XyOptions): void {
  if (!XY_METHODS.includes(o.method)) {
    throw new Error(`xyGame: method "${o.method}" is not one of ${XY_METHODS.join(", ")}`);
  }
  if (!(o.lr > 0 && Number.isFinite(o.lr))) {
    throw new Error(`xyGame: lr ${o.lr} must be a finite number > 0`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 0 || o.steps > 10_000_000) {
    throw new Error(`xyGame: steps ${o.steps} must be an integer in [0, 10000000]`);
  }
  const s = o.start ?? [1, 1];
  if (s.length !== 2 || !s.every(Number.isFinite)) {
    throw new Error(`xyGame: start [${s.join(", ")}] must be two finite numbers`);
  }
}

/** Run one method on the xy game and return its trajectory. */
export function xyGame(opts: XyOptions): XyResult {
  check(opts);
  const o = { gamma: 1, beta: -0.5, ...opts };
  const [x0, y0] = opts.start ?? [1, 1];
  const path: XyPoint[] = [{ x: x0, y: y0 }];
  for (let t = 0; t < o.steps; t++) {
    path.push(step(o, path[t], path[Math.max(0, t - 1)]));
  }
  return { method: o.method, lr: o.lr, path, radius: path.map((p) => Math.hypot(p.x, p.y)) };
}

/**
 * Simultaneous GD multiplies (x, y) by [[1, −η], [η, 1]] = √(1 + η²) × a rotation, so the
 * distance to the equilibrium after t steps is exactly r₀ · (1 + η²)^(t/2): it always grows.
 */
export function gdRadius(r0: number, lr: number, t: number): number {
  return r0 * (1 + lr * lr) ** (t / 2);
}

/**
 * Extragradient multiplies (x, y) by [[1 − η², −η], [η, 1 − η²]], whose eigenvalues have
 * modulus √((1 − η²)² + η²) = √(1 − η² + η⁴) < 1 for 0 < η < 1: it converges, at that rate.
 */
export function egRate(lr: number): number {
  return Math.sqrt(1 - lr * lr + lr ** 4);
}

/**
 * Alternating GD conserves Q(x, y) = x² + y² − η·x·y exactly (check: substitute the step);
 * for η < 2, Q is an ellipse, so the iterates cycle on it and neither grow nor shrink.
 */
export function altInvariant(p: XyPoint, lr: number): number {
  return p.x * p.x + p.y * p.y - lr * p.x * p.y;
}

export interface XyArrow {
  x: number;
  y: number;
  /** The direction simultaneous gradient play moves in at (x, y): −F = (−y, x). */
  dx: number;
  dy: number;
}

/** The game's vector field on an n × n grid over [−extent, extent]², for plotting. */
export function xyField(n: number, extent: number): XyArrow[] {
  if (!Number.isInteger(n) || n < 2 || n > 200) {
    throw new Error(`xyField: n ${n} must be an integer in [2, 200]`);
  }
  if (!(extent > 0)) throw new Error(`xyField: extent ${extent} must be > 0`);
  const out: XyArrow[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = -extent + (2 * extent * j) / (n - 1);
      const y = extent - (2 * extent * i) / (n - 1);
      const [fx, fy] = field(x, y);
      out.push({ x, y, dx: -fx, dy: -fy });
    }
  }
  return out;
}
