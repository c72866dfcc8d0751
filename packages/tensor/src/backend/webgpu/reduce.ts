// Planning a reduction: which entry of shaders/reduce.wgsl reads the rows, how each row is cut
// into chunks to give the device enough threads, and the passes that reduce the chunks' partial
// results until one value per row remains.

import reduceWgsl from "../../../../../shaders/reduce.wgsl";
import reduceSubgroupsWgsl from "../../../../../shaders/reduce_subgroups.wgsl";
import { wgslType } from "../../dtype.ts";
import { contiguousLeaf, type Expr, leavesOf } from "../../expr.ts";
import type { BackendInfo, Routines } from "../backend.ts";
import { collapseDims } from "./codegen.ts";
import { shaderConstants } from "./constants.ts";
import { exprLabel, exprShader, grid, inBytes, type Launch, type PlanContext } from "./launch.ts";

/**
 * Knobs of the reduction planner. `subgroups: false` forces the shared-memory tree on adapters
 * that have subgroups (the tests run both). `profile` picks the row strategy: "auto" takes "cpu"
 * on a fallback adapter (lavapipe, SwiftShader) and "gpu" elsewhere.
 */
export const reduceTuning = {
  subgroups: true,
  profile: "auto" as "auto" | "gpu" | "cpu",
};

/**
 * `threads`: how many threads a reduction aims to launch before it cuts rows into more chunks.
 * `shortRow`: rows up to this long are read one thread per row (`lanes`), longer contiguous rows
 * by a workgroup (`tree`).
 *
 * A GPU wants thousands of threads in flight and a workgroup per long row, its threads reading
 * neighbouring addresses together. A CPU adapter runs each workgroup on one core as a loop over
 * its invocations, 8 at a time in SIMD lanes (lavapipe): a barrier there is a switch between
 * coroutines and workgroup memory is ordinary memory, so cooperation costs more than it saves,
 * while a thread walking its own row streams through the cache. Measured on lavapipe (2 cores,
 * sum over rows of [1024, 1024], bench-engine/reduce-plans.ts): one thread per row 5× faster
 * than a 64-thread workgroup per row with subgroups, 9× faster than one without. A CPU adapter
 * also needs only a few workgroups per core.
 */
const PROFILES = {
  gpu: { threads: 16384, shortRow: 32 },
  cpu: { threads: 1024, shortRow: Number.POSITIVE_INFINITY },
};

function profileOf(info: BackendInfo) {
  const p = reduceTuning.profile;
  return PROFILES[p === "auto" ? (info.isFallbackAdapter ? "cpu" : "gpu") : p];
}

/** Threads per workgroup of the `lanes` entry (reduce.wgsl's @workgroup_size(WG_1D)). */
const LANES_WG = shaderConstants.WG_1D;
/**
 * Elements a thread adds at least before rows are cut into more chunks: a `tree` thread (its
 * workgroup then covers WG times as many) and a `lanes` thread, which has no tree to amortise.
 */
const MIN_PER_THREAD = { tree: 16, lanes: 64 };
/** The grid's limit on chunks (the x dimension of a `tree` launch). */
const MAX_CHUNKS = 65535;

type Kind = "lanes" | "tree";

/** Whether the adapter can run reduce_subgroups.wgsl (and the tuning allows it). */
function reduceUsesSubgroups(info: BackendInfo): boolean {
  return reduceTuning.subgroups && info.features.includes("subgroups");
}

/**
 * How the rows lie in memory, judged by the leaf that reads the most: a row reduction steps by 1
 * along j, a column reduction by 1 along r. Only the innermost merged dim of each side matters.
 */
function layout(expr: Expr, shape: readonly number[], split: number) {
  const leaves = leavesOf(expr);
  if (leaves.length === 0) return { rowsContiguous: true, columns: false };
  const main = leaves.reduce((a, b) => (b.storage.length > a.storage.length ? b : a));
  const dims = shape.map((_, d) => d);
  const innermost = (group: number[]) => {
    const st = collapseDims(shape, group, leaves).strides.get(main)!;
    return st.length ? st[st.length - 1] : 0;
  };
  const alongJ = innermost(dims.slice(split));
  const alongR = innermost(dims.slice(0, split));
  return { rowsContiguous: Math.abs(alongJ) === 1, columns: Math.abs(alongR) === 1 };
}

/** The first k with shape[0..k) holding `outer` elements: the kept dims (size-1 dims aside). */
function splitOf(shape: readonly number[], outer: number): number {
  let n = 1;
  for (let k = 0; k < shape.length; k++) {
    if (n === outer) return k;
    n *= shape[k];
  }
  return shape.length;
}

/**
 * The reduction's plan: a first pass over the expression into `chunks` partial results per row
 * (written straight to `out` when chunks = 1), then passes over the partials.
 */
export function reducePlan(
  args: Routines["reduce"],
  maxPerDim: number,
  ctx: PlanContext,
): Launch[] {
  const { op, expr, shape, outer, inner, out } = args;
  if (outer === 0) return [];
  const split = splitOf(shape, outer);
  const { rowsContiguous, columns } = layout(expr, shape, split);
  const tuning = profileOf(ctx.info);
  const kind: Kind =
    inner <= tuning.shortRow || (columns && !rowsContiguous) || inner === 0 ? "lanes" : "tree";
  const wg = kind === "lanes" ? LANES_WG : inner >= 8192 ? 256 : 64;
  // Chunks: enough to reach the thread target, never so many that a thread adds fewer than
  // MIN_PER_THREAD elements, and within the grid.
  const perRow = kind === "lanes" ? 1 : wg;
  const wanted = Math.ceil(tuning.threads / (outer * perRow));
  const most = Math.ceil(inner / (perRow * MIN_PER_THREAD[kind]));
  let chunks = Math.max(1, Math.min(wanted, most));
  let chunk = Math.ceil(Math.max(inner, 1) / chunks);
  if (chunks > MAX_CHUNKS) chunk = Math.ceil(inner / MAX_CHUNKS);
  chunks = Math.max(1, Math.ceil(inner / chunk));

  const first =
    chunks === 1 ? out : { storage: ctx.scratch(expr.dtype, outer * chunks), offset: 0 };
  const launch = oneLaunch(args, kind, wg, split, chunk, chunks, first, maxPerDim, ctx.info);
  if (chunks === 1) return [launch];
  // The partials, [outer, chunks] contiguous: a (much shorter) row reduction of their own.
  const partials = contiguousLeaf(first.storage, [outer, chunks]);
  const rest = { op, expr: partials, shape: [outer, chunks], outer, inner: chunks, out };
  return [launch, ...reducePlan(rest, maxPerDim, ctx)];
}

function oneLaunch(
  args: Routines["reduce"],
  kind: Kind,
  wg: number,
  split: number,
  chunk: number,
  chunks: number,
  target: Routines["reduce"]["out"],
  maxPerDim: number,
  info: BackendInfo,
): Launch {
  const { op, expr, shape, outer, inner } = args;
  const type = wgslType(expr.dtype);
  const f32 = type === "f32";
  const identity =
    op === "sum"
      ? `${type}(0)`
      : op === "max"
        ? f32
          ? "-inf_()"
          : "i32(-2147483647 - 1)"
        : f32
          ? "inf_()"
          : "i32(2147483647)";
  const combine = op === "sum" ? "a + b" : `${op}(a, b)`;
  const subgroups = kind === "tree" && reduceUsesSubgroups(info);
  const kernel = `${op}(${exprLabel(expr)})`;
  const template = subgroups ? `${reduceWgsl}\n${reduceSubgroupsWgsl}` : reduceWgsl;
  const subgroupOp = { sum: "subgroupAdd", max: "subgroupMax", min: "subgroupMin" }[op];
  const s = exprShader(
    template,
    [{ expr, shape, fn: "value", split }],
    { type, combine, identity, ...(subgroups ? { subgroupOp } : {}) },
    kernel,
  );
  const g = grid(kind === "lanes" ? outer * chunks : outer, maxPerDim);
  const common = {
    kernel,
    // `enable` must precede every declaration, the prelude's functions included.
    source: subgroups ? `enable subgroups;\n${s.source}` : s.source,
    params: {
      outer,
      inner,
      chunk,
      chunks,
      outOffset: target.offset,
      rowStride: g.rowStride,
      ex: s.ex,
    },
    storages: [target.storage, ...s.storages],
    bytes: inBytes(s.storages) + outer * chunks * 4,
    flops: outer * inner,
  };
  if (kind === "lanes")
    return { ...common, entry: "lanes", constants: {}, workgroups: g.workgroups };
  return {
    ...common,
    entry: subgroups ? "treeSubgroups" : "tree",
    constants: { WG: wg },
    workgroups: [chunks, Math.min(outer, 65535), Math.ceil(outer / 65535)],
  };
}
