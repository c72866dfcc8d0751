// Test helpers: both backends open, seeded input data by domain, and closeness checks.

import { afterAll, beforeAll } from "vitest";
import { init, release, type Tensor, tensor } from "../src/index.ts";

/** Open webgpu (the default) and the cpu oracle for the tests of one file. */
export function useBackends(): void {
  beforeAll(async () => {
    await init({ backend: "cpu", makeDefault: false });
    await init({ backend: "webgpu" });
  });
  afterAll(() => release());
}

/** mulberry32: a tiny seeded generator for test inputs (independent of the engine's). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Input domains: "any" is [-2, 2]; "positive" [0.5, 2]; "away" is ±[0.2, 2] (keeps kinks of
 * relu/abs out of finite differences); "bool" is {0, 1}; [lo, hi] a range; {int: [lo, hi]}
 * integers in [lo, hi).
 */
export type Domain =
  | "any"
  | "positive"
  | "away"
  | "bool"
  | readonly [number, number]
  | { int: readonly [number, number] };

export interface InputSpec {
  shape: readonly number[];
  domain?: Domain;
  dtype?: "float32" | "int32";
}

/** The dtype a spec produces: integer domains give int32 unless float32 is asked for. */
export function dtypeOf(spec: InputSpec): "float32" | "int32" {
  const d = spec.domain;
  return spec.dtype ?? (typeof d === "object" && d !== null && "int" in d ? "int32" : "float32");
}

export function sample(spec: InputSpec, seed: number): Float32Array | Int32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const d = spec.domain ?? "any";
  if (typeof d === "object" && "int" in d) {
    const [lo, hi] = d.int;
    const out = Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo)));
    return spec.dtype === "float32" ? Float32Array.from(out) : out;
  }
  const draw = (): number => {
    if (d === "any") return -2 + 4 * r();
    if (d === "positive") return 0.5 + 1.5 * r();
    if (d === "bool") return r() < 0.5 ? 0 : 1;
    if (d === "away") return (r() < 0.5 ? -1 : 1) * (0.2 + 1.8 * r());
    return d[0] + (d[1] - d[0]) * r();
  };
  const vals = Array.from({ length: n }, draw);
  return spec.dtype === "int32" ? Int32Array.from(vals, Math.trunc) : Float32Array.from(vals);
}

/** The same values as a tensor on each backend. */
export function both(
  spec: InputSpec,
  seed: number,
  requiresGrad = false,
): { gpu: Tensor; cpu: Tensor; data: Float32Array | Int32Array } {
  const data = sample(spec, seed);
  const dtype = spec.dtype ?? (data instanceof Int32Array ? "int32" : "float32");
  const grad = requiresGrad && dtype === "float32";
  return {
    data,
    gpu: tensor(data, { shape: spec.shape, dtype, backend: "webgpu", requiresGrad: grad }),
    cpu: tensor(data, { shape: spec.shape, dtype, backend: "cpu", requiresGrad: grad }),
  };
}

export interface Tol {
  rtol?: number;
  atol?: number;
}

/** Largest violation of |a - e| ≤ atol + rtol·|e|, with NaN only matching NaN. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tol = {}) {
  const { rtol = 2e-5, atol = 1e-6 } = tol;
  if (actual.length !== expected.length)
    return { ok: false, detail: `length ${actual.length} vs ${expected.length}` };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      return { ok: false, detail: `at ${i}: ${a} vs ${e}` };
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a === e) continue;
      return { ok: false, detail: `at ${i}: ${a} vs ${e}` };
    }
    if (Math.abs(a - e) > atol + rtol * Math.abs(e))
      return { ok: false, detail: `at ${i}: ${a} vs ${e} (diff ${Math.abs(a - e)})` };
  }
  return { ok: true, detail: "" };
}
