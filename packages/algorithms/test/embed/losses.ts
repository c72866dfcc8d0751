// Embedding losses against hand computations in plain float64 JavaScript (the papers' formulas,
// written as loops, not the masks under test), on the cpu oracle and WebGPU; the semi-hard triplet
// loss's gradient against finite differences; and the P×K sampler's batches.

import { type BackendKind, grad, type Tensor, tensor } from "@sheep/tensor";
import { describe, expect, it } from "vitest";
import {
  contrastiveLoss,
  type Mining,
  marginSoftmaxLoss,
  pkSampler,
  softmaxLoss,
  tripletLoss,
} from "../../src/index.ts";

const backends: BackendKind[] = ["cpu", "webgpu"];
const labels = [0, 0, 1, 1, 2, 2, 0, 1];
const n = labels.length;
const d = 3;
const X = Array.from({ length: n * d }, (_, k) => Math.sin(1.3 * k + 0.4) * (1 + (k % 3) * 0.3));
const row = (i: number) => X.slice(i * d, i * d + d);
const dist = (i: number, j: number) => Math.hypot(...row(i).map((v, k) => v - row(j)[k]));
const relu = (t: number) => Math.max(t, 0);
const softplus = (t: number) => Math.log1p(Math.exp(t));

/** Triplet loss and active share by hand, following each mining rule's definition. */
function tripletByHand(mining: Mining, margin: number, soft: boolean) {
  const f = (gap: number) => (soft ? softplus(gap) : relu(gap + margin));
  const on = (gap: number) => (soft ? gap > 0 : gap + margin > 0);
  const pos = (a: number) => labels.flatMap((l, p) => (p !== a && l === labels[a] ? [p] : []));
  const neg = (a: number) => labels.flatMap((l, b) => (l !== labels[a] ? [b] : []));
  const gaps: number[] = [];
  for (let a = 0; a < n; a++) {
    if (mining === "hard") {
      const dp = Math.max(...pos(a).map((p) => dist(a, p)));
      gaps.push(dp - Math.min(...neg(a).map((b) => dist(a, b))));
    }
    for (const p of mining === "hard" ? [] : pos(a)) {
      const dns = neg(a).map((b) => dist(a, b));
      if (mining === "all") for (const dn of dns) gaps.push(dist(a, p) - dn);
      else {
        const farther = dns.filter((dn) => dn > dist(a, p));
        gaps.push(dist(a, p) - (farther.length ? Math.min(...farther) : Math.max(...dns)));
      }
    }
  }
  const active = gaps.filter(on).length;
  const total = gaps.reduce((s, g) => s + f(g), 0);
  const denom = mining === "all" && !soft ? Math.max(active, 1) : gaps.length;
  return { loss: total / denom, share: active / gaps.length };
}

describe("embedding losses", () => {
  it("triplet: each mining and the soft margin match the hand computation", async () => {
    for (const backend of backends) {
      const x = tensor(X, { shape: [n, d], backend });
      const y = tensor(labels, { dtype: "int32", backend });
      for (const mining of ["all", "hard", "semihard"] as Mining[])
        for (const soft of [false, true]) {
          const want = tripletByHand(mining, 0.5, soft);
          const got = tripletLoss(x, y, { mining, soft, margin: 0.5 });
          const tag = `${backend} ${mining}${soft ? " soft" : ""}`;
          expect(await got.loss.item(), tag).toBeCloseTo(want.loss, backend === "cpu" ? 10 : 5);
          expect(await got.activeShare.item(), tag).toBeCloseTo(want.share, 6);
          // batch-all must see both kinds, so that dividing by the active count is tested.
          if (mining === "all") expect(want.share, `${tag}: a mixed batch`).toBeGreaterThan(0);
          if (mining === "all") expect(want.share, `${tag}: a mixed batch`).toBeLessThan(1);
        }
    }
  });

  it("contrastive (Hadsell): ½d² for same, ½max(0, m − d)² for different, over pairs", async () => {
    let want = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j)
          want += 0.5 * (labels[i] === labels[j] ? dist(i, j) ** 2 : relu(1.5 - dist(i, j)) ** 2);
    want /= n * (n - 1);
    for (const backend of backends) {
      const x = tensor(X, { shape: [n, d], backend });
      const got = await contrastiveLoss(x, tensor(labels, { dtype: "int32", backend }), 1.5).item();
      expect(got, backend).toBeCloseTo(want, backend === "cpu" ? 10 : 5);
    }
  });

  it("softmax and CosFace / ArcFace margins match the hand computation", async () => {
    const C = 3;
    const W = [0.9, -0.2, 0.4, -0.5, 1.1, 0.3, 0.2, 0.1, -1.2];
    const w = (c: number) => W.slice(c * d, c * d + d);
    const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k], 0);
    const cosine = (a: number[], b: number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    const ce = (logits: number[][]) =>
      logits.reduce((s, z, i) => {
        const lse = Math.log(z.reduce((t, v) => t + Math.exp(v), 0));
        return s + lse - z[labels[i]];
      }, 0) / n;
    const [s, m] = [8, 0.3];
    const cls = [...Array(C).keys()];
    const plain = ce(labels.map((_, i) => cls.map((c) => dot(row(i), w(c)))));
    const cosface = ce(
      labels.map((l, i) => cls.map((c) => s * (cosine(row(i), w(c)) - (c === l ? m : 0)))),
    );
    // ArcFace through the angle itself (acos), not the identity the code uses; θ + m < π here.
    const arc = (i: number, c: number) => {
      const t = Math.acos(cosine(row(i), w(c)));
      return s * Math.cos(c === labels[i] ? t + m : t);
    };
    const arcface = ce(labels.map((_, i) => cls.map((c) => arc(i, c))));
    for (const backend of backends) {
      const x = tensor(X, { shape: [n, d], backend });
      const wt = tensor(W, { shape: [C, d], backend });
      const y = tensor(labels, { dtype: "int32", backend });
      const tol = backend === "cpu" ? 9 : 4;
      expect(await softmaxLoss(x, wt, y).item(), `${backend} softmax`).toBeCloseTo(plain, tol);
      const opts = { scale: s, margin: m };
      const cf = await marginSoftmaxLoss(x, wt, y, { kind: "cosface", ...opts }).item();
      const af = await marginSoftmaxLoss(x, wt, y, { kind: "arcface", ...opts }).item();
      expect(cf, `${backend} cosface`).toBeCloseTo(cosface, tol);
      expect(af, `${backend} arcface`).toBeCloseTo(arcface, tol);
    }
  });

  it("semi-hard triplet gradient equals finite differences (float64)", async () => {
    const cpu = { backend: "cpu" as BackendKind };
    const y = tensor(labels, { dtype: "int32", ...cpu });
    const f = (x: Tensor) => tripletLoss(x, y, { mining: "semihard", margin: 0.5 }).loss;
    const dir = X.map((_, k) => Math.cos(2.1 * k));
    const at = (t: number) =>
      f(
        tensor(
          X.map((v, k) => v + t * dir[k]),
          { shape: [n, d], ...cpu },
        ),
      );
    const h = 1e-6;
    const fd = ((await at(h).item()) - (await at(-h).item())) / (2 * h);
    const [gx] = grad(f)(tensor(X, { shape: [n, d], ...cpu }));
    const g = await gx.data64();
    expect(Math.abs(fd), "the loss must move along the direction").toBeGreaterThan(1e-3);
    expect(g.reduce((s, v, k) => s + v * dir[k], 0)).toBeCloseTo(fd, 6);
  });
});

describe("P×K sampler", () => {
  it("draws P distinct classes with K examples each, reproducibly", () => {
    const ys = Array.from({ length: 60 }, (_, i) => (i * 7) % 6).concat([6]); // class 6: one example
    const a = pkSampler(ys, { p: 3, k: 4, seed: 5 });
    const b = pkSampler(ys, { p: 3, k: 4, seed: 5 });
    const seen = new Set<number>();
    for (let t = 0; t < 40; t++) {
      const batch = a();
      expect(batch).toEqual(b());
      expect(batch).toHaveLength(12);
      const cls = batch.map((i) => ys[i]);
      for (let g = 0; g < 3; g++) {
        const group = cls.slice(g * 4, g * 4 + 4);
        expect(new Set(group).size, "one class per group").toBe(1);
        seen.add(group[0]);
        if (group[0] !== 6) expect(new Set(batch.slice(g * 4, g * 4 + 4)).size).toBe(4);
      }
      expect(new Set(cls).size, "P distinct classes").toBe(3);
    }
    expect(seen.size, "every class is drawn within 40 batches").toBe(7);
    expect(() => pkSampler(ys, { p: 9, k: 2 })).toThrow(
      /p = 9 classes per batch, but the labels hold only 7/,
    );
  });
});
