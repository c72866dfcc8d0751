// A second, independent oracle for matmul and the reductions: TensorFlow.js on its CPU backend.
// Same random inputs, both results compared with float32 tolerance.

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, test } from "vitest";
import * as F from "../src/index.ts";
import { tensor } from "../src/index.ts";
import { closeness, sample, useBackends } from "./helpers.ts";

useBackends();
beforeAll(async () => {
  await tf.setBackend("cpu");
});

const mm: [number[], number[]][] = [
  [
    [17, 33],
    [33, 9],
  ],
  [
    [64, 129],
    [129, 65],
  ],
  [
    [3, 70, 20],
    [3, 20, 31],
  ],
  [
    [2, 1, 5, 6],
    [4, 6, 7],
  ],
];

function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const pad = (s: number[]) => [...Array(n - s.length).fill(1), ...s];
  return pad(a).map((d, i) => Math.max(d, pad(b)[i]));
}

describe("matmul vs TensorFlow.js", () => {
  test.each(mm)("%j @ %j", async (sa, sb) => {
    const a = sample({ shape: sa }, 11);
    const b = sample({ shape: sb }, 12);
    const ours = await F.matmul(tensor(a, { shape: sa }), tensor(b, { shape: sb })).data();
    // TF.js's matMul does not broadcast [2, 1] against [4] the NumPy way: expand both first.
    const batch = broadcast(sa.slice(0, -2), sb.slice(0, -2));
    const ta = tf.broadcastTo(tf.tensor(a, sa), [...batch, ...sa.slice(-2)]);
    const tb = tf.broadcastTo(tf.tensor(b, sb), [...batch, ...sb.slice(-2)]);
    const theirs = await tf.matMul(ta, tb).data();
    const r = closeness(ours, theirs, { rtol: 1e-4, atol: 1e-4 });
    expect(r.ok, r.detail).toBe(true);
  });

  test("transposed operands", async () => {
    const a = sample({ shape: [40, 30] }, 13);
    const b = sample({ shape: [20, 40] }, 14);
    const ours = await F.matmul(
      F.transpose(tensor(a, { shape: [40, 30] }), 0, 1),
      F.transpose(tensor(b, { shape: [20, 40] }), 0, 1),
    ).data();
    const theirs = await tf
      .matMul(tf.tensor(a, [40, 30]), tf.tensor(b, [20, 40]), true, true)
      .data();
    expect(closeness(ours, theirs, { rtol: 1e-4, atol: 1e-4 }).ok).toBe(true);
  });
});

const reductions: [string, number[], number[], boolean][] = [
  ["sum", [5, 67, 3], [1], false],
  ["sum", [2, 9001], [1], true],
  ["sum", [4, 5, 6], [0, 2], false],
  ["mean", [7, 130], [0], true],
  ["max", [3, 700], [1], false],
  ["min", [6, 5, 4], [0, 1, 2], false],
  ["logsumexp", [4, 250], [1], false],
];

describe("reductions vs TensorFlow.js", () => {
  test.each(reductions)("%s over %j dims %j keepdim %s", async (op, shape, dims, keepdim) => {
    const x = sample({ shape }, 21);
    const t = tensor(x, { shape });
    const ours = {
      sum: () => F.sum(t, dims, keepdim),
      mean: () => F.mean(t, dims, keepdim),
      max: () => F.max(t, dims, keepdim),
      min: () => F.min(t, dims, keepdim),
      logsumexp: () => F.logsumexp(t, dims, keepdim),
    }[op]!();
    const tx = tf.tensor(x, shape);
    const theirs = {
      sum: () => tf.sum(tx, dims, keepdim),
      mean: () => tf.mean(tx, dims, keepdim),
      max: () => tf.max(tx, dims, keepdim),
      min: () => tf.min(tx, dims, keepdim),
      logsumexp: () => tf.logSumExp(tx, dims, keepdim),
    }[op]!();
    expect(ours.shape).toEqual(theirs.shape);
    const r = closeness(await ours.data(), await theirs.data(), { rtol: 1e-4, atol: 1e-4 });
    expect(r.ok, r.detail).toBe(true);
  });

  test("argmax and argmin", async () => {
    const x = sample({ shape: [9, 300] }, 22);
    const t = tensor(x, { shape: [9, 300] });
    expect(Array.from(await F.argmax(t, 1).data())).toEqual(
      Array.from(await tf.argMax(tf.tensor(x, [9, 300]), 1).data()),
    );
    expect(Array.from(await F.argmin(t, 0).data())).toEqual(
      Array.from(await tf.argMin(tf.tensor(x, [9, 300]), 0).data()),
    );
  });
});
