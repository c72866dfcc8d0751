// How each routine becomes a dispatch: which shader, which template slots, which Params, how
// many workgroups, and what it costs (bytes moved at least, FLOPs) for traces and benchmarks.

import argmaxWgsl from "../../../../../shaders/argmax.wgsl";
import assignWgsl from "../../../../../shaders/assign.wgsl";
import elementwiseWgsl from "../../../../../shaders/elementwise.wgsl";
import elementwiseVec4Wgsl from "../../../../../shaders/elementwise_vec4.wgsl";
import gatherWgsl from "../../../../../shaders/gather.wgsl";
import matmulWgsl from "../../../../../shaders/matmul.wgsl";
import matmulBatchWgsl from "../../../../../shaders/matmul_batch.wgsl";
import matvecWgsl from "../../../../../shaders/matvec.wgsl";
import padWgsl from "../../../../../shaders/pad.wgsl";
import { matmulPlan } from "../../conv/webgpu/forward.ts";
import { convPlanners } from "../../conv/webgpu/planners.ts";
import { wgslType } from "../../dtype.ts";
import { sizeOf } from "../../shape.ts";
import type { Routines } from "../backend.ts";
import { cnnPlanners } from "./cnn.ts";
import { vec4Ready } from "./codegen.ts";
import { BYTES_PER_ELEMENT, VEC4, wgslConst } from "./constants.ts";
import { checkRank, exprLabel, exprShader, grid, inBytes, type Planner, pad8 } from "./launch.ts";
import { reducePlan } from "./reduce.ts";

/** Rows of A and output columns per workgroup of shaders/matvec.wgsl, read from its consts. */
const MATVEC_MAX_M = wgslConst(matvecWgsl, "MAXM");
const MATVEC_COLS = wgslConst(matvecWgsl, "COLS");
const MATVEC_KN_COLS = wgslConst(matvecWgsl, "KN_COLS");
/** The output tile of shaders/matmul.wgsl (TILE × TILE per workgroup). */
const MATMUL_TILE = wgslConst(matmulWgsl, "TILE");

/**
 * Unbatched matmuls of at least minWork multiply-adds (M ≥ minRows, K ≥ 16, N ≥ 64) run as 1×1
 * convolutions through the conv kernels (conv/webgpu/forward.ts: matmulPlan); the rest, and every
 * batched one, through matmul.wgsl. On lavapipe the conv route is about 3× faster from 128³ up
 * and no faster at 64³ (bench-engine/overhead.ts, NOTES in bench-engine/README.md). A classifier
 * over a few images (M = 5 … 15, past matvec's 4 rows) takes it too: GoogLeNet's [7, 1024] ×
 * [1024, 1000]ᵀ took 62 ms through matmul.wgsl's 64-row tiles, 7 ms as a conv (packs included)
 * on lavapipe.
 */
export const matmulTuning = { viaConv: true, minWork: 128 ** 3, minRows: 5 };

/**
 * Elements per thread of shaders/elementwise.wgsl and vec4s per thread of elementwise_vec4.wgsl
 * (their PER): 4 elements either way. On lavapipe (bench-engine/tuning-ab.ts, [1024, 1024] x + y)
 * the vec4 kernel took 4.5 ms at one vec4 per thread, 4.8 at 2 and 5.3 at 4, the scalar kernel
 * 11 ms; the scalar kernel's 4 per workgroup thread amortises lavapipe's cost per workgroup, its
 * differences to 1 or 8 stayed below the noise of the loaded machine. `vec4: false` forces the
 * scalar kernel (tests run both).
 */
export const elementwiseTuning = { perThread: 4, vec4PerThread: 1, vec4: true };

/**
 * A strided view [shape, strides] with size-1 dims dropped and each dim merged into the one
 * before it where stride[d−1] = stride[d] · size[d]: the same elements at the same places, in
 * as few dims as the layout allows (collapseDims' rule for one view).
 */
export function mergeView(
  shape: readonly number[],
  strides: readonly number[],
): { shape: number[]; strides: number[] } {
  const out = { shape: [] as number[], strides: [] as number[] };
  for (const [d, n] of shape.entries()) {
    if (n === 1) continue;
    const k = out.shape.length - 1;
    if (k >= 0 && out.strides[k] === strides[d] * n) {
      out.shape[k] *= n;
      out.strides[k] = strides[d];
    } else {
      out.shape.push(n);
      out.strides.push(strides[d]);
    }
  }
  return out;
}

export const planners: { [K in keyof Routines]: Planner<K> } = {
  ...convPlanners,
  ...cnnPlanners,
  elementwise: ({ expr, shape, out }, maxPerDim) => {
    const n = sizeOf(shape);
    if (n === 0) return [];
    if (elementwiseTuning.vec4 && out.offset % VEC4 === 0 && vec4Ready(expr, shape)) {
      const per = elementwiseTuning.vec4PerThread;
      const kernel = `elementwise.vec4(${exprLabel(expr)})`;
      const s = exprShader(
        elementwiseVec4Wgsl,
        [{ expr, shape, fn: "value", vec4: true }],
        {},
        kernel,
      );
      const g = grid(Math.ceil(n / VEC4 / per), maxPerDim);
      return [
        {
          kernel,
          source: s.source,
          entry: "main",
          constants: { PER: per },
          params: { n4: n / VEC4, outOffset4: out.offset / VEC4, rowStride: g.rowStride, ex: s.ex },
          storages: [out.storage, ...s.storages],
          workgroups: g.workgroups,
          bytes: inBytes(s.storages) + n * BYTES_PER_ELEMENT,
          flops: n * Math.max(1, exprLabel(expr).split("·").length),
        },
      ];
    }
    const per = elementwiseTuning.perThread;
    const kernel = `elementwise(${exprLabel(expr)})`;
    const s = exprShader(
      elementwiseWgsl,
      [{ expr, shape, fn: "value" }],
      { outType: wgslType(expr.dtype) },
      kernel,
    );
    const g = grid(Math.ceil(n / per), maxPerDim);
    return [
      {
        kernel,
        source: s.source,
        entry: "main",
        constants: { PER: per },
        params: { n, outOffset: out.offset, rowStride: g.rowStride, ex: s.ex },
        storages: [out.storage, ...s.storages],
        workgroups: g.workgroups,
        bytes: inBytes(s.storages) + n * BYTES_PER_ELEMENT,
        flops: n * Math.max(1, exprLabel(expr).split("·").length),
      },
    ];
  },

  reduce: reducePlan,

  argmax: ({ op, expr, shape, outer, inner, out }, maxPerDim) => {
    if (outer === 0) return [];
    const type = wgslType(expr.dtype);
    const kernel = `${op}(${exprLabel(expr)})`;
    const s = exprShader(
      argmaxWgsl,
      [{ expr, shape, fn: "value" }],
      { type, better: op === "argmax" ? "b > a" : "b < a" },
      kernel,
    );
    const short = inner <= 64;
    const g = grid(outer, maxPerDim);
    return [
      {
        kernel,
        source: s.source,
        entry: short ? "rows" : "tree",
        constants: (short ? {} : { WG: 256 }) as Record<string, number>,
        params: { outer, inner, outOffset: out.offset, ex: s.ex },
        storages: [out.storage, ...s.storages],
        workgroups: short ? g.workgroups : [Math.min(outer, 65535), Math.ceil(outer / 65535), 1],
        bytes: inBytes(s.storages) + outer * BYTES_PER_ELEMENT,
        flops: outer * inner,
      },
    ];
  },

  matmul: (a, maxPerDim, ctx) => {
    const batch = sizeOf(a.batchShape);
    if (a.m * a.n * batch === 0) return [];
    if (a.batchShape.length > 4) throw new Error("matmul: at most 4 batch dims are supported");
    const lead = 4 - a.batchShape.length;
    const four = (xs: readonly number[], fill: number) => [...Array(lead).fill(fill), ...xs];
    const params = {
      m: a.m,
      n: a.n,
      k: a.k,
      aOffset: a.a.offset,
      bOffset: a.b.offset,
      outOffset: a.out.offset,
      batchShape: four(a.batchShape, 1),
      batchStridesA: four(a.batchStridesA, 0),
      batchStridesB: four(a.batchStridesB, 0),
    };
    const cost = {
      storages: [a.out.storage, a.a.storage, a.b.storage],
      bytes: BYTES_PER_ELEMENT * batch * (a.m * a.k + a.k * a.n + a.m * a.n),
      flops: 2 * batch * a.m * a.n * a.k,
    };
    // A few rows against a weight (a fully connected layer at small batch): the matrix-vector
    // kernels keep every thread busy where a 64×64 tile would idle 63 rows of 64. B stored
    // [N, K] takes `main`, B stored [K, N] `columns` (see shaders/matvec.wgsl).
    if (a.m <= MATVEC_MAX_M) {
      const blocks = Math.ceil(a.n / (a.transB ? MATVEC_COLS : MATVEC_KN_COLS));
      return [
        {
          kernel: `matvec${a.transA ? "·Aᵀ" : ""}${a.transB ? "·Bᵀ" : ""}`,
          source: `${matmulBatchWgsl}\n${matvecWgsl}`,
          entry: a.transB ? "main" : "columns",
          constants: { TRANS_A: a.transA ? 1 : 0 },
          params,
          ...cost,
          workgroups: [Math.min(blocks, 65535), Math.ceil(blocks / 65535), batch],
        },
      ];
    }
    const big =
      a.m * a.n * a.k >= matmulTuning.minWork &&
      a.m >= matmulTuning.minRows &&
      a.k >= 16 &&
      a.n >= 64;
    if (batch === 1 && matmulTuning.viaConv && big) {
      return matmulPlan(a, maxPerDim, ctx, cost.flops, cost.bytes);
    }
    return [
      {
        kernel: `matmul${a.transA ? "·Aᵀ" : ""}${a.transB ? "·Bᵀ" : ""}`,
        source: `${matmulBatchWgsl}\n${matmulWgsl}`,
        entry: "main",
        constants: { TRANS_A: a.transA ? 1 : 0, TRANS_B: a.transB ? 1 : 0 },
        params,
        ...cost,
        workgroups: [Math.ceil(a.n / MATMUL_TILE), Math.ceil(a.m / MATMUL_TILE), batch],
      },
    ];
  },

  assign: ({ expr, shape, out, strides: viewStrides }, maxPerDim) => {
    const n = sizeOf(shape);
    if (n === 0) return [];
    checkRank("assign", shape);
    // The output view with its mergeable dims merged, as collapseDims does for reads: a concat
    // of [N, C, H, W] into [N, C', H, W] writes through [N, C·H·W] (stride C'·H·W, 1), one
    // division per element instead of three (CPU adapters do not vectorise them).
    const view = mergeView(shape, viewStrides);
    const last = view.shape.length - 1;
    // Four elements at a time where the view is runs of whole vec4s and the expression reads
    // them as such (codegen.ts: vec4Ready): a concat's copies move 16 bytes per load and store.
    // On lavapipe a [25, 480, 28, 28] concat of four inputs took 165 ms scalar and takes 36 ms
    // so (x·2 on the same size, vec4: 16 ms).
    const vec4 =
      elementwiseTuning.vec4 &&
      last >= 0 &&
      out.offset % VEC4 === 0 &&
      view.strides[last] === 1 &&
      view.shape[last] % VEC4 === 0 &&
      view.strides.every((st, d) => d === last || st % VEC4 === 0) &&
      vec4Ready(expr, shape);
    const lanes = vec4 ? VEC4 : 1;
    const units = {
      shape: view.shape.map((size, d) => (d === last ? size / lanes : size)),
      strides: view.strides.map((st, d) => (vec4 && d === last ? 1 : st / lanes)),
    };
    const kernel = `assign${vec4 ? ".vec4" : ""}(${exprLabel(expr)})`;
    const s = exprShader(
      assignWgsl,
      [{ expr, shape, fn: "value", vec4 }],
      { outType: vec4 ? "vec4<f32>" : wgslType(expr.dtype) },
      kernel,
    );
    const per = vec4 ? elementwiseTuning.vec4PerThread : elementwiseTuning.perThread;
    const g = grid(Math.ceil(n / lanes / per), maxPerDim);
    return [
      {
        kernel,
        source: s.source,
        entry: "main",
        constants: { PER: per },
        params: {
          n: n / lanes,
          rank: units.shape.length,
          outOffset: out.offset / lanes,
          rowStride: g.rowStride,
          shape: pad8(units.shape),
          strides: pad8(units.strides, 0),
          ex: s.ex,
        },
        storages: [out.storage, ...s.storages],
        workgroups: g.workgroups,
        bytes: inBytes(s.storages) + n * BYTES_PER_ELEMENT,
        flops: 0,
      },
    ];
  },

  pad: ({ expr, inShape, before, after, mode, value, out }, maxPerDim) => {
    const outShape = inShape.map((d, i) => d + before[i] + after[i]);
    const n = sizeOf(outShape);
    if (n === 0) return [];
    checkRank("pad", inShape);
    const kernel = `pad.${mode}(${exprLabel(expr)})`;
    const s = exprShader(
      padWgsl,
      [{ expr, shape: inShape, fn: "value" }],
      { outType: wgslType(expr.dtype) },
      kernel,
    );
    const g = grid(n, maxPerDim);
    const modes = { constant: 0, reflect: 1, replicate: 2, circular: 3 };
    return [
      {
        kernel,
        source: s.source,
        entry: "main",
        constants: {},
        params: {
          n,
          rank: inShape.length,
          mode: modes[mode],
          rowStride: g.rowStride,
          outOffset: out.offset,
          value,
          inShape: pad8(inShape),
          before: pad8(before, 0),
          outShape: pad8(outShape),
          ex: s.ex,
        },
        storages: [out.storage, ...s.storages],
        workgroups: g.workgroups,
        bytes: inBytes(s.storages) + n * BYTES_PER_ELEMENT,
        flops: 0,
      },
    ];
  },

  gather: ({ x, xShape, index, shape, dim, out }, maxPerDim) => {
    const n = sizeOf(shape);
    if (n === 0) return [];
    checkRank("gather", shape);
    const type = wgslType(x.dtype);
    const kernel = `gather(${exprLabel(x)})`;
    const s = exprShader(
      gatherWgsl,
      [
        { expr: x, shape: xShape, fn: "value" },
        { expr: index, shape, fn: "index" },
      ],
      { outType: type, invalid: type === "f32" ? "nan_()" : "0" },
      kernel,
    );
    const g = grid(n, maxPerDim);
    return [
      {
        kernel,
        source: s.source,
        entry: "main",
        constants: {},
        params: {
          n,
          rank: shape.length,
          dim,
          rowStride: g.rowStride,
          outOffset: out.offset,
          shape: pad8(shape),
          xShape: pad8(xShape),
          ex: s.ex,
        },
        storages: [out.storage, ...s.storages],
        workgroups: g.workgroups,
        bytes: 3 * n * BYTES_PER_ELEMENT,
        flops: 0,
      },
    ];
  },
};
