// Dispatch plans for the Gram matrix (tiled, split over K, deterministic second pass), dropout
// (mask hashed on the GPU), resizing and its gradient, and the 1-D filter of gaussianBlur.

import correlateWgsl from "../../../../../shaders/correlate1d.wgsl";
import dropoutWgsl from "../../../../../shaders/dropout.wgsl";
import gramWgsl from "../../../../../shaders/gram.wgsl";
import resizeWgsl from "../../../../../shaders/resize2d.wgsl";
import { sizeOf } from "../../shape.ts";
import type { CnnRoutines, ResizeMode } from "../cnn-routines.ts";
import { planeChunks, planeGrid } from "./cnn-split.ts";
import { BYTES_PER_ELEMENT, VEC4, wgslConst } from "./constants.ts";
import { exprLabel, exprShader, grid, inBytes, type Launch, type Planner } from "./launch.ts";
import { parseParams } from "./params.ts";

type ImagePlanners = {
  [K in "gram" | "dropout" | "resize2d" | "resize2dGrad" | "correlate1d"]: Planner<K>;
};

/** The Gram kernel's output tile (gram.wgsl's TILE × TILE per workgroup). */
const TILE = wgslConst(gramWgsl, "TILE");
/** Workgroups the Gram kernel aims for, so a discrete GPU has every core busy. */
const GRAM_WORKGROUPS = 256;
/** The shallowest K slice worth its partial sums (and the second pass reading them). */
const GRAM_MIN_SLICE = 256;
/** Taps correlate1d.wgsl's Params hold: its `taps` array of vec4s, four taps each. */
const MAX_TAPS =
  VEC4 * (parseParams(correlateWgsl).fields.find((f) => f.name === "taps")?.count ?? 0);

/** How many K slices a Gram matrix is split into, and how deep each is (a multiple of 16). */
function gramSplits(batch: number, channels: number, k: number, maxPerDim: number) {
  const tiles = Math.ceil(channels / TILE);
  const pairs = (tiles * (tiles + 1)) / 2;
  const want = Math.ceil(GRAM_WORKGROUPS / (batch * pairs));
  const most = Math.max(1, Math.floor(maxPerDim / batch));
  let splits = Math.max(1, Math.min(want, Math.floor(k / GRAM_MIN_SLICE), most));
  const kc = Math.max(16, Math.ceil(Math.ceil(k / splits) / 16) * 16);
  splits = Math.max(1, Math.ceil(k / kc));
  return { tiles, splits, kc };
}

/** The `mode` values of shaders/resize2d.wgsl, in its order (NEAREST = 0, …). */
const RESIZE_MODES: readonly ResizeMode[] = ["nearest", "bilinear", "bicubic", "nearest-exact"];

function resizePlan(
  a: CnnRoutines["resize2d" | "resize2dGrad"],
  grad: boolean,
  maxPerDim: number,
  maxBinding: number,
): Launch[] {
  const input = grad ? (a as CnnRoutines["resize2dGrad"]).g : (a as CnnRoutines["resize2d"]).x;
  const corners = a.alignCorners ? ".alignCorners" : "";
  const kernel = `resize2d${grad ? "Grad" : ""}.${a.mode}${corners}`;
  // src = scale·o (+ shift): (n-1)/(count-1) when corners align, n/count otherwise
  const scale = (n: number, count: number) =>
    a.alignCorners ? (count > 1 ? (n - 1) / (count - 1) : 0) : n / count;
  const taps = { nearest: 1, "nearest-exact": 1, bilinear: 2, bicubic: 4 }[a.mode];
  const inPlane = a.h * a.w;
  const outPlane = a.oh * a.ow;
  const [writes, reads] = grad ? [inPlane, outPlane] : [outPlane, inPlane];
  const chunks = planeChunks(
    kernel,
    a.planes,
    [a.out, input],
    [writes, reads],
    maxBinding,
    maxPerDim,
  );
  const [gw, gh] = grad ? [a.w, a.h] : [a.ow, a.oh];
  return chunks.map((c): Launch => {
    return {
      kernel,
      source: resizeWgsl,
      entry: grad ? "backward" : "forward",
      constants: {},
      params: {
        h: a.h,
        w: a.w,
        oh: a.oh,
        ow: a.ow,
        mode: RESIZE_MODES.indexOf(a.mode),
        alignCorners: a.alignCorners ? 1 : 0,
        scaleH: scale(a.h, a.oh),
        scaleW: scale(a.w, a.ow),
        outOffset: c.offsets[0],
        inOffset: c.offsets[1],
      },
      storages: [a.out.storage, input.storage],
      ranges: c.ranges,
      workgroups: planeGrid(gw, gh, c.count),
      bytes: BYTES_PER_ELEMENT * c.count * (inPlane + outPlane),
      flops: 3 * c.count * outPlane * taps * taps,
    };
  });
}

export const imagePlanners: ImagePlanners = {
  gram: ({ x, batch, channels: C, k: K, scale, out }, maxPerDim, ctx) => {
    if (batch * C === 0) return [];
    const { tiles, splits, kc } = gramSplits(batch, C, K, maxPerDim);
    if (batch * splits > maxPerDim || tiles * tiles > maxPerDim) {
      throw new Error(`gram: ${batch} items of ${C} channels exceed the dispatch grid`);
    }
    const direct = splits === 1;
    // Rows of F are whole vec4s when K and the start are multiples of 4 (kc always is).
    const vec4 = K % VEC4 === 0 && x.offset % VEC4 === 0;
    const target = direct
      ? out
      : { storage: ctx.scratch("float32", splits * batch * C * C), offset: 0 };
    const params = { c: C, k: K, kc, splits, tiles, batch, scale, rowStride: 0 };
    const size = batch * C * C;
    const pairs = (tiles * (tiles + 1)) / 2;
    const launches: Launch[] = [
      {
        kernel: `${direct ? "gram" : "gram.partial"}${vec4 ? "·vec4" : ""}`,
        source: gramWgsl,
        entry: vec4 ? "partial4" : "partial",
        constants: {},
        params: {
          ...params,
          direct: direct ? 1 : 0,
          srcOffset: x.offset,
          outOffset: target.offset,
        },
        storages: [target.storage, x.storage],
        workgroups: [tiles * tiles, 1, batch * splits],
        // each tile pair reads two row blocks of F; symmetric tiles are computed once
        bytes: BYTES_PER_ELEMENT * (batch * C * K + splits * size),
        flops: 2 * batch * pairs * TILE * TILE * K,
      },
    ];
    if (!direct) {
      const g = grid(size, maxPerDim);
      launches.push({
        kernel: "gram.reduce",
        source: gramWgsl,
        entry: "reduce",
        constants: {},
        params: {
          ...params,
          direct: 0,
          rowStride: g.rowStride,
          srcOffset: 0,
          outOffset: out.offset,
        },
        storages: [out.storage, target.storage],
        workgroups: g.workgroups,
        bytes: BYTES_PER_ELEMENT * (splits + 1) * size,
        flops: splits * size,
      });
    }
    return launches;
  },

  dropout: ({ expr, shape, key, p, scale, out }, maxPerDim) => {
    const n = sizeOf(shape);
    if (n === 0) return [];
    const kernel = `dropout(${exprLabel(expr)})`;
    const s = exprShader(dropoutWgsl, [{ expr, shape, fn: "value" }], {}, kernel);
    const g = grid(n, maxPerDim);
    // keep i ⟺ uniformAt(key, i) = u/2²⁴ ≥ p ⟺ u ≥ ceil(p·2²⁴), u an integer
    const threshold = Math.ceil(p * 2 ** 24);
    return [
      {
        kernel,
        source: s.source,
        entry: "main",
        constants: {},
        params: {
          n,
          key: key >>> 0,
          threshold,
          scale,
          outOffset: out.offset,
          rowStride: g.rowStride,
          ex: s.ex,
        },
        storages: [out.storage, ...s.storages],
        workgroups: g.workgroups,
        bytes: inBytes(s.storages) + n * BYTES_PER_ELEMENT,
        flops: n,
      },
    ];
  },

  resize2d: (a, maxPerDim, ctx) =>
    resizePlan(a, false, maxPerDim, ctx.limits.maxStorageBufferBindingSize),
  resize2dGrad: (a, maxPerDim, ctx) =>
    resizePlan(a, true, maxPerDim, ctx.limits.maxStorageBufferBindingSize),

  correlate1d: ({ x, outer, n, inner, taps, out }, maxPerDim) => {
    const m = n - taps.length + 1;
    const count = outer * m * inner;
    if (count <= 0) return [];
    if (taps.length > MAX_TAPS)
      throw new Error(`correlate1d: at most ${MAX_TAPS} taps, got ${taps.length}`);
    const g = grid(count, maxPerDim);
    return [
      {
        kernel: "correlate1d",
        source: correlateWgsl,
        entry: "main",
        constants: {},
        params: {
          outer,
          n,
          inner,
          count: taps.length,
          xOffset: x.offset,
          outOffset: out.offset,
          rowStride: g.rowStride,
          taps: [...taps, ...Array(MAX_TAPS - taps.length).fill(0)],
        },
        storages: [out.storage, x.storage],
        workgroups: g.workgroups,
        bytes: BYTES_PER_ELEMENT * (outer * n * inner + count),
        flops: 2 * count * taps.length,
      },
    ];
  },
};
