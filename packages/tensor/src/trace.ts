// One record per GPU dispatch, as engine.trace() and the demo's engine panel show them.

export interface DispatchRecord {
  /** The op being applied when the dispatch ran (a routine's own op, or the op that needed a lazy input). */
  op: string;
  /** The kernel: its pipeline label, e.g. "matmul" or "elementwise(exp·mul)". */
  kernel: string;
  workgroups: [number, number, number];
  /** Bytes the kernel must move at least (inputs read once, output written once). */
  bytes: number;
  flops: number;
  /** GPU time from timestamp queries, or wall time of a lone submit when the adapter has none. */
  timeMs: number | null;
  timing: "timestamp" | "wall" | "none";
  /** The WGSL of the pipeline that ran (shared string; the panel expands it). */
  wgsl: string;
  /** The shader's entry point and the uniform `Params` it was given, by field name. */
  entry?: string;
  params?: Readonly<Record<string, number | readonly number[]>>;
}
