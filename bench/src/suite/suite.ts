// The suite, shared by both runners: open the engine's device, probe it, load the peers onto the
// same device, run the kernel cases and the pipeline registry, and return one result object.
// Everything runner-specific (module paths, globals, the commit, where the JSON goes) is Host.

import { engine, init } from "@sheep/tensor";
import { loadOrt } from "../peers/ort.ts";
import { loadTfjs } from "../peers/tfjs.ts";
import { PIPELINES, type PipelineContext } from "../pipelines/registry.ts";
import { runPipelines } from "../pipelines/run.ts";
import { probeDevice } from "../probe/probe.ts";
import { FAMILIES, type Family, type KernelCase, type Tf } from "./case.ts";
import type { PeerEngine } from "./engines.ts";
import { type KernelContext, runCase } from "./kernels.ts";
import { kernelCases, plan } from "./plan.ts";
import { checkResult } from "./schema.ts";
import {
  type BenchResult,
  type DeviceInfo,
  type KernelRow,
  type Mode,
  type PeerInfo,
  type PeerName,
  type PipelineRow,
  type RunnerName,
  SCHEMA_VERSION,
} from "./types.ts";

export interface SuiteOptions {
  mode: Mode;
  /** --only tokens: probe, kernels, pipelines, peers, kernel families, pipeline names. */
  only: string[] | null;
  peers: PeerName[];
  /** Node only: which adapter the engine opens (auto, gpu, lavapipe, swiftshader). */
  adapter?: "auto" | "gpu" | "lavapipe" | "swiftshader";
  /** Seconds for the 224² conv rows on a CPU adapter before the rest are skipped. */
  timeBoxS: number;
  /** Timed runs per kernel case and engine, replacing the mode's range (--runs). */
  runs?: number;
  corrupt?: string;
  flags: string[];
  /**
   * Called after each kernel and pipeline row with the result so far (marked partial in its
   * notes), so a run that is stopped keeps what it measured.
   */
  onPartial?(r: BenchResult): void;
}

export interface Host {
  runner: RunnerName;
  commit: string;
  env(): Omit<BenchResult["env"], "loadavg">;
  /** The 1-minute load average, where the platform has one. */
  loadavg?(): number;
  /** Called once before any peer loads (Node: navigator.gpu for TF.js, the SAB patch for ORT). */
  beforePeers(device: GPUDevice): void | Promise<void>;
  tfjsWasmPath: string;
  ortWasmPath: string;
  ortThreads: number;
  importOrtWebgpu(): Promise<unknown>;
  importOrtWasm(): Promise<unknown>;
  /** Peers that must load after the rest has run (Node: ORT's WebGPU EP, see PEERS.md §3). */
  latePeers: PeerName[];
  faceWeights?: () => Promise<Uint8Array<ArrayBuffer>>;
  /** A weights file shipped in packages/models/weights (googlenet.safetensors), where readable. */
  shippedWeights?: (file: string) => Promise<Uint8Array<ArrayBuffer>>;
  log(line: string): void;
}

/** Turn --only tokens into what to run. */
export function selection(only: string[] | null) {
  const all = !only || only.every((t) => t === "peers" || t === "probe");
  const has = (t: string) => !!only?.includes(t);
  const families = new Set<Family>(
    all || has("kernels") ? FAMILIES : FAMILIES.filter((f) => has(f)),
  );
  const pipelineNames = PIPELINES.map((p) => p.name);
  const pipes = new Set(
    all || has("pipelines") ? pipelineNames : pipelineNames.filter((n) => has(n)),
  );
  const unknown = (only ?? []).filter(
    (t) =>
      !["probe", "kernels", "pipelines", "peers"].includes(t) &&
      !FAMILIES.includes(t as Family) &&
      !pipelineNames.includes(t),
  );
  if (unknown.length) {
    throw new Error(
      `--only: unknown subset ${unknown.join(", ")} (use probe, kernels, pipelines, peers, ` +
        `${FAMILIES.join(", ")} or ${pipelineNames.join(", ")})`,
    );
  }
  const onlyProbe = !!only && only.length === 1 && only[0] === "probe";
  return {
    families: onlyProbe ? new Set<Family>() : families,
    pipelines: onlyProbe ? new Set<string>() : pipes,
    peers: !only || has("peers"),
  };
}

const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
];

export async function runSuite(host: Host, o: SuiteOptions): Promise<BenchResult> {
  const started = performance.now();
  const sel = selection(o.only);
  const env = host.env();
  const load0 = host.loadavg?.();
  const info = await init({ backend: "webgpu", ...(o.adapter ? { adapter: o.adapter } : {}) });
  // The float64 oracle checks cases no peer runs.
  await init({ backend: "cpu", makeDefault: false });
  const device = (engine.backend("webgpu") as unknown as { device: GPUDevice }).device;
  const timestamps = info.features.includes("timestamp-query");
  const cpu = info.isFallbackAdapter || ["lavapipe", "swiftshader"].includes(info.adapter);
  const p = o.runs ? { ...plan(o.mode, cpu), minRuns: o.runs, maxRuns: o.runs } : plan(o.mode, cpu);
  const notes: string[] = [];
  const log = host.log;
  const deviceInfo: DeviceInfo = {
    adapter: info.adapter,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter,
    features: [...device.features].sort(),
    limits: Object.fromEntries(
      LIMITS.map((n) => [n, (device.limits as unknown as Record<string, number>)[n]]),
    ),
    timestamps,
  };
  log(
    `device: ${info.adapter} — ${info.description || info.vendor} (${timestamps ? "timestamps" : "no timestamps: wall time"})`,
  );

  const probe = await probeDevice(device, cpu, timestamps);
  log(
    `probe: ${probe.fmaGflops.toFixed(1)} GFLOP/s FMA, ${probe.bandwidthGBs.toFixed(1)} GB/s copy`,
  );

  // Peers, on our device. Late ones load after everything else has run.
  const peerInfos: PeerInfo[] = [];
  const early: PeerEngine[] = [];
  const late: PeerName[] = [];
  let tf: Tf | null = null;
  const tfBackends: ("webgpu" | "wasm")[] = [];
  const wantPeers = sel.peers ? o.peers : [];
  if (wantPeers.length) await host.beforePeers(device);
  if (wantPeers.includes("tfjs-webgpu") || wantPeers.includes("tfjs-wasm")) {
    const r = await loadTfjs({
      webgpu: wantPeers.includes("tfjs-webgpu"),
      wasm: wantPeers.includes("tfjs-wasm"),
      device,
      adapterInfo: {
        vendor: info.vendor,
        architecture: info.architecture,
        description: info.description,
      },
      wasmPath: host.tfjsWasmPath,
    });
    early.push(...r.engines);
    peerInfos.push(...r.infos);
    if (r.engines.length) tf = (await import("@tensorflow/tfjs")) as Tf;
    for (const e of r.engines) tfBackends.push(e.name === "tfjs-webgpu" ? "webgpu" : "wasm");
  }
  for (const kind of ["wasm", "webgpu"] as const) {
    const name: PeerName = kind === "wasm" ? "ort-wasm" : "ort-webgpu";
    if (!wantPeers.includes(name)) continue;
    if (host.latePeers.includes(name)) {
      late.push(name);
      continue;
    }
    const r = await loadOrt({
      kind,
      device,
      wasmPath: host.ortWasmPath,
      threads: host.ortThreads,
      importWebgpu: host.importOrtWebgpu,
      importWasm: host.importOrtWasm,
    });
    peerInfos.push(r.info);
    if (r.engine) early.push(r.engine);
  }
  for (const i of peerInfos) log(`peer ${i.name}: ${i.status}${i.note ? ` (${i.note})` : ""}`);

  const assemble = (rows: PipelineRow[], runNotes: string[]): BenchResult => ({
    schema: SCHEMA_VERSION,
    date: new Date().toISOString(),
    commit: host.commit,
    runner: host.runner,
    mode: o.mode,
    flags: o.flags,
    env: {
      ...env,
      ...(load0 !== undefined ? { loadavg: [load0, host.loadavg?.() ?? load0] } : {}),
    },
    device: deviceInfo,
    probe,
    peers: peerInfos,
    kernels,
    pipelines: rows,
    notes: runNotes,
    durationS: Math.round((performance.now() - started) / 1000),
  });
  let pipelinesSoFar: PipelineRow[] = [];
  const partial = () =>
    o.onPartial?.(
      assemble(pipelinesSoFar, [
        ...notes,
        "partial result: written while the run was still going; rows after the last one are missing",
      ]),
    );

  // Kernels.
  const cases = kernelCases(o.mode, p, sel.families);
  const ctx: KernelContext = { device, timestamps, probe, plan: p, corrupt: o.corrupt, log };
  const kernels: KernelRow[] = [];
  const boxed = (res?: number) => cpu && res === 224;
  let boxStart: number | null = null;
  for (const [i, c] of cases.entries()) {
    if (boxed(c.res)) boxStart ??= performance.now();
    if (boxed(c.res) && performance.now() - (boxStart as number) > o.timeBoxS * 1000) {
      const note = `time box of ${o.timeBoxS} s for 224² convolutions on a CPU adapter used up`;
      kernels.push(untimed(c, "skipped", note));
      continue;
    }
    const row = await runCase(c, early, ctx).catch((e: Error) =>
      untimed(c, "failed", `the bench threw: ${e.message}`),
    );
    kernels.push(row);
    log(`[kernels ${i + 1}/${cases.length}] ${describe(row)}`);
    partial();
  }

  // Pipelines.
  const pctx: PipelineContext = {
    mode: o.mode,
    cpu,
    runner: host.runner,
    plan: p,
    ...(o.runs ? { runs: o.runs } : {}),
    tf,
    tfBackends,
    faceWeights: host.faceWeights,
    shippedWeights: host.shippedWeights,
    log,
  };
  const pipelines = sel.pipelines.size
    ? await runPipelines(
        pctx,
        (n) => sel.pipelines.has(n),
        device,
        timestamps,
        probe,
        (rows) => {
          pipelinesSoFar = rows;
          partial();
        },
      )
    : [];

  // Late peers: their own phase, our engine re-timed beside them for the ratio.
  for (const name of late) {
    const kind = name === "ort-webgpu" ? "webgpu" : "wasm";
    log(`peer ${name}: loading late (its first run can take minutes; see PEERS.md §3)`);
    const r = await loadOrt({
      kind,
      device,
      wasmPath: host.ortWasmPath,
      threads: host.ortThreads,
      importWebgpu: host.importOrtWebgpu,
      importWasm: host.importOrtWasm,
    });
    peerInfos.push({
      ...r.info,
      note: `${r.info.note ?? ""}; timed in a later phase than the other peers`,
    });
    if (!r.engine) continue;
    for (const [i, c] of cases.entries()) {
      const row = kernels[i];
      if (row.status !== "ok" || r.engine.unsupported(c)) continue;
      await runCase(c, [r.engine], ctx, row).catch((e: Error) => {
        row.peers[name] = { status: "failed", note: e.message };
      });
      log(`[${name} ${i + 1}/${cases.length}] ${describe(row)}`);
    }
  }

  if (cpu)
    notes.push(
      "CPU adapter: kernel speeds say nothing about GPUs; ratios between engines on the same adapter do.",
    );
  const result = assemble(pipelines, notes);
  const problems = checkResult(result);
  if (problems.length)
    throw new Error(`the result does not match its schema: ${problems.join("; ")}`);
  return result;
}

/** A row for a case that was not measured: skipped, or a harness that threw (not a kernel). */
function untimed(c: KernelCase, status: "failed" | "skipped", note: string): KernelRow {
  return {
    family: c.family,
    name: c.name,
    ...(c.layer ? { layer: c.layer } : {}),
    shape: c.shape,
    flops: c.flops,
    bytes: c.bytes,
    status,
    note,
    check: null,
    ours: null,
    peers: {},
  };
}

/** One progress line: ours, then each peer's speedup. */
export function describe(r: KernelRow): string {
  if (r.status !== "ok") return `${r.name}: ${r.status.toUpperCase()} — ${r.note ?? ""}`;
  const t = r.ours;
  const peers = Object.entries(r.peers)
    .map(([n, c]) =>
      c?.speedup !== undefined ? `${n} ${c.speedup.toFixed(2)}×` : `${n} ${c?.status}`,
    )
    .join(", ");
  return (
    `${r.name}: ${t?.ms.toFixed(2)} ms ${r.gflops} GFLOP/s ${r.gbs} GB/s` +
    (r.pctFma !== undefined ? ` (${r.pctFma}% FMA, ${r.pctBw}% BW)` : "") +
    (peers ? ` | ${peers}` : "")
  );
}
