// Plans for conv2d and convTranspose2d (and large matmuls as 1×1 convs): pack the input and the
// weights (pack.ts), then run conv2d.wgsl or conv2d_small.wgsl over them. The transposed conv is
// a stride-1 convolution of its zero-inserted input with flipped, channel-swapped weights.
// Batches whose tensors exceed one binding run as several launches over chunks of images, and
// weights that exceed it (one group) as several launches over slices of output channels.

import convWgsl from "../../../../../shaders/conv2d.wgsl";
import smallWgsl from "../../../../../shaders/conv2d_small.wgsl";
import type { MatmulArgs, Region } from "../../backend/backend.ts";
import { shaderConstants, VEC4 } from "../../backend/webgpu/constants.ts";
import type { Launch, PlanContext } from "../../backend/webgpu/launch.ts";
import { fillTemplate } from "../../backend/webgpu/template.ts";
import type { ConvGeometry, ConvRoutines } from "../routines.ts";
import { laneSlots, pixelSlots, useSubgroups } from "./lanes.ts";
import {
  type Conv,
  type PackSource,
  packedSize,
  packInput,
  packWeights,
  type Rows,
  weightSpan,
} from "./pack.ts";
import { bindable, imagesPerLaunch, window } from "./split.ts";

const { WG_1D } = shaderConstants;

/**
 * Register blocks. conv2d.wgsl: pixels per thread (tp) and output channels per workgroup (tm, a
 * multiple of 8; 8 when there are at most 8 channels). Small planes take conv2d_small.wgsl: output
 * channels per thread (to) and pixels per workgroup (8·tq, or 16 for planes of at most 16).
 * Measured on lavapipe (bench-conv/NOTES.md): lanes over channels win below 128 pixels, where
 * lanes over pixels would idle, and, with 128 output channels or more, on planes that fill
 * tiles of 256 pixels badly (14², 28²); lanes over pixels win on planes that fill them (16²,
 * 32², 56² and up) now that packed weights are cached and no longer part of each call.
 */
export const forwardTuning = {
  tp: 4,
  tm: 16,
  to: 2,
  tq: 4,
  smallPlane: 128,
  /** With ≥ 128 output channels, lanes over channels also where pixel tiles fill below this. */
  minPixelFill: 0.9,
  /** …and only where the small kernel's pixel × channel tiles fill better than the plain one's. */
  byChannelFill: true,
  subgroups: true,
};

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** The padded input a conv reads: exactly the rows and columns its taps reach. */
const reach = (out: number, s: number, d: number, k: number) => (out - 1) * s + d * (k - 1) + 1;

function asForward(G: ConvGeometry): Conv {
  const groups = G.groups;
  const cin = G.inC / groups;
  const src: PackSource = {
    batch: G.batch,
    groups,
    channels: cin,
    srcH: G.inH,
    srcW: G.inW,
    dstH: reach(G.outH, G.strideH, G.dilationH, G.kH),
    dstW: reach(G.outW, G.strideW, G.dilationW, G.kW),
    padTop: G.padTop,
    padLeft: G.padLeft,
    step: [1, 1],
  };
  return {
    name: "conv2d",
    iohw: false,
    batch: G.batch,
    groups,
    cin,
    cout: G.outC / groups,
    src,
    outH: G.outH,
    outW: G.outW,
    kH: G.kH,
    kW: G.kW,
    stride: [G.strideH, G.strideW],
    dilation: [G.dilationH, G.dilationW],
  };
}

/** conv2d's adjoint: a stride-1 conv of the zero-inserted y, padded by d·(k−1) − pad. */
function asTransposed(G: ConvGeometry): Conv {
  const groups = G.groups;
  const cin = G.outC / groups;
  const src: PackSource = {
    batch: G.batch,
    groups,
    channels: cin,
    srcH: G.outH,
    srcW: G.outW,
    dstH: reach(G.inH, 1, G.dilationH, G.kH),
    dstW: reach(G.inW, 1, G.dilationW, G.kW),
    padTop: G.dilationH * (G.kH - 1) - G.padTop,
    padLeft: G.dilationW * (G.kW - 1) - G.padLeft,
    step: [G.strideH, G.strideW],
  };
  return {
    name: "convTranspose2d",
    iohw: true,
    batch: G.batch,
    groups,
    cin,
    cout: G.inC / groups,
    src,
    outH: G.inH,
    outW: G.inW,
    kH: G.kH,
    kW: G.kW,
    stride: [1, 1],
    dilation: [G.dilationH, G.dilationW],
  };
}

interface ConvArgs {
  x: Region;
  w: Region;
  bias: Region | null;
  out: Region;
  relu: boolean;
  mask: Region | null;
}

/** Which kernel and tile a conv takes: lanes over pixels, or over channels for small planes. */
function kernelFor(c: Conv, sg: boolean, allowSmall = true) {
  const T = forwardTuning;
  const plane = c.outH * c.outW;
  const tail = sg ? "" : " (no subgroups)";
  // How full the last tile of WG_1D·tp pixels is, over all tiles: 28² = 784 pixels fill 4 tiles of
  // 256 to 77%, 32² fills them exactly.
  const pixelTile = WG_1D * T.tp;
  const fillOf = (n: number, tile: number) => n / (Math.ceil(n / tile) * tile);
  const fill = fillOf(plane, pixelTile);
  // The small kernel's tiles are 8·tq pixels by WG_1D·to channels: with 144 or 208 output
  // channels its second channel tile is mostly idle, where the plain kernel's 16-channel tiles
  // fill. Lanes over channels only where their tiles fill better than lanes over pixels'.
  const tm = c.cout <= 8 ? 8 : T.tm;
  const smallFill = fillOf(plane, 8 * T.tq) * fillOf(c.cout, WG_1D * T.to);
  const plainFill = fill * fillOf(c.cout, tm);
  const small =
    allowSmall &&
    (plane <= T.smallPlane ||
      (c.cout >= WG_1D * T.to &&
        fill < T.minPixelFill &&
        (!T.byChannelFill || smallFill > plainFill)));
  if (small) {
    const { to } = T;
    const tq = plane <= 16 ? 2 : T.tq;
    return {
      label: `${c.name} small ${WG_1D * to}×${8 * tq}${tail}`,
      source: fillTemplate(smallWgsl, { to, tq, ...pixelSlots(sg) }, c.name),
      tile: WG_1D * to,
      workgroups: (n: number, cout: number): [number, number, number] => [
        Math.ceil(plane / (8 * tq)),
        Math.ceil(cout / (WG_1D * to)),
        n * c.groups,
      ],
    };
  }
  const { tp } = T;
  return {
    label: `${c.name} ${tm}×${WG_1D * tp}${tail}`,
    source: fillTemplate(convWgsl, { tp, tm, ...laneSlots(sg, "w") }, c.name),
    tile: tm,
    workgroups: (n: number, cout: number): [number, number, number] => [
      Math.ceil(plane / (WG_1D * tp)),
      Math.ceil(cout / tm),
      n * c.groups,
    ],
  };
}

/**
 * Output channels per launch: all of them when their packed weights fit one binding; otherwise
 * (one group only) the most whole tiles of rows that fit, each slice packed and convolved in turn.
 */
function channelSlices(c: Conv, tile: number, ctx: PlanContext): Rows[] | null {
  const perRow = VEC4 * Math.ceil(c.cin / VEC4) * c.kH * c.kW;
  const fits = (count: number) =>
    perRow * roundUp(count, tile) <= bindable(ctx) &&
    weightSpan(c, { start: 0, count })[1] <= bindable(ctx);
  if (c.groups > 1 || fits(c.cout)) return [{ start: 0, count: c.cout }];
  let per = Math.floor(bindable(ctx) / perRow / tile) * tile;
  while (per > 0 && !fits(per)) per -= tile;
  if (per === 0) return null;
  const slices: Rows[] = [];
  for (let start = 0; start < c.cout; start += per) {
    slices.push({ start, count: Math.min(per, c.cout - start) });
  }
  return slices;
}

function plan(
  c: Conv,
  a: ConvArgs,
  maxPerDim: number,
  ctx: PlanContext,
  flops: number,
  bytes: number,
): Launch[] {
  const sg = forwardTuning.subgroups && useSubgroups(ctx.info);
  // The small-plane kernel's tiles of 128 rows may not fit where the plain kernel's 16 do.
  // A matmul's "plane" is one row of N columns: lanes over pixels measured faster for it.
  let k = kernelFor(c, sg, c.name !== "matmul");
  let slices = channelSlices(c, k.tile, ctx);
  if (!slices) {
    k = kernelFor(c, sg, false);
    // Still nothing fits: planned whole, and imagesPerLaunch names what is too large.
    slices = channelSlices(c, k.tile, ctx) ?? [{ start: 0, count: c.cout }];
  }
  const blocks = Math.ceil(c.cin / VEC4);
  const taps = c.kH * c.kW;
  const widest = slices[0];
  const maxRows = roundUp(widest.count, k.tile);
  const plane = c.outH * c.outW;
  const outImage = c.groups * c.cout * plane;
  const wCount = c.groups * blocks * taps * maxRows;
  const images = imagesPerLaunch(
    ctx,
    c.name,
    c.batch,
    {
      input: c.groups * c.cin * c.src.srcH * c.src.srcW,
      "packed input": VEC4 * packedSize(c.src, 1),
      output: outImage,
    },
    { weights: weightSpan(c, widest)[1], "packed weights": VEC4 * wCount },
  );
  const xp: Region = {
    storage: ctx.scratch("float32", VEC4 * packedSize(c.src, images)),
    offset: 0,
  };
  // Conv weights are usually constant (inference, DeepDream): their packed layout is kept across
  // steps and refilled only when the weights are written. A matmul's "weights" are activations.
  const derived = c.name !== "matmul" ? ctx.derived?.bind(ctx) : undefined;
  let shared: Region | null = null;
  const launches: Launch[] = [];
  for (const slice of slices) {
    const rows = roundUp(slice.count, k.tile);
    let wp: Region;
    if (derived) {
      const layout = `${c.iohw ? "IOHW" : "OIHW"} g${c.groups} ${c.cin}→${c.cout} ${c.kH}×${c.kW}`;
      const key = `${c.name} packed weights ${layout} rows ${rows} [${slice.start}, +${slice.count}) at ${a.w.offset}`;
      const d = derived(key, a.w.storage, VEC4 * c.groups * blocks * taps * rows);
      wp = { storage: d.storage, offset: 0 };
      if (d.fresh) launches.push(packWeights(c, a.w, wp, rows, slice, maxPerDim));
    } else {
      shared ??= { storage: ctx.scratch("float32", VEC4 * wCount), offset: 0 };
      wp = shared;
      launches.push(packWeights(c, a.w, wp, rows, slice, maxPerDim));
    }
    for (let n0 = 0; n0 < c.batch; n0 += images) {
      const n = Math.min(images, c.batch - n0);
      // One chunk of images is packed once, whatever the number of channel slices.
      if (slice === widest || images < c.batch) {
        launches.push(packInput(c.name, a.x, c.src, xp, n0, n, maxPerDim, a.mask));
      }
      const out = window(a.out, n0 * outImage + slice.start * plane, n * outImage);
      const share = (n / c.batch) * (slice.count / c.cout);
      launches.push({
        kernel: k.label,
        source: k.source,
        entry: "main",
        constants: {},
        params: {
          blocks,
          inH: c.src.dstH,
          inW: c.src.dstW,
          outH: c.outH,
          outW: c.outW,
          kH: c.kH,
          kW: c.kW,
          strideH: c.stride[0],
          strideW: c.stride[1],
          dilationH: c.dilation[0],
          dilationW: c.dilation[1],
          cout: slice.count,
          rows,
          groups: c.groups,
          outOffset: out.offset,
          outImage,
          outGroup: c.cout * plane,
          biasOffset: (a.bias?.offset ?? 0) + slice.start,
          flags: (a.bias ? 1 : 0) | (a.relu ? 2 : 0),
        },
        storages: [a.out.storage, xp.storage, wp.storage, (a.bias ?? a.w).storage],
        ranges: [out.range, null, null, a.bias ? null : window(a.w, 0, 1).range],
        workgroups: k.workgroups(n, slice.count),
        bytes: bytes * share,
        flops: flops * share,
      });
    }
  }
  return launches;
}

export function forwardPlan(
  a: ConvRoutines["conv2d"],
  maxPerDim: number,
  ctx: PlanContext,
  flops: number,
  bytes: number,
): Launch[] {
  return plan(asForward(a.geom), { ...a, mask: null }, maxPerDim, ctx, flops, bytes);
}

export function transposedPlan(
  a: ConvRoutines["convTranspose2d"],
  maxPerDim: number,
  ctx: PlanContext,
  flops: number,
  bytes: number,
): Launch[] {
  return plan(asTransposed(a.geom), { ...a, relu: false }, maxPerDim, ctx, flops, bytes);
}

/**
 * out = A · B (no batch) as a 1×1 convolution: A's M rows are the output channels (the
 * "weights", [M, K] or [K, M] when transA, the IOHW layout), B's N columns the pixels of a 1×N
 * image of K channels ([K, N], or [N, K] channels-last when transB). The conv kernels' register
 * blocks and broadcast weights beat the workgroup-memory tiles of matmul.wgsl on CPU adapters
 * (bench-engine/README.md); the packs cost O(MK + KN) against the product's O(MNK).
 */
export function matmulPlan(
  a: MatmulArgs,
  maxPerDim: number,
  ctx: PlanContext,
  flops: number,
  bytes: number,
): Launch[] {
  const src: PackSource = {
    batch: 1,
    groups: 1,
    channels: a.k,
    srcH: 1,
    srcW: a.n,
    dstH: 1,
    dstW: a.n,
    padTop: 0,
    padLeft: 0,
    step: [1, 1],
    channelsLast: a.transB,
  };
  const c: Conv = {
    name: "matmul",
    iohw: a.transA,
    batch: 1,
    groups: 1,
    cin: a.k,
    cout: a.m,
    src,
    outH: 1,
    outW: a.n,
    kH: 1,
    kW: 1,
    stride: [1, 1],
    dilation: [1, 1],
  };
  const args = { x: a.b, w: a.a, bias: null, out: a.out, relu: false, mask: null };
  return plan(c, args, maxPerDim, ctx, flops, bytes);
}
