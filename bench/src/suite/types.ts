// The shape of one benchmark run's JSON (bench/results/*.json): what the suite measured, on which
// device, against which peers. schema.ts checks a file against these types at run time.

export const SCHEMA_VERSION = 1;

export type Mode = "tiny" | "quick" | "full";
export type RunnerName = "node" | "chrome";
export type PeerName = "tfjs-webgpu" | "tfjs-wasm" | "ort-webgpu" | "ort-wasm";
export const PEER_NAMES: readonly PeerName[] = [
  "tfjs-webgpu",
  "tfjs-wasm",
  "ort-webgpu",
  "ort-wasm",
];

/** How a time was taken: GPU timestamp queries summed per dispatch, or wall clock. */
export type Basis = "timestamp" | "wall";

/** The median of the timed runs of one engine on one case. */
export interface Timing {
  /** The headline time: `gpuMs` when the engine could time on the GPU, else `wallMs`. */
  ms: number;
  basis: Basis;
  /** Enqueue → flush → `onSubmittedWorkDone` (or a synchronous call for WASM), median. */
  wallMs: number;
  /** Sum of the per-dispatch timestamp intervals, median; null without timestamps. */
  gpuMs: number | null;
  runs: number;
  /** Every timed run's headline time, in run order. */
  samples: number[];
}

export interface Check {
  /** What our output was compared with: a peer's name or "cpu-oracle". */
  against: string;
  /** max |ours − reference| / max |reference|. */
  relErr: number;
  tol: number;
}

export interface PeerCell {
  status: "ok" | "failed" | "skipped";
  /** Why it failed or was skipped. */
  note?: string;
  /** This peer's output against the row's reference (max abs difference, relative). */
  relErr?: number;
  time?: Timing;
  gflops?: number;
  gbs?: number;
  /** Peer time ÷ our time, both on `ratioBasis`: 3 means we are three times faster. */
  speedup?: number;
  ratioBasis?: Basis;
}

export interface KernelRow {
  /** Kernel family (matmul, conv, convGx, convGw, maxpool, gram, reduce, elementwise). */
  family: string;
  /** Unique within a run, e.g. "conv3_1 fwd 56²". */
  name: string;
  /** The VGG16 layer the row stands for, when it is one. */
  layer?: string;
  /** Input shapes, e.g. "x 1×128×56×56, w 256×128×3×3". */
  shape: string;
  /** Floating-point operations (a fused multiply-add counts 2). */
  flops: number;
  /** Bytes the kernel must move at least: every input read once, the output written once. */
  bytes: number;
  status: "ok" | "failed" | "skipped";
  note?: string;
  check: Check | null;
  ours: Timing | null;
  gflops?: number;
  gbs?: number;
  /** Our dispatches in the last timed run: kernel, grid, GPU ms (the time split and the grid). */
  dispatches?: { kernel: string; workgroups: number[]; ms: number | null }[];
  /** % of the probe's FMA rate and of its copy bandwidth. */
  pctFma?: number;
  pctBw?: number;
  peers: Partial<Record<PeerName, PeerCell>>;
}

export interface PipelineRow {
  name: string;
  description: string;
  status: "ok" | "failed" | "skipped";
  note?: string;
  /** What one step is (input size, batch, tap). */
  config?: string;
  time?: Timing;
  /** Our output against the peers' (relative L2 error: see data.ts relL2). */
  check?: Check;
  /** FLOPs of one step counted from the dispatch records, when known. */
  flops?: number;
  gflops?: number;
  pctFma?: number;
  dispatches?: number;
  submits?: number;
  peers?: Partial<Record<PeerName, PeerCell>>;
}

export interface ProbeResult {
  /** Achievable FLOP rate of long vec4 FMA chains, GFLOP/s. */
  fmaGflops: number;
  /** Copy bandwidth, bytes read + written, GB/s (10⁹). */
  bandwidthGBs: number;
  basis: Basis;
  fma: { threads: number; iterations: number; flops: number; ms: number };
  copy: { bytes: number; ms: number };
}

export interface DeviceInfo {
  /** What the engine calls it: gpu, lavapipe, swiftshader, browser. */
  adapter: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Driver or backend the adapter reports where it says more (Dawn's adapter info). */
  driver?: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  timestamps: boolean;
}

export interface PeerInfo {
  name: PeerName;
  status: "ok" | "skipped" | "failed";
  version?: string;
  note?: string;
}

export interface BenchResult {
  schema: typeof SCHEMA_VERSION;
  date: string;
  commit: string;
  runner: RunnerName;
  mode: Mode;
  /** The command-line flags of the run. */
  flags: string[];
  env: {
    platform: string;
    node?: string;
    dawn?: string;
    browser?: string;
    userAgent?: string;
    /** Tracked files with uncommitted changes when the bench was built from a work tree. */
    dirtyFiles?: number;
    /** "kit" when the run came from the GPU kit's run.sh. */
    launcher?: string;
    cpus?: number;
    /** 1-minute load average at start and end: CPU adapters share the CPU with everything else. */
    loadavg?: [number, number];
  };
  device: DeviceInfo;
  probe: ProbeResult | null;
  peers: PeerInfo[];
  kernels: KernelRow[];
  pipelines: PipelineRow[];
  notes: string[];
  durationS: number;
}
