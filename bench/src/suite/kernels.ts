// The kernel suite's loop for one case: check every engine's output against a reference first
// (a wrong result is never timed), then warm up, then time all engines in interleaved rounds so
// that background load on a shared CPU falls on every engine alike.

import { engine } from "@sheep/tensor";
import type { KernelCase } from "./case.ts";
import { median, relErr } from "./data.ts";
import {
  ORACLE_MAX_FLOPS,
  oracleOutput,
  type PeerEngine,
  type Prepared,
  prepareOurs,
  type RunTime,
} from "./engines.ts";
import type { Plan } from "./plan.ts";
import type { KernelRow, PeerCell, PeerName, ProbeResult, Timing } from "./types.ts";

export interface KernelContext {
  device: GPUDevice;
  timestamps: boolean;
  probe: ProbeResult | null;
  plan: Plan;
  /** Test hook: perturb our output for rows whose name contains this, to prove the guard. */
  corrupt?: string;
  log(line: string): void;
}

/** Which output the others are checked against, in order of preference (independent of us). */
const REFERENCE_ORDER: PeerName[] = ["tfjs-wasm", "tfjs-webgpu", "ort-wasm", "ort-webgpu"];

/** Run a peer's call inside an error scope: its WebGPU errors are its own, not our engine's. */
export async function scoped<T>(device: GPUDevice, who: string, f: () => Promise<T>): Promise<T> {
  device.pushErrorScope("validation");
  device.pushErrorScope("out-of-memory");
  // Pop both scopes whatever f does; report its own exception first, then a WebGPU error.
  const outcome = await f().then(
    (value) => ({ value, error: null as unknown }),
    (error: unknown) => ({ value: undefined as T, error }),
  );
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  if (outcome.error) throw outcome.error;
  const err = invalid ?? oom;
  if (err) throw new Error(`${who}: WebGPU error: ${err.message.split("\n")[0]}`);
  return outcome.value;
}

export function timingOf(times: RunTime[]): Timing {
  const wallMs = median(times.map((t) => t.wallMs));
  // A zero median means the kernel ran below the timestamp resolution (seen on lavapipe for
  // tiny dispatches): fall back to the wall clock rather than report an infinite rate.
  const gpuMedian = times.every((t) => t.gpuMs !== null)
    ? median(times.map((t) => t.gpuMs as number))
    : 0;
  const gpu = gpuMedian > 0;
  const gpuMs = gpu ? gpuMedian : null;
  const samples = times.map((t) => (gpu ? (t.gpuMs as number) : t.wallMs));
  return {
    ms: gpuMs ?? wallMs,
    basis: gpu ? "timestamp" : "wall",
    wallMs,
    gpuMs,
    runs: times.length,
    samples: samples.map((s) => +s.toFixed(4)),
  };
}

const round = (v: number, d = 3) => +v.toPrecision(d + 1);

/**
 * Measure one case. `peers` are the engines to compare; with `row` given (a later phase for
 * peers that could not run alongside), only those peers' cells are added to it, their ratios
 * taken against our engine re-timed in the same rounds.
 */
export async function runCase(
  c: KernelCase,
  peers: PeerEngine[],
  ctx: KernelContext,
  row?: KernelRow,
): Promise<KernelRow> {
  const out: KernelRow = row ?? {
    family: c.family,
    name: c.name,
    ...(c.layer ? { layer: c.layer } : {}),
    shape: c.shape,
    flops: c.flops,
    bytes: c.bytes,
    status: "ok",
    check: null,
    ours: null,
    peers: {},
  };
  const host = c.inputs();
  const before = engine.memory().storages;
  const prepared = new Map<string, Prepared>();
  const fail = (name: PeerName, note: string) => {
    out.peers[name] = { status: "failed", note };
  };
  // Our engine failing fails the row; in a later phase it only voids the peers' comparison.
  const oursFailed = (e: unknown) => {
    const note = `our engine threw: ${(e as Error).message}`;
    if (!row) return failRow(out, note);
    for (const p of peers) fail(p.name, `not compared: ${note}`);
    return out;
  };
  try {
    let oursOut: Float32Array;
    try {
      const ours = prepareOurs(c, host, ctx.timestamps);
      prepared.set("ours", ours);
      oursOut = await ours.output();
    } catch (e) {
      return oursFailed(e);
    }
    if (ctx.corrupt && c.name.includes(ctx.corrupt)) oursOut[0] += 1 + Math.abs(oursOut[0]) * 10;

    // Outputs of every peer that can run the case.
    const outputs = new Map<string, Float32Array>();
    for (const p of peers) {
      const why = p.unsupported(c);
      if (why) {
        out.peers[p.name] = { status: "skipped", note: why };
        continue;
      }
      try {
        const prep = await scoped(ctx.device, p.name, () => p.prepare(c, host));
        prepared.set(p.name, prep);
        outputs.set(p.name, await scoped(ctx.device, p.name, () => prep.output()));
      } catch (e) {
        fail(p.name, (e as Error).message);
        prepared.get(p.name)?.dispose();
        prepared.delete(p.name);
      }
    }

    // The reference: a peer's output, else the float64 oracle for small cases. When we disagree
    // with it, a second source that agrees with us outvotes it (and the peer is marked wrong).
    if (!row) {
      const sources: (readonly [string, Float32Array])[] = REFERENCE_ORDER.filter((n) =>
        outputs.has(n),
      ).map((n) => [n, outputs.get(n)!] as const);
      // The oracle is slow (float64 loops): a tie-breaker, or the only reference when no peer ran.
      const oracleOk = c.flops <= (sources.length ? ORACLE_MAX_FLOPS : 4 * ORACLE_MAX_FLOPS);
      const oracle = async () => ["cpu-oracle", await oracleOutput(c, host)] as const;
      if (!sources.length && oracleOk) sources.push(await oracle());
      if (sources.length === 0) {
        out.note = "unchecked: no peer ran it and it is too big for the cpu oracle";
      } else {
        let [against, ref] = sources[0];
        let err = relErr(oursOut, ref);
        if (!(err <= c.tol)) {
          const alts = sources.slice(1);
          if (oracleOk && against !== "cpu-oracle") alts.push(await oracle());
          const agree = alts.find(([, o]) => relErr(oursOut, o) <= c.tol);
          if (agree) [against, ref, err] = [agree[0], agree[1], relErr(oursOut, agree[1])];
        }
        out.check = { against, relErr: round(err), tol: c.tol };
        if (!(err <= c.tol))
          return failRow(out, `wrong result: relErr ${err.toExponential(2)} against ${against}`);
        for (const [name, o] of outputs) {
          const e = relErr(o, ref);
          if (!(e <= c.tol)) {
            fail(name as PeerName, `wrong result: relErr ${e.toExponential(2)} against ${against}`);
            prepared.get(name)?.dispose();
            prepared.delete(name);
          } else out.peers[name as PeerName] = { status: "ok", relErr: round(e) };
        }
      }
    } else {
      // A later phase: ours already passed; it is the reference now.
      for (const [name, o] of outputs) {
        const e = relErr(o, oursOut);
        if (!(e <= c.tol)) {
          fail(name as PeerName, `wrong result: relErr ${e.toExponential(2)} against ours`);
          prepared.get(name)?.dispose();
          prepared.delete(name);
        } else out.peers[name as PeerName] = { status: "ok", relErr: round(e) };
      }
    }

    // Warm-up (pipeline compiles, first uploads), then interleaved timed rounds.
    const names = [...prepared.keys()];
    const last = new Map<string, number>();
    for (const n of names) {
      try {
        for (let i = 0; i < ctx.plan.warmup; i++) {
          const t = await scoped(ctx.device, n, () => prepared.get(n)!.run());
          last.set(n, t.wallMs);
        }
      } catch (e) {
        if (n === "ours") return oursFailed(e);
        fail(n as PeerName, (e as Error).message);
        prepared.delete(n);
      }
    }
    const slowest = Math.max(...last.values(), 1e-3);
    const runs = Math.max(
      ctx.plan.minRuns,
      Math.min(ctx.plan.maxRuns, Math.floor((ctx.plan.caseBudgetS * 1000) / slowest)),
    );
    const times = new Map<string, RunTime[]>([...prepared.keys()].map((n) => [n, []]));
    for (let r = 0; r < runs; r++) {
      for (const [n, p] of prepared) {
        if (!times.has(n)) continue;
        try {
          times.get(n)!.push(await scoped(ctx.device, n, () => p.run()));
        } catch (e) {
          if (n === "ours") return oursFailed(e);
          fail(n as PeerName, (e as Error).message);
          times.delete(n);
        }
      }
    }
    const oursT = timingOf(times.get("ours")!);
    if (!row) {
      out.ours = oursT;
      out.dispatches = prepared.get("ours")?.dispatches?.() ?? [];
      Object.assign(out, rates(c, oursT, ctx.probe));
    }
    for (const [n, ts] of times) {
      if (n === "ours") continue;
      const t = timingOf(ts);
      const basis = t.gpuMs !== null && oursT.gpuMs !== null ? "timestamp" : "wall";
      const peerMs = basis === "timestamp" ? (t.gpuMs as number) : t.wallMs;
      const oursMs = basis === "timestamp" ? (oursT.gpuMs as number) : oursT.wallMs;
      const cell: PeerCell = out.peers[n as PeerName] ?? { status: "ok" };
      Object.assign(cell, {
        time: t,
        gflops: round(c.flops / t.ms / 1e6),
        gbs: round(c.bytes / t.ms / 1e6),
        speedup: round(peerMs / oursMs),
        ratioBasis: basis,
      });
      if (row) cell.note = `ours re-timed alongside: ${oursMs.toFixed(2)} ms (${basis})`;
      out.peers[n as PeerName] = cell;
    }
    return out;
  } finally {
    for (const p of prepared.values()) p.dispose();
    const leaked = engine.memory().storages - before;
    if (leaked > 0 && !row)
      out.note = `${out.note ? `${out.note}; ` : ""}${leaked} storages not freed`;
  }
}

function failRow(row: KernelRow, note: string): KernelRow {
  row.status = "failed";
  row.note = note;
  row.ours = null;
  return row;
}

export function rates(c: { flops: number; bytes: number }, t: Timing, probe: ProbeResult | null) {
  const gflops = c.flops / t.ms / 1e6;
  const gbs = c.bytes / t.ms / 1e6;
  return {
    gflops: round(gflops),
    gbs: round(gbs),
    ...(probe
      ? {
          pctFma: round((100 * gflops) / probe.fmaGflops),
          pctBw: round((100 * gbs) / probe.bandwidthGBs),
        }
      : {}),
  };
}
