// The common face of every engine the suite times: prepare a case from host data, run it once
// (timed), read its output in our layout, free it. Ours and the cpu oracle live here; the
// peers are in ../peers/.

import { engine, fromHost, noGrad, type Tensor } from "@sheep/tensor";
import type { HostTensor, KernelCase } from "./case.ts";
import type { PeerName } from "./types.ts";

export interface RunTime {
  wallMs: number;
  gpuMs: number | null;
}

export interface DispatchSummary {
  kernel: string;
  workgroups: number[];
  ms: number | null;
}

export interface Prepared {
  run(): Promise<RunTime>;
  /** Ours only: the dispatches of the last timed run (where the time went, and the grid). */
  dispatches?(): DispatchSummary[];
  /** The case's output, in our layout. */
  output(): Promise<Float32Array>;
  dispose(): void;
}

export interface PeerEngine {
  name: PeerName;
  version: string;
  /** null when this engine can run the case, else why not. */
  unsupported(c: KernelCase): string | null;
  prepare(c: KernelCase, host: HostTensor[]): Promise<Prepared>;
}

/** Our engine on its default (WebGPU) backend: timed through engine.trace(). */
export function prepareOurs(c: KernelCase, host: HostTensor[], timestamps: boolean): Prepared {
  const xs = host.map((h) => fromHost(h.data, h.shape));
  const compute = (): Tensor => noGrad(() => c.ours(xs));
  let last: DispatchSummary[] = [];
  return {
    dispatches: () => last,
    async run() {
      let out: Tensor | null = null;
      const t0 = performance.now();
      const records = await engine.trace(() => {
        out = compute();
        return out;
      });
      const wallMs = performance.now() - t0;
      (out as Tensor | null)?.dispose();
      const gpuMs = timestamps ? records.reduce((s, r) => s + (r.timeMs ?? 0), 0) : null;
      last = records.map((r) => ({
        kernel: r.kernel,
        workgroups: [...r.workgroups],
        ms: r.timeMs === null ? null : +r.timeMs.toFixed(4),
      }));
      return { wallMs, gpuMs };
    },
    async output() {
      const out = compute();
      const data = await out.data();
      out.dispose();
      return data as Float32Array;
    },
    dispose() {
      for (const x of xs) x.dispose();
    },
  };
}

/** The float64 cpu oracle: plain loops written from the definitions; slow, for small cases. */
export async function oracleOutput(c: KernelCase, host: HostTensor[]): Promise<Float32Array> {
  const xs = host.map((h) => fromHost(h.data, h.shape, { backend: "cpu" }));
  try {
    const out = noGrad(() => c.ours(xs));
    const data = await out.data();
    out.dispose();
    return Float32Array.from(data);
  } finally {
    for (const x of xs) x.dispose();
  }
}

/** FLOPs above which the oracle is too slow to be worth waiting for. */
export const ORACLE_MAX_FLOPS = 4e8;
