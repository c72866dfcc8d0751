// Clustering quality of an embedding, on the host in float64: k-means (k-means++ seeding, Lloyd
// iterations) into as many clusters as there are classes, then the normalised mutual information
// between clusters and classes. kMeansGpu (kmeans-gpu.ts) is the same algorithm on the GPU.

import { rng } from "../common/rng.ts";

/** Cluster index of each row of x (row-major [n, d]) after k-means, seeded and deterministic. */
export function kMeans(
  x: ArrayLike<number>,
  d: number,
  k: number,
  seed = 0,
  iterations = 50,
): number[] {
  const n = x.length / d;
  if (!Number.isInteger(n) || n < k || k < 1)
    throw new Error(
      `kMeans: need n ≥ k ≥ 1 rows of ${d} values, got ${x.length} values for k = ${k}`,
    );
  const r = rng(seed);
  const dist2 = (i: number, c: number[]) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[i * d + j] - c[j]) ** 2;
    return s;
  };
  const rowOf = (i: number) => Array.from({ length: d }, (_, j) => x[i * d + j]);
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest one.
  const centres = [rowOf(r.int(0, n - 1))];
  while (centres.length < k) {
    const w = Array.from({ length: n }, (_, i) => Math.min(...centres.map((c) => dist2(i, c))));
    let u = r.next() * w.reduce((s, v) => s + v, 0);
    let pick = 0;
    while (pick < n - 1 && u >= w[pick]) u -= w[pick++];
    centres.push(rowOf(pick));
  }
  let assign = new Array<number>(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    const next = Array.from({ length: n }, (_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (dist2(i, centres[c]) < dist2(i, centres[best])) best = c;
      return best;
    });
    if (next.every((c, i) => c === assign[i])) break;
    assign = next;
    for (let c = 0; c < k; c++) {
      const members = assign.flatMap((a, i) => (a === c ? [i] : []));
      if (members.length === 0) continue; // an emptied cluster keeps its old centre
      centres[c] = rowOf(0).map(
        (_, j) => members.reduce((s, i) => s + x[i * d + j], 0) / members.length,
      );
    }
  }
  return assign;
}

const entropy = (counts: Iterable<number>, n: number) => {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
};

/**
 * NMI(Y, C) = I(Y; C) / ((H(Y) + H(C)) / 2), the arithmetic normalisation (scikit-learn's
 * default). 1 when the clusters are the classes (under any renaming), 0 when independent.
 */
export function nmi(labels: ArrayLike<number>, clusters: ArrayLike<number>): number {
  const n = labels.length;
  if (clusters.length !== n) throw new Error(`nmi: ${n} labels but ${clusters.length} cluster ids`);
  const count = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const key of keys) m.set(key, (m.get(key) ?? 0) + 1);
    return m;
  };
  const ys = Array.from(labels, String);
  const cs = Array.from(clusters, String);
  const py = count(ys);
  const pc = count(cs);
  const joint = count(ys.map((y, i) => `${y}|${cs[i]}`));
  let mi = 0;
  for (const [key, c] of joint) {
    const [y, k] = key.split("|");
    mi += (c / n) * Math.log((c * n) / ((py.get(y) as number) * (pc.get(k) as number)));
  }
  const h = (entropy(py.values(), n) + entropy(pc.values(), n)) / 2;
  return h === 0 ? 1 : mi / h; // one class and one cluster: they agree perfectly
}

/** NMI of k-means on the embeddings with k = the number of classes. */
export function clusteringNmi(
  x: ArrayLike<number>,
  d: number,
  labels: ArrayLike<number>,
  seed = 0,
): number {
  return nmi(labels, kMeans(x, d, new Set(Array.from(labels)).size, seed));
}
