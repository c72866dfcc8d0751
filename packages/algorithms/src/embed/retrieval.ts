// Retrieval metrics on the host, in float64: given each query's gallery ranked by distance, how
// often and how early the same class comes back. Recall@k, precision@1, R-precision and MAP@R
// (Musgrave, Belongie & Lim 2020, "A Metric Learning Reality Check"), and the CMC curve.

/**
 * For each query, the gallery's labels ordered from nearest to farthest. dist is row-major
 * [queries, gallery]; with `self` (query i is gallery item i) the query itself is left out, as
 * retrieval over one set requires. Ties keep the lower gallery index first.
 */
export function rankLabels(
  dist: ArrayLike<number>,
  queries: number,
  galleryLabels: ArrayLike<number>,
  self = false,
): number[][] {
  const m = galleryLabels.length;
  if (dist.length !== queries * m)
    throw new Error(
      `rankLabels: dist must hold ${queries} × ${m} = ${queries * m} values, got ${dist.length}`,
    );
  return Array.from({ length: queries }, (_, q) => {
    const order = [...Array(m).keys()].filter((j) => !(self && j === q));
    order.sort((a, b) => dist[q * m + a] - dist[q * m + b] || a - b);
    return order.map((j) => galleryLabels[j]);
  });
}

function check(ranked: number[][], labels: ArrayLike<number>, name: string): void {
  if (ranked.length !== labels.length)
    throw new Error(`${name}: ${ranked.length} ranked lists for ${labels.length} query labels`);
}

/** Recall@k as metric-learning papers use it: the share of queries with a match in the top k. */
export function recallAtK(ranked: number[][], labels: ArrayLike<number>, k: number): number {
  check(ranked, labels, "recallAtK");
  if (!(Number.isInteger(k) && k >= 1))
    throw new Error(`recallAtK: k must be an integer ≥ 1, got ${k}`);
  const hits = ranked.filter((r, q) => r.slice(0, k).includes(labels[q])).length;
  return hits / Math.max(ranked.length, 1);
}

/** precision@1: the share of queries whose nearest neighbour has their class (= Recall@1). */
export const precisionAt1 = (ranked: number[][], labels: ArrayLike<number>) =>
  recallAtK(ranked, labels, 1);

/** Per query: R = how many gallery items share its class, and which of the first R do. */
function firstR(ranked: number[][], labels: ArrayLike<number>, name: string) {
  check(ranked, labels, name);
  return ranked
    .map((r, q) => {
      const relevant = r.filter((l) => l === labels[q]).length;
      return { relevant, hits: r.slice(0, relevant).map((l) => l === labels[q]) };
    })
    .filter((x) => x.relevant > 0); // a query with no match in the gallery has no R
}

/** R-precision: mean over queries of (matches in the first R) / R. */
export function rPrecision(ranked: number[][], labels: ArrayLike<number>): number {
  const per = firstR(ranked, labels, "rPrecision").map(
    ({ relevant, hits }) => hits.filter(Boolean).length / relevant,
  );
  return per.reduce((s, v) => s + v, 0) / Math.max(per.length, 1);
}

/**
 * MAP@R: mean over queries of (1/R) Σ_{i ≤ R} P(i)·rel(i), where P(i) is the precision of the
 * first i and rel(i) says whether the i-th is a match. Unlike R-precision, it rewards putting
 * the matches first within the first R.
 */
export function mapAtR(ranked: number[][], labels: ArrayLike<number>): number {
  const per = firstR(ranked, labels, "mapAtR").map(({ relevant, hits }) => {
    let [found, total] = [0, 0];
    hits.forEach((hit, i) => {
      if (!hit) return;
      found++;
      total += found / (i + 1);
    });
    return total / relevant;
  });
  return per.reduce((s, v) => s + v, 0) / Math.max(per.length, 1);
}

/**
 * The CMC curve of identification: cmc[k − 1] = share of probes whose true identity is among the
 * first k distinct gallery identities. Probes whose identity is not in the gallery count as misses.
 */
export function cmcCurve(ranked: number[][], labels: ArrayLike<number>, maxRank = 10): number[] {
  check(ranked, labels, "cmcCurve");
  const counts = new Array<number>(maxRank).fill(0);
  ranked.forEach((r, q) => {
    const identities = [...new Set(r)]; // first occurrence order = rank of each identity
    const rank = identities.indexOf(labels[q]);
    if (rank >= 0 && rank < maxRank) counts[rank]++;
  });
  const cmc: number[] = [];
  let run = 0;
  for (const c of counts) {
    run += c;
    cmc.push(run / Math.max(ranked.length, 1));
  }
  return cmc;
}
