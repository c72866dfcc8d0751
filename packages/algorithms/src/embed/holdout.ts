// Held-out classes for metric learning: the net trains on some classes and is judged on how it
// retrieves classes it never saw (Musgrave et al.'s protocol, e.g. train on 0–5, retrieve 6–9).
// Parsing "6-9" / "0,2,4" and splitting an image set by class; browser-safe.

import type { ImageSet } from "../gan/dcgan/data.ts";

/**
 * The classes a holdout spec names: "6-9" (a range), "1,3,5" (a list) or both ("0-2,7"), each
 * within [0, classes). At least 2 classes must be held out (retrieval needs two to confuse) and
 * at least 2 left to train on (every metric loss needs negatives).
 */
export function parseHoldout(spec: string, classes = 10): number[] {
  const bad = (why: string) => new Error(`holdout "${spec}": ${why}`);
  const out = new Set<number>();
  for (const part of spec.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw bad(`"${part}" is not a class or a range like 6-9`);
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) throw bad(`the range ${lo}-${hi} runs backwards`);
    if (hi >= classes) throw bad(`class ${hi} does not exist (classes are 0 to ${classes - 1})`);
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  if (out.size < 2) throw bad("hold out at least 2 classes to evaluate retrieval on");
  if (classes - out.size < 2)
    throw bad(`leaves ${classes - out.size} class(es) to train on; need 2`);
  return [...out].sort((a, b) => a - b);
}

/** The classes of `classes` not in `held`, in order: what the net trains on. */
export function trainClasses(held: readonly number[], classes = 10): number[] {
  return [...Array(classes).keys()].filter((c) => !held.includes(c));
}

/** The images of `set` whose class is in `keep`, as a new set (names and class count kept). */
export function subsetByClass(set: ImageSet, keep: readonly number[]): ImageSet {
  const px = set.x.length / Math.max(set.n, 1);
  const rows: number[] = [];
  for (let i = 0; i < set.n; i++) if (keep.includes(set.labels[i])) rows.push(i);
  const x = new Float32Array(rows.length * px);
  rows.forEach((r, i) => {
    x.set(set.x.subarray(r * px, (r + 1) * px), i * px);
  });
  const labels = Int32Array.from(rows, (r) => set.labels[r]);
  return { ...set, x, labels, n: rows.length };
}
