// k-means on the GPU, for NMI over large embedding sets. Each Lloyd step is three tensor ops:
// assign = argmin of the distances to the centres (one matmul), then the new centres are
// onehot(assign)ᵀ x / counts (another matmul). Seeding is k-means++ with a host-side draw from
// the distances to the nearest centre (k small readbacks), using the same generator as kMeans.

import {
  argmin,
  cast,
  div,
  gather,
  gt,
  matmul,
  maximum,
  min,
  oneHot,
  reshape,
  sum,
  type Tensor,
  tensor,
  tidy,
  transpose,
  where,
} from "@sheep/tensor";
import { rng } from "../common/rng.ts";
import { squaredDistances } from "./distances.ts";

/** Rows `idx` of x [n, d], as [idx.length, d], by gather along dim 0. */
function rows(x: Tensor, idx: number[]): Tensor {
  const d = x.shape[1];
  const index = tensor(
    idx.flatMap((i) => new Array<number>(d).fill(i)),
    { shape: [idx.length, d], dtype: "int32", like: x },
  );
  return gather(x, 0, index);
}

/** Cluster index of each row of x [n, d]; stops early when no assignment changes. */
export async function kMeansGpu(
  x: Tensor,
  k: number,
  seed = 0,
  iterations = 50,
): Promise<number[]> {
  const n = x.shape[0];
  if (x.rank !== 2 || !Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`kMeansGpu: x must be [n, d] with n ≥ k ≥ 1, got [${x.shape}] and k = ${k}`);
  const r = rng(seed);
  const picked = [r.int(0, n - 1)];
  while (picked.length < k) {
    // k-means++: the next centre drawn with probability ∝ squared distance to the nearest one.
    const w = await tidy(() => min(squaredDistances(x, rows(x, picked)), 1)).data64();
    let u = r.next() * w.reduce((s, v) => s + v, 0);
    let pick = 0;
    while (pick < n - 1 && u >= w[pick]) u -= w[pick++];
    picked.push(pick);
  }
  let centres = tidy(() => rows(x, picked));
  let assign: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const a = tidy(() => argmin(squaredDistances(x, centres), 1));
    const next = Array.from(await a.data());
    const done = next.every((c, i) => c === assign[i]);
    assign = next;
    if (!done) {
      const updated = tidy(() => {
        const member = cast(oneHot(a, k), "float32"); // [n, k]
        const counts = reshape(sum(member, 0), [k, 1]);
        const means = div(matmul(transpose(member, 0, 1), x), maximum(counts, 1));
        return where(gt(counts, 0), means, centres); // an emptied cluster keeps its centre
      });
      centres.dispose();
      centres = updated;
    }
    a.dispose();
    if (done) break;
  }
  centres.dispose();
  return assign;
}
