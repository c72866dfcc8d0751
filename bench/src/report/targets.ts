// Issue #7's targets, evaluated on one result: on lavapipe, every VGG16 conv layer (forward and
// gradient to input) at least 3× TF.js WebGPU; on a GPU, at least 40% of the probe's FMA rate
// averaged over the conv layers at 224², and at least 2× TF.js WebGPU. Benchmarks, not tests:
// these lines say where a run stands, by how much it misses, and never fail anything.

import type { BenchResult, KernelRow } from "../suite/types.ts";
import { inputSide, isCpu, repeatsOf } from "./rows.ts";

const PASS: Record<string, string> = { conv: "forward", convGx: "grad x", convGw: "grad w" };
const f2 = (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));

const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** One summary line per (side, pass): % of FMA peak and the ratio to TF.js WebGPU. */
export function convTargets(r: BenchResult): string[] {
  const cpu = isCpu(r);
  const convs = r.kernels.filter((k) => k.layer && k.family.startsWith("conv"));
  const out: string[] = [];
  const failed = convs.filter((k) => k.status === "failed");
  if (failed.length)
    out.push(
      `**${failed.length} conv rows failed the correctness guard or threw** (see the table).`,
    );
  const inputs = [...new Set(convs.map(inputSide))].sort((a, b) => b - a);
  for (const res of inputs) {
    for (const family of ["conv", "convGx", "convGw"]) {
      const rows = convs.filter((k) => k.family === family && inputSide(k) === res);
      const ok = rows.filter((k) => k.status === "ok" && k.ours);
      if (!rows.length) continue;
      const skipped = rows.length - ok.length;
      const parts: string[] = [];
      if (ok.length && ok[0].pctFma !== undefined) {
        const mean = ok.reduce((s, k) => s + (k.pctFma ?? 0), 0) / ok.length;
        const flops = ok.reduce((s, k) => s + k.flops * repeatsOf(k.layer), 0);
        const ms = ok.reduce((s, k) => s + (k.ours?.ms ?? 0) * repeatsOf(k.layer), 0);
        const weighted = r.probe ? (100 * flops) / ms / 1e6 / r.probe.fmaGflops : 0;
        const goal =
          !cpu && res === 224
            ? ` (target ≥ 40%: ${mean >= 40 ? "met" : `missed by ${f2(40 - mean)} points`})`
            : "";
        parts.push(
          `${f2(mean)}% of FMA peak on average over ${ok.length} layers, ${f2(weighted)}% over all 13 by time${goal}`,
        );
      }
      const vs = ok
        .map((k) => [k, k.peers["tfjs-webgpu"]?.speedup] as const)
        .filter(([, s]) => s !== undefined) as [KernelRow, number][];
      if (vs.length) {
        const need = cpu ? 3 : 2;
        const worst = vs.reduce((a, b) => (b[1] < a[1] ? b : a));
        const met = vs.filter(([, s]) => s >= need).length;
        const applies = cpu ? family !== "convGw" : res === 224;
        const goal = applies
          ? `; target ≥ ${need}× on every layer: ${met === vs.length ? "met" : `met on ${met}/${vs.length}`}`
          : "";
        parts.push(
          `${f2(geomean(vs.map(([, s]) => s)))}× TF.js WebGPU (geometric mean; lowest ${f2(worst[1])}× at ${worst[0].layer})${goal}`,
        );
      }
      if (skipped) parts.push(`${skipped} of ${rows.length} rows not timed`);
      out.push(`${PASS[family]} at ${res}² input: ${parts.join("; ") || "no timed rows"}`);
    }
  }
  return out;
}
