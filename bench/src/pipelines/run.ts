// Running the pipeline registry: set each one up (or record why it is skipped), check our output
// against the peers', warm up, then time our step and the peers' in interleaved rounds.

import { engine, type Tensor } from "@sheep/tensor";
import { relL2 } from "../suite/data.ts";
import type { RunTime } from "../suite/engines.ts";
import { rates, scoped, timingOf } from "../suite/kernels.ts";
import type { PipelineRow, ProbeResult } from "../suite/types.ts";
import {
  PIPELINES,
  type PipelineContext,
  type PipelinePeer,
  type PipelineSetup,
} from "./registry.ts";

interface OursRun extends RunTime {
  flops: number;
  dispatches: number;
}

const submits = () => (engine.backend("webgpu") as unknown as { submits: number }).submits;

/** One step with its dispatch records (GPU time per dispatch where the adapter has timestamps). */
async function tracedStep(s: PipelineSetup, timestamps: boolean): Promise<OursRun> {
  let out: Tensor[] = [];
  const t0 = performance.now();
  const records = await engine.trace(() => {
    out = s.step();
    return out;
  });
  const wallMs = performance.now() - t0;
  for (const t of out) t.dispose();
  return {
    wallMs,
    gpuMs: timestamps ? records.reduce((a, r) => a + (r.timeMs ?? 0), 0) : null,
    flops: records.reduce((a, r) => a + r.flops, 0),
    dispatches: records.length,
  };
}

/** One step as it runs outside tracing: how many command buffers it submits. */
async function plainStep(s: PipelineSetup, device: GPUDevice): Promise<number> {
  const before = submits();
  const out = s.step();
  for (const t of out) engine.region(t);
  engine.flush();
  await device.queue.onSubmittedWorkDone();
  for (const t of out) t.dispose();
  return submits() - before;
}

export async function runPipelines(
  ctx: PipelineContext,
  wanted: (name: string) => boolean,
  device: GPUDevice,
  timestamps: boolean,
  probe: ProbeResult | null,
  /** Called with the rows so far after each row ends (the runner's partial result file). */
  onRow?: (rows: PipelineRow[]) => void,
): Promise<PipelineRow[]> {
  const rows: PipelineRow[] = [];
  for (const p of PIPELINES) {
    if (!wanted(p.name)) continue;
    const row: PipelineRow = { name: p.name, description: p.description, status: "ok" };
    rows.push(row);
    let setup: PipelineSetup | string;
    try {
      setup = await p.setup(ctx);
    } catch (e) {
      row.status = "failed";
      row.note = `setup threw: ${(e as Error).message}`;
      continue;
    }
    if (typeof setup === "string") {
      row.status = "skipped";
      row.note = setup;
      ctx.log(`[pipelines] ${p.name}: ${setup}`);
      onRow?.(rows);
      continue;
    }
    try {
      await measure(row, setup, ctx, device, timestamps, probe);
    } catch (e) {
      row.status = "failed";
      row.note = (e as Error).message;
      // A failed pipeline carries no time (the schema checks it).
      delete row.time;
    } finally {
      setup.dispose();
      for (const peer of setup.peers ?? []) peer.dispose();
    }
    const t = row.time;
    const peerText = Object.entries(row.peers ?? {})
      .map(([n, c]) => (c?.speedup !== undefined ? `${n} ${c.speedup}×` : `${n} ${c?.status}`))
      .join(", ");
    ctx.log(
      `[pipelines] ${p.name} (${row.config}): ${row.status}` +
        (t ? ` ${t.ms.toFixed(1)} ms (${t.basis})` : "") +
        (peerText ? ` | ${peerText}` : "") +
        (row.note ? ` — ${row.note}` : ""),
    );
    onRow?.(rows);
  }
  return rows;
}

async function measure(
  row: PipelineRow,
  s: PipelineSetup,
  ctx: PipelineContext,
  device: GPUDevice,
  timestamps: boolean,
  probe: ProbeResult | null,
): Promise<void> {
  row.config = s.config;
  const { plan } = ctx;
  if (s.timedSteps) {
    const samples = await s.timedSteps(Math.max(2, plan.minRuns));
    row.time = timingOf(samples.map((wallMs) => ({ wallMs, gpuMs: null })));
    return;
  }
  let peers: PipelinePeer[] = [...(s.peers ?? [])];
  row.peers = {};
  // Each phase logs its wall time: on a CPU adapter one peer call can take many minutes.
  const phase = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    ctx.log(`[pipelines]   ${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return out;
  };
  if (s.output && peers.length) {
    const ours = await phase("check, ours", () => s.output!());
    const outs = new Map<PipelinePeer, Float32Array>();
    for (const p of peers) {
      try {
        outs.set(
          p,
          await phase(`check, ${p.name}`, () => scoped(device, p.name, () => p.output())),
        );
      } catch (e) {
        row.peers[p.name] = { status: "failed", note: (e as Error).message };
      }
    }
    const tol = s.tol ?? 1e-3;
    const errs = [...outs].map(([p, o]) => [p, relL2(ours, o)] as const);
    const agreeing = errs.filter(([, e]) => e <= tol);
    if (errs.length && !agreeing.length) {
      const all = errs.map(([p, e]) => `${e.toExponential(2)} against ${p.name}`).join(", ");
      throw new Error(`wrong result: relative L2 error ${all} (tolerance ${tol})`);
    }
    if (agreeing.length) {
      const [p, e] = agreeing[0];
      row.check = { against: p.name, relErr: +e.toPrecision(3), tol };
    }
    for (const [p, e] of errs) {
      row.peers[p.name] =
        e <= tol
          ? { status: "ok", relErr: +e.toPrecision(3) }
          : { status: "failed", note: `wrong result: relative L2 error ${e.toExponential(2)}` };
    }
    peers = peers.filter((p) => row.peers?.[p.name]?.status === "ok");
  }
  row.submits = await plainStep(s, device);
  // A peer that throws is marked failed and dropped; our step throwing fails the row.
  const peerRun = async (p: PipelinePeer): Promise<RunTime | null> => {
    try {
      return await scoped(device, p.name, () => p.run());
    } catch (e) {
      row.peers![p.name] = { status: "failed", note: (e as Error).message };
      peers = peers.filter((q) => q !== p);
      return null;
    }
  };
  let slowest = 0;
  const secs = (ms: number | undefined) =>
    ms === undefined ? "failed" : `${(ms / 1000).toFixed(1)} s`;
  const roundLog = (what: string, o: number, ps: [PipelinePeer, RunTime | null][]) =>
    ctx.log(
      `[pipelines]   ${what}: ours ${secs(o)}` +
        ps.map(([p, t]) => `, ${p.name} ${secs(t?.wallMs)}`).join(""),
    );
  for (let i = 0; i < plan.warmup; i++) {
    const o = (await tracedStep(s, timestamps)).wallMs;
    slowest = Math.max(slowest, o);
    const ps: [PipelinePeer, RunTime | null][] = [];
    for (const p of [...peers]) {
      const t = await peerRun(p);
      ps.push([p, t]);
      slowest = Math.max(slowest, t?.wallMs ?? 0);
    }
    roundLog(`warm-up ${i + 1}`, o, ps);
  }
  const budget = (2 * plan.caseBudgetS * 1000) / Math.max(slowest, 1e-3);
  const runs = ctx.runs ?? Math.max(2, Math.min(plan.maxRuns, Math.floor(budget)));
  const ours: OursRun[] = [];
  const theirs = new Map<PipelinePeer, RunTime[]>(peers.map((p) => [p, []]));
  for (let r = 0; r < runs; r++) {
    ours.push(await tracedStep(s, timestamps));
    const ps: [PipelinePeer, RunTime | null][] = [];
    for (const p of [...peers]) {
      const t = await peerRun(p);
      ps.push([p, t]);
      if (t) theirs.get(p)?.push(t);
      else theirs.delete(p);
    }
    roundLog(`run ${r + 1}/${runs}`, ours[r].wallMs, ps);
  }
  const t = timingOf(ours);
  row.time = t;
  row.flops = ours[0].flops;
  row.dispatches = ours[0].dispatches;
  const r = rates({ flops: row.flops, bytes: 0 }, t, probe);
  row.gflops = r.gflops;
  if (r.pctFma !== undefined) row.pctFma = r.pctFma;
  for (const [p, ts] of theirs) {
    const pt = timingOf(ts);
    const basis = pt.gpuMs !== null && t.gpuMs !== null ? "timestamp" : "wall";
    const theirMs = basis === "timestamp" ? (pt.gpuMs as number) : pt.wallMs;
    const ourMs = basis === "timestamp" ? (t.gpuMs as number) : t.wallMs;
    Object.assign(row.peers[p.name] ?? {}, {
      time: pt,
      gflops: +(row.flops / pt.ms / 1e6).toPrecision(4),
      speedup: +(theirMs / ourMs).toPrecision(4),
      ratioBasis: basis,
    });
  }
}
