// The Engine page's traced step always ends: a trace whose promise never settles (a stalled or
// lost device's queue) is refused in words after its time or as soon as the device is lost, and
// one that finishes passes through.

import { expect, test } from "vitest";
import { bounded } from "../src/engine/trace.ts";

const never = () => new Promise<number>(() => {});
const alive = () => false;

test("a step that never finishes fails in words after its time", async () => {
  const t0 = performance.now();
  await expect(bounded(never(), 600, alive)).rejects.toThrow(
    /the traced step did not finish in 1 s \(the GPU may be stalled/,
  );
  expect(performance.now() - t0).toBeGreaterThanOrEqual(600);
});

test("a step whose device is lost fails at once, not after its time", async () => {
  let gone = false;
  setTimeout(() => {
    gone = true;
  }, 150);
  const t0 = performance.now();
  await expect(bounded(never(), 60_000, () => gone)).rejects.toThrow(
    "the GPU device was lost during the traced step",
  );
  expect(performance.now() - t0).toBeLessThan(5000);
});

test("a step that finishes gives its result", async () => {
  const soon = new Promise<string>((r) => setTimeout(() => r("records"), 50));
  expect(await bounded(soon, 5000, alive)).toBe("records");
});
