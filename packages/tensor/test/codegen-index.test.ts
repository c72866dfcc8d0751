// Strided reads compute coordinates from flat indices: below 2^22 elements through a float
// division with a correction (prelude.wgsl: udiv22), above it with integer division. Every
// element of transposed copies either side of that bound must land exactly where it belongs.
// (lavapipe divides floats exactly, so there the correction step never fires; it is for GPUs,
// whose f32 division is only within 2.5 ULP. These tests check the path end to end.)

import { expect, test } from "vitest";
import * as F from "../src/index.ts";
import { tensor } from "../src/index.ts";
import { useBackends } from "./helpers.ts";

useBackends();

test.each([
  [2047, 2049], // 4,194,303 elements: the largest float-division case
  [2049, 2049], // 4,198,401: integer division
])("a transposed copy of [%i, %i] puts every element in place", async (rows, cols) => {
  const n = rows * cols;
  // Values are their own flat index: exact in float32 below 2^24.
  const x = tensor(
    Float32Array.from({ length: n }, (_, i) => i),
    { shape: [rows, cols] },
  );
  const t = await F.add(F.transpose(x, 0, 1), 0).data();
  let bad = -1;
  for (let i = 0; i < n && bad < 0; i++) {
    const [c, r] = [Math.floor(i / rows), i % rows]; // out is [cols, rows]
    if (t[i] !== r * cols + c) bad = i;
  }
  expect(bad, `first wrong element (${bad >= 0 ? t[bad] : ""})`).toBe(-1);
});

test("a three-dim permutation near 2^22 elements reads every element once", async () => {
  const shape = [127, 129, 255]; // 4,177,665 elements
  const n = shape[0] * shape[1] * shape[2];
  const x = tensor(
    Float32Array.from({ length: n }, (_, i) => i),
    { shape },
  );
  const p = await F.add(F.permute(x, [2, 0, 1]), 0).data();
  let bad = -1;
  for (let i = 0; i < n && bad < 0; i++) {
    const c = i % shape[1];
    const b = Math.floor(i / shape[1]) % shape[0];
    const a = Math.floor(i / (shape[0] * shape[1]));
    if (p[i] !== (b * shape[1] + c) * shape[2] + a) bad = i;
  }
  expect(bad).toBe(-1);
});
