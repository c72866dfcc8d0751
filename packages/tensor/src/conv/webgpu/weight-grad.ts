// Plans for conv2dWeightGrad: pack x (padded) and g into vec4 channel blocks, sum slices of the
// batch's output rows into partial sums (split-K, conv2d_weight_grad.wgsl), then add the slices
// in a fixed order (conv2d_weight_grad_reduce.wgsl). Deterministic: no atomics anywhere. A batch
// too large for one binding runs chunk by chunk, each chunk's reduce adding onto the last.

import wgradWgsl from "../../../../../shaders/conv2d_weight_grad.wgsl";
import reduceWgsl from "../../../../../shaders/conv2d_weight_grad_reduce.wgsl";
import type { Region } from "../../backend/backend.ts";
import {
  BYTES_PER_ELEMENT,
  shaderConstants,
  VEC4,
  wgslConst,
} from "../../backend/webgpu/constants.ts";
import { grid, type Launch, type PlanContext } from "../../backend/webgpu/launch.ts";
import { fillTemplate } from "../../backend/webgpu/template.ts";
import type { ConvRoutines } from "../routines.ts";
import { laneSlots, useSubgroups } from "./lanes.ts";
import { type PackSource, packedSize, packInput } from "./pack.ts";
import { imagesPerLaunch, window } from "./split.ts";

const { WG_1D } = shaderConstants;

/** Elements each thread of the reduce pass adds up: the shader's PER, read from its source. */
const REDUCE_PER = wgslConst(reduceWgsl, "PER");

/** Output-channel blocks per thread, target workgroups, and the memory partial sums may take. */
export const weightGradTuning = { to: 4, workgroups: 128, partialFloats: 1 << 24, subgroups: true };

export function weightGradPlan(
  a: ConvRoutines["conv2dWeightGrad"],
  maxPerDim: number,
  ctx: PlanContext,
  flops: number,
  bytes: number,
): Launch[] {
  const G = a.geom;
  const { to } = weightGradTuning;
  const sg = weightGradTuning.subgroups && useSubgroups(ctx.info);
  const groups = G.groups;
  const cin = G.inC / groups;
  const cout = G.outC / groups;
  const taps = G.kH * G.kW;
  const blocks = Math.ceil(cin / VEC4);
  const oblocks = Math.ceil(cout / VEC4);
  const size = G.outC * cin * taps;
  const xs: PackSource = {
    batch: G.batch,
    groups,
    channels: cin,
    srcH: G.inH,
    srcW: G.inW,
    dstH: (G.outH - 1) * G.strideH + G.dilationH * (G.kH - 1) + 1,
    dstW: (G.outW - 1) * G.strideW + G.dilationW * (G.kW - 1) + 1,
    padTop: G.padTop,
    padLeft: G.padLeft,
    step: [1, 1],
  };
  // g's rows padded with zeros to a multiple of 8 pixels: the kernel takes pixels 8 at a time.
  const gs: PackSource = {
    batch: G.batch,
    groups,
    channels: cout,
    srcH: G.outH,
    srcW: G.outW,
    dstH: G.outH,
    dstW: Math.ceil(G.outW / 8) * 8,
    padTop: 0,
    padLeft: 0,
    step: [1, 1],
  };
  // Enough slices to fill the device, few enough that the partial sums stay small.
  const perSlice = Math.ceil((blocks * taps) / WG_1D) * Math.ceil(oblocks / to) * groups;
  const wanted = Math.ceil(weightGradTuning.workgroups / perSlice);
  const budget = Math.max(1, Math.floor(weightGradTuning.partialFloats / size));
  const images = imagesPerLaunch(
    ctx,
    "conv2dWeightGrad",
    G.batch,
    {
      input: G.inC * G.inH * G.inW,
      "packed input": VEC4 * packedSize(xs, 1),
      gradient: G.outC * G.outH * G.outW,
      "packed gradient": VEC4 * packedSize(gs, 1),
    },
    { "weight gradient": size, "partial sums": size },
  );
  const chunkRows = images * G.outH;
  const maxSlices = Math.min(
    wanted,
    budget,
    chunkRows,
    Math.floor(ctx.limits.maxStorageBufferBindingSize / BYTES_PER_ELEMENT / size),
  );
  const rowsPerSlice = Math.ceil(chunkRows / Math.max(1, maxSlices));
  const slices = Math.ceil(chunkRows / rowsPerSlice);

  // The padding pixels of a row read x past the row's end (times a zero g): spare vec4s at the
  // end keep the last row's reads inside the buffer.
  const spare = (gs.dstW - G.outW) * G.strideW;
  const xp: Region = {
    storage: ctx.scratch("float32", VEC4 * (packedSize(xs, images) + spare)),
    offset: 0,
  };
  // 8 spare vec4s: the spread of a row's last pixels may read past the end of g.
  const gp: Region = {
    storage: ctx.scratch("float32", VEC4 * (packedSize(gs, images) + 8)),
    offset: 0,
  };
  const out = window(a.out, 0, size);
  // One slice in one launch: the partial sums are the gradient, written in place, no reduce.
  const direct = slices === 1 && images === G.batch;
  const partial = direct ? a.out.storage : ctx.scratch("float32", size * slices);
  const source = fillTemplate(wgradWgsl, { to, ...laneSlots(sg, "g") }, "conv2dWeightGrad");
  const threads = Math.ceil(size / REDUCE_PER);
  const r = grid(threads, maxPerDim);
  const launches: Launch[] = [];
  for (let n0 = 0; n0 < G.batch; n0 += images) {
    const n = Math.min(images, G.batch - n0);
    const rows = n * G.outH;
    const used = Math.ceil(rows / rowsPerSlice);
    launches.push(packInput("conv2dWeightGrad", a.x, xs, xp, n0, n, maxPerDim, null));
    launches.push(packInput("conv2dWeightGrad", a.g, gs, gp, n0, n, maxPerDim, a.mask));
    launches.push({
      kernel: `conv2dWeightGrad ${VEC4 * to}×${WG_1D} split ${slices}${sg ? "" : " (no subgroups)"}`,
      source,
      entry: "main",
      constants: {},
      params: {
        blocks,
        oblocks,
        inH: xs.dstH,
        inW: xs.dstW,
        outH: G.outH,
        outW: G.outW,
        gW: gs.dstW,
        kH: G.kH,
        kW: G.kW,
        strideH: G.strideH,
        strideW: G.strideW,
        dilationH: G.dilationH,
        dilationW: G.dilationW,
        cin,
        cout,
        groups,
        rows,
        rowsPerSlice,
        slices,
        partialOffset: direct ? out.offset : 0,
      },
      storages: [partial, xp.storage, gp.storage],
      ranges: [direct ? out.range : null, null, null],
      workgroups: [Math.ceil((blocks * taps) / WG_1D), Math.ceil(oblocks / to), used * groups],
      bytes: (bytes * n) / G.batch,
      flops: (flops * n) / G.batch,
    });
    if (direct) continue;
    launches.push({
      kernel: `conv2dWeightGrad.reduce ${slices}`,
      source: reduceWgsl,
      entry: "main",
      constants: {},
      params: {
        count: size,
        threads,
        slices: used,
        stride: slices,
        rowStride: r.rowStride,
        outOffset: out.offset,
        flags: n0 > 0 ? 1 : 0,
      },
      storages: [a.out.storage, partial],
      ranges: [out.range, null],
      workgroups: r.workgroups,
      bytes: BYTES_PER_ELEMENT * size * (slices + 1),
      flops: size * slices,
    });
  }
  return launches;
}
