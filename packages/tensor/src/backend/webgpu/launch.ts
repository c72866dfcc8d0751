// What a dispatch is, and the helpers every planner uses: 2-D grids, expression shaders
// (fused inputs), readable kernel labels. Family planners import from here, never from kernels.ts.

import prelude from "../../../../../shaders/prelude.wgsl";
import type { DType } from "../../dtype.ts";
import type { Expr } from "../../expr.ts";
import type { Shape } from "../../shape.ts";
import type { BackendInfo, DeviceLimits, Routines, Storage } from "../backend.ts";
import { genExpr } from "./codegen.ts";
import { BYTES_PER_ELEMENT, shaderConstants, VEC4 } from "./constants.ts";
import type { ParamValues } from "./params.ts";
import { fillTemplate } from "./template.ts";

/** One dispatch, fully described. The backend turns it into a pipeline, bind group and pass. */
export interface Launch {
  kernel: string;
  source: string;
  entry: string;
  constants: Record<string, number>;
  params: ParamValues;
  /** Bindings 1, 2, …: the output first, then every storage the inputs read. */
  storages: Storage[];
  /**
   * Optional element range [offset, offset + length) to bind for each storage (absent or null:
   * all of it), so a kernel can work on part of a buffer larger than maxStorageBufferBindingSize.
   * Offsets must be multiples of BIND_ALIGN elements (minStorageBufferOffsetAlignment ≤ 256 B).
   */
  ranges?: (BindRange | null)[];
  workgroups: [number, number, number];
  bytes: number;
  flops: number;
}

const MAX_RANK = 8;
const { WG_1D } = shaderConstants;

/** Workgroups for n threads of WG_1D, folded into 2-D when one dimension would overflow. */
export function grid(
  n: number,
  maxPerDim: number,
): { workgroups: [number, number, number]; rowStride: number } {
  const groups = Math.max(1, Math.ceil(n / WG_1D));
  if (groups <= maxPerDim) return { workgroups: [groups, 1, 1], rowStride: groups * WG_1D };
  const x = maxPerDim;
  return { workgroups: [x, Math.ceil(groups / x), 1], rowStride: x * WG_1D };
}

/** Fill an expression-reading shader: the value function(s), the word count, the prelude. */
export function exprShader(
  template: string,
  exprs: { expr: Expr; shape: Shape; fn: string; split?: number; vec4?: boolean }[],
  slots: Record<string, string>,
  label: string,
) {
  let binding = 2;
  const words: number[] = [];
  const code: string[] = [];
  const storages: Storage[] = [];
  for (const e of exprs) {
    const g = genExpr(e.expr, e.shape, e.fn, binding, words.length, e.split, e.vec4);
    binding += g.storages.length;
    words.push(...g.words);
    code.push(g.code);
    storages.push(...g.storages);
  }
  const source = `${prelude}\n${fillTemplate(template, { ...slots, expr: code.join("\n\n"), words: Math.max(1, Math.ceil(words.length / VEC4)) }, label)}`;
  return { source, storages, ex: words };
}

/** A short readable label for a fused tree: the ops it applies, innermost first. */
export function exprLabel(expr: Expr): string {
  const ops: string[] = [];
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e) || e.kind !== "op") return;
    seen.add(e);
    e.args.forEach(visit);
    ops.push(e.op);
  };
  visit(expr);
  return ops.length ? ops.join("·") : "copy";
}

export const pad8 = (xs: readonly number[], fill = 1) => [
  ...xs,
  ...Array(MAX_RANK - xs.length).fill(fill),
];

export function checkRank(label: string, shape: Shape) {
  if (shape.length > MAX_RANK)
    throw new Error(
      `${label}: tensors of rank ${shape.length} exceed the kernels' limit of ${MAX_RANK}`,
    );
}

export const inBytes = (storages: Storage[]) =>
  storages.reduce((n, s) => n + s.length * BYTES_PER_ELEMENT, 0);

export interface BindRange {
  offset: number;
  length: number;
}

/** Binding offsets are multiples of this many 4-byte elements (256 bytes, WebGPU's largest). */
export const BIND_ALIGN = 64;

/** What a planner may ask of the device beyond the grid limit. */
export interface PlanContext {
  limits: DeviceLimits;
  /** The adapter: features (subgroups) and subgroup sizes, for planners that pick a variant. */
  info: BackendInfo;
  /** Temporary memory, freed once the launches are recorded (stream order keeps that safe). */
  scratch(dtype: DType, length: number): Storage;
  /**
   * Memory derived from `source` and kept across steps under `key` (float32); `fresh` when it
   * must be filled first (new, or `source` written since). Absent: derive into scratch.
   */
  derived?(key: string, source: Storage, length: number): { storage: Storage; fresh: boolean };
}

export type Planner<K extends keyof Routines> = (
  args: Routines[K],
  maxPerDim: number,
  ctx: PlanContext,
) => Launch[];
