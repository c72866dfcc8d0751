// The strong-Wolfe line search L-BFGS uses (Nocedal & Wright, Numerical Optimization, 2nd ed.,
// algorithms 3.5 and 3.6), with the same choices as PyTorch's port of minFunc/lswolfe.lua:
// safeguarded cubic interpolation to grow the step while bracketing, then a zoom that cubic-
// interpolates inside the bracket and forces progress when a trial hugs an end.
//
// Everything here is host arithmetic on numbers. The objective is a callback that moves the
// parameters to x + t·d, evaluates loss and gradient on the device, and reports f, gᵀd and an
// opaque handle to the gradient, so this file never sees a tensor.

/** One evaluation of the objective along the search direction d, at step t. */
export interface Trial<G> {
  /** f(x + t·d) */
  f: number;
  /** ∇f(x + t·d), opaque to the search. */
  g: G;
  /** ∇f(x + t·d)ᵀ d: the slope along d. */
  gtd: number;
}

export interface WolfeOptions {
  /** Sufficient decrease (Armijo) constant. */
  c1?: number;
  /** Curvature constant: |f'(t)| ≤ c2·|f'(0)|. */
  c2?: number;
  toleranceChange?: number;
  maxLs?: number;
}

export interface WolfeResult<G> extends Trial<G> {
  t: number;
  /** How many times the objective was evaluated. */
  evals: number;
}

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
 * `bounds` (default: the interval between x1 and x2). With
 *   d1 = g1 + g2 − 3·(f1 − f2)/(x1 − x2),   d2 = √(d1² − g1·g2),
 * it is x2 − (x2 − x1)·(g2 + d2 − d1)/(g2 − g1 + 2·d2) (for x1 ≤ x2). If d1² < g1·g2 the cubic
 * has no minimum and the midpoint of the bounds is returned.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: readonly [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (!(d2sq >= 0)) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2sq);
  const min =
    x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(min, lo), hi);
}

/**
 * Find a step t along d satisfying the strong Wolfe conditions
 *   f(t) ≤ f(0) + c1·t·f'(0)          (sufficient decrease)
 *   |f'(t)| ≤ c2·|f'(0)|              (curvature)
 * starting from the trial step `t`. `start` is the evaluation at t = 0, `dNorm` is max |d|.
 * Returns the best point found (the bracket's low end when the search runs out of budget).
 */
export async function strongWolfe<G>(
  objective: (t: number) => Promise<Trial<G>>,
  t: number,
  start: Trial<G>,
  dNorm: number,
  opts: WolfeOptions = {},
): Promise<WolfeResult<G>> {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25 } = opts;
  const { f, gtd } = start;
  let next = await objective(t);
  let evals = 1;

  // Phase 1, bracketing: grow t until [tPrev, t] must contain an acceptable point.
  let prev = { t: 0, ...start };
  let bracket: { t: number; f: number; g: G; gtd: number }[] | null = null;
  let done = false;
  let lsIter = 0;
  while (lsIter < maxLs) {
    const cur = { t, ...next };
    if (next.f > f + c1 * t * gtd || (lsIter > 1 && next.f >= prev.f)) {
      // Too far: no sufficient decrease, or no lower than the previous trial.
      bracket = [prev, cur];
      break;
    }
    if (Math.abs(next.gtd) <= -c2 * gtd) {
      bracket = [cur];
      done = true;
      break;
    }
    if (next.gtd >= 0) {
      // The slope turned: a minimum lies between the previous trial and this one.
      bracket = [prev, cur];
      break;
    }
    // Still descending steeply: extrapolate, at least 1% further and at most 10× the step.
    const tNew = cubicInterpolate(prev.t, prev.f, prev.gtd, t, next.f, next.gtd, [
      t + 0.01 * (t - prev.t),
      t * 10,
    ]);
    prev = cur;
    t = tNew;
    next = await objective(t);
    evals++;
    lsIter++;
  }
  if (lsIter === maxLs || !bracket)
    bracket = [
      { t: 0, ...start },
      { t, ...next },
    ];

  // Phase 2, zoom: shrink the bracket around a point that satisfies both conditions.
  let insufficientProgress = false;
  let [low, high] = bracket[0].f <= bracket[bracket.length - 1].f ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    const [a, b] = bracket;
    if (Math.abs(b.t - a.t) * dNorm < toleranceChange) break;
    t = cubicInterpolate(a.t, a.f, a.gtd, b.t, b.f, b.gtd);
    // A trial within 10% of an end makes little progress: if that happens twice in a row,
    // or the trial is at an end, move it 10% of the bracket inside.
    const tMax = Math.max(a.t, b.t);
    const tMin = Math.min(a.t, b.t);
    const eps = 0.1 * (tMax - tMin);
    if (Math.min(tMax - t, t - tMin) < eps) {
      if (insufficientProgress || t >= tMax || t <= tMin) {
        t = Math.abs(t - tMax) < Math.abs(t - tMin) ? tMax - eps : tMin + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    next = await objective(t);
    evals++;
    lsIter++;
    const cur = { t, ...next };
    if (next.f > f + c1 * t * gtd || next.f >= bracket[low].f) {
      // No sufficient decrease, or not below the low end: t becomes the high end.
      bracket[high] = cur;
      [low, high] = bracket[0].f <= bracket[1].f ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(next.gtd) <= -c2 * gtd) done = true;
      else if (next.gtd * (bracket[high].t - bracket[low].t) >= 0) bracket[high] = bracket[low];
      bracket[low] = cur;
    }
  }
  const best = bracket[low];
  return { t: best.t, f: best.f, g: best.g, gtd: best.gtd, evals };
}
