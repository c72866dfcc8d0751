// L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with torch.optim.LBFGS's algorithm and options:
// a history of the last m steps s and gradient changes y approximates the inverse Hessian
// (the two-loop recursion), and each direction is followed with a fixed step or a strong-
// Wolfe line search.
//
// Why `step(closure)` is async: L-BFGS decides what to do next from numbers — the loss, the
// slope gᵀd, the curvature yᵀs, the largest gradient — and on a GPU every number is a readback.
// So step() awaits; the vectors (gradients, directions, history) never leave the device, and
// the scalars each decision needs are read together (flat.ts, readScalars). The closure may
// be sync or async and returns the loss as a tensor (step reads it, then disposes it) or a
// number. It must recompute the gradients itself: zero them, run forward and backward.

import { detach } from "../autograd.ts";
import { engine } from "../engine.ts";
import { abs, add, mul, neg, sub } from "../fn/elementwise.ts";
import { max, sum } from "../fn/reduce.ts";
import type { Tensor } from "../tensor.ts";
import { addFlat, dot, flatGrad, owned, readScalars, restore, snapshot } from "./flat.ts";
import { strongWolfe, type Trial, type WolfeResult } from "./line-search.ts";
import { type BaseOptions, Optimizer, type Params } from "./optimizer.ts";

export interface LBFGSOptions extends BaseOptions {
  /** Iterations per step() call. */
  maxIter: number;
  /** Function evaluations per step() call (default maxIter · 5/4). */
  maxEval: number;
  /** Stop when max |g| ≤ this (first-order optimality). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes less than this. */
  toleranceChange: number;
  /** m: how many (s, y) pairs to remember. */
  historySize: number;
  /** null: a fixed step lr (1/Σ|g| on the very first iteration); or a strong-Wolfe search. */
  lineSearchFn: "strong_wolfe" | null;
}

export type Closure = () => Tensor | number | Promise<Tensor | number>;

export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly list: Tensor[];
  /** The last direction d and step length t (kept between step() calls, like PyTorch). */
  private d: Tensor | null = null;
  private t = 0;
  private oldDirs: Tensor[] = [];
  private oldStps: Tensor[] = [];
  private ro: number[] = [];
  private hDiag = 1;
  private prevFlatGrad: Tensor | null = null;
  /** Iterations and function evaluations over all step() calls. */
  nIter = 0;
  funcEvals = 0;

  constructor(params: Params<LBFGSOptions>, opts: Partial<LBFGSOptions> = {}) {
    const maxIter = opts.maxIter ?? 20;
    super(params, {
      lr: 1,
      maxIter,
      maxEval: Math.floor((maxIter * 5) / 4),
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: null,
      ...opts,
    });
    if (this.paramGroups.length !== 1) throw new Error("LBFGS: takes one parameter group");
    const ls = this.paramGroups[0].lineSearchFn;
    if (ls !== null && ls !== "strong_wolfe") {
      throw new Error(`LBFGS: lineSearchFn must be "strong_wolfe" or null, got "${ls}"`);
    }
    this.list = this.paramGroups[0].params;
  }

  /**
   * Up to maxIter iterations of L-BFGS on the closure's loss. Resolves to the loss at the start
   * (as PyTorch's step returns the first closure value).
   */
  async step(closure: Closure): Promise<number> {
    const o = this.paramGroups[0];
    let { f: loss, g, gMax } = await this.evaluate(closure);
    const origLoss = loss;
    let evals = 1;
    this.funcEvals++;
    try {
      if (gMax <= o.toleranceGrad) return origLoss;
      for (let n = 1; n <= o.maxIter; n++) {
        this.nIter++;
        if (this.nIter === 1) this.resetHistory(g);
        else await this.newDirection(g, o.historySize);
        const d = this.d!;
        this.prevFlatGrad?.dispose();
        this.prevFlatGrad = owned(() => detach(g));
        const prevLoss = loss;
        // Step length: 1/Σ|g| (at most lr) on the very first iteration, else lr.
        const probes = [owned(() => dot(g, d)), owned(() => max(abs(d))), owned(() => sum(abs(g)))];
        const [gtd, dMax, gSum] = await readScalars(probes);
        for (const x of probes) x.dispose();
        this.t = this.nIter === 1 ? Math.min(1, 1 / gSum) * o.lr : o.lr;
        // Not a descent direction (to tolerance): nothing more to gain.
        if (gtd > -o.toleranceChange) break;
        let lsEvals = 0;
        if (o.lineSearchFn === "strong_wolfe") {
          const found = await this.lineSearch(closure, d, dMax, { f: loss, g, gtd, gMax }, o);
          if (found.g !== g) g.dispose();
          ({ f: loss, g, gMax } = found);
          this.t = found.t;
          lsEvals = found.evals;
          addFlat(this.list, this.t, d);
        } else {
          addFlat(this.list, this.t, d);
          if (n !== o.maxIter) {
            g.dispose();
            ({ f: loss, g, gMax } = await this.evaluate(closure));
            lsEvals = 1;
          }
        }
        evals += lsEvals;
        this.funcEvals += lsEvals;
        if (n === o.maxIter || evals >= o.maxEval || gMax <= o.toleranceGrad) break;
        // The step or the loss barely moved.
        if (dMax * Math.abs(this.t) <= o.toleranceChange) break;
        if (Math.abs(loss - prevLoss) < o.toleranceChange) break;
      }
    } finally {
      g.dispose();
    }
    return origLoss;
  }

  /** First iteration: steepest descent, empty history. */
  private resetHistory(g: Tensor): void {
    for (const t of [...this.oldDirs, ...this.oldStps]) t.dispose();
    this.oldDirs = [];
    this.oldStps = [];
    this.ro = [];
    this.hDiag = 1;
    this.d?.dispose();
    this.d = owned(() => neg(g));
  }

  /**
   * Remember the last step s = t·d and gradient change y = g − g_prev (if the curvature
   * yᵀs > 10⁻¹⁰, which keeps the approximation positive definite), then d = −H·g by the
   * two-loop recursion with H₀ = (yᵀs / yᵀy)·I:
   *
   *   q ← −g;  for i = k−1 … 0:  αᵢ = ρᵢ·sᵢᵀq,  q ← q − αᵢ·yᵢ        (ρᵢ = 1 / yᵢᵀsᵢ)
   *   r ← H₀·q; for i = 0 … k−1:  βᵢ = ρᵢ·yᵢᵀr,  r ← r + (αᵢ − βᵢ)·sᵢ
   *   d ← r
   */
  private async newDirection(g: Tensor, historySize: number): Promise<void> {
    const t = this.t;
    const y = owned(() => sub(g, this.prevFlatGrad!));
    const s = owned(() => mul(this.d!, t));
    const probes = [owned(() => dot(y, s)), owned(() => dot(y, y))];
    const [ys, yy] = await readScalars(probes);
    for (const x of probes) x.dispose();
    if (ys > 1e-10) {
      if (this.oldDirs.length === historySize) {
        this.oldDirs.shift()!.dispose();
        this.oldStps.shift()!.dispose();
        this.ro.shift();
      }
      this.oldDirs.push(y);
      this.oldStps.push(s);
      this.ro.push(1 / ys);
      this.hDiag = ys / yy;
    } else {
      y.dispose();
      s.dispose();
    }
    // Realise each q and r: the next dot product and update both read it.
    const now = (x: Tensor) => {
      engine.realise(x);
      return x;
    };
    const next = owned(() => {
      const k = this.oldDirs.length;
      const al: Tensor[] = new Array(k);
      let q = neg(g);
      for (let i = k - 1; i >= 0; i--) {
        al[i] = now(mul(dot(this.oldStps[i], q), this.ro[i]));
        q = now(sub(q, mul(this.oldDirs[i], al[i])));
      }
      let r = mul(q, this.hDiag);
      for (let i = 0; i < k; i++) {
        const be = mul(dot(this.oldDirs[i], r), this.ro[i]);
        r = now(add(r, mul(this.oldStps[i], sub(al[i], be))));
      }
      return r;
    });
    this.d?.dispose();
    this.d = next;
  }

  /**
   * Strong-Wolfe search along d from the current parameters x. Each trial moves to x + t·d,
   * evaluates, and moves back; the caller then takes the chosen step. Every gradient the
   * search made is freed except the chosen one (the start's belongs to the caller).
   */
  private async lineSearch(
    closure: Closure,
    d: Tensor,
    dMax: number,
    start: Trial<Tensor> & { gMax: number },
    o: LBFGSOptions,
  ): Promise<WolfeResult<Tensor> & { gMax: number }> {
    const x = snapshot(this.list);
    const gMaxOf = new Map<Tensor, number>([[start.g, start.gMax]]);
    const made: Tensor[] = [];
    let found: WolfeResult<Tensor> | undefined;
    const objective = async (t: number) => {
      addFlat(this.list, t, d);
      try {
        const r = await this.evaluate(closure, d);
        made.push(r.g);
        gMaxOf.set(r.g, r.gMax);
        return r;
      } finally {
        restore(this.list, x);
      }
    };
    try {
      found = await strongWolfe(objective, this.t, start, dMax, {
        toleranceChange: o.toleranceChange,
      });
      return { ...found, gMax: gMaxOf.get(found.g)! };
    } finally {
      for (const t of x) t.dispose();
      for (const g of made) if (g !== found?.g) g.dispose();
    }
  }

  /** Run the closure: the loss, the flat gradient, max |g| and (given d) the slope gᵀd. */
  private async evaluate(closure: Closure, d?: Tensor): Promise<Trial<Tensor> & { gMax: number }> {
    const out = await closure();
    const g = flatGrad(this.list);
    const probes = [owned(() => max(abs(g)))];
    if (d) probes.push(owned(() => dot(g, d)));
    if (typeof out !== "number") probes.push(out);
    const values = await readScalars(probes);
    for (const x of probes) x.dispose();
    const gMax = values[0];
    const gtd = d ? values[1] : Number.NaN;
    const f = typeof out === "number" ? out : values[values.length - 1];
    return { f, g, gtd, gMax };
  }

  /** Free the history and the optimizer's vectors. */
  override dispose(): void {
    for (const t of [...this.oldDirs, ...this.oldStps]) t.dispose();
    this.oldDirs = [];
    this.oldStps = [];
    this.d?.dispose();
    this.d = null;
    this.prevFlatGrad?.dispose();
    this.prevFlatGrad = null;
    super.dispose();
  }
}
