// The collapse monitor: what to watch while an embedding trains, one record per step. A collapsing
// embedding (every input mapped to nearly one point, or onto a few dimensions) shows as positive
// and negative distance histograms that merge near 0, an active-triplet share stuck at 1, and
// per-dimension variances that vanish. The GPU computes; one small readback per record.

import { type Tensor, tidy, variance } from "@sheep/tensor";
import { euclideanDistances } from "./distances.ts";
import { tripletLoss } from "./losses.ts";
import { labelMasks } from "./mining.ts";

export interface CollapseRecord {
  step: number;
  /** Counts of positive-pair (a ≠ p) and negative-pair distances per bin of `edges`. */
  positive: number[];
  negative: number[];
  /** Bin edges, bins + 1 of them, from 0 to the largest distance seen in this batch. */
  edges: number[];
  meanPositive: number;
  meanNegative: number;
  /** Share of semi-hard triplets with a non-zero loss at the monitor's margin. */
  activeShare: number;
  /** Variance of each embedding dimension over the batch. */
  dimVariance: number[];
}

export interface MonitorOptions {
  bins?: number;
  margin?: number;
}

export class CollapseMonitor {
  readonly records: CollapseRecord[] = [];
  constructor(readonly opts: MonitorOptions = {}) {}

  /** Measure one batch x [n, d] with int32 labels [n] and append its record (reads back once). */
  async record(step: number, x: Tensor, labels: Tensor): Promise<CollapseRecord> {
    const { bins = 20, margin = 0.2 } = this.opts;
    const parts = tidy(() => {
      const m = labelMasks(labels);
      return {
        d: euclideanDistances(x),
        pos: m.positive,
        neg: m.negative,
        active: tripletLoss(x, labels, { mining: "semihard", margin }).activeShare,
        vars: variance(x, 0, { correction: 0 }),
      };
    });
    const [d, pos, neg, active, vars] = await Promise.all([
      parts.d.data64(),
      parts.pos.data64(),
      parts.neg.data64(),
      parts.active.item(),
      parts.vars.data64(),
    ]);
    for (const t of Object.values(parts)) t.dispose();
    const rec = histograms(d, pos, neg, bins);
    const out: CollapseRecord = {
      step,
      ...rec,
      activeShare: active,
      dimVariance: Array.from(vars),
    };
    this.records.push(out);
    return out;
  }
}

/** Host-side histograms of the distances the masks select, over a shared range. */
function histograms(d: Float64Array, pos: Float64Array, neg: Float64Array, bins: number) {
  const top = Math.max(...d, 1e-12);
  const edges = Array.from({ length: bins + 1 }, (_, i) => (top * i) / bins);
  const positive = new Array<number>(bins).fill(0);
  const negative = new Array<number>(bins).fill(0);
  let [sp, np, sn, nn] = [0, 0, 0, 0];
  d.forEach((v, i) => {
    const b = Math.min(Math.floor((v / top) * bins), bins - 1);
    if (pos[i]) {
      positive[b]++;
      sp += v;
      np++;
    } else if (neg[i]) {
      negative[b]++;
      sn += v;
      nn++;
    }
  });
  return {
    positive,
    negative,
    edges,
    meanPositive: sp / Math.max(np, 1),
    meanNegative: sn / Math.max(nn, 1),
  };
}
