// The packs every conv plan starts with (conv2d_pack.wgsl): activations into vec4s of 4
// channels over the zero-padded plane, weights into [group][block][tap][row] vec4s, and the
// description of a conv the kernels run (`Conv`) that both sides share. forward.ts plans
// the convolutions over these; weight-grad.ts packs its two operands with packInput.

import packWgsl from "../../../../../shaders/conv2d_pack.wgsl";
import type { Region } from "../../backend/backend.ts";
import {
  BYTES_PER_ELEMENT,
  shaderConstants,
  VEC4,
  wgslConst,
} from "../../backend/webgpu/constants.ts";
import type { Launch } from "../../backend/webgpu/launch.ts";
import { window } from "./split.ts";

const { WG_1D } = shaderConstants;
/** Rows of the padded plane each packInput thread fills (conv2d_pack.wgsl's ROWS). */
const PACK_ROWS = wgslConst(packWgsl, "ROWS");

/** Where packInput finds its source and how it pads: see conv2d_pack.wgsl. */
export interface PackSource {
  batch: number;
  groups: number;
  channels: number;
  srcH: number;
  srcW: number;
  dstH: number;
  dstW: number;
  padTop: number;
  padLeft: number;
  step: readonly [number, number];
  /** Source stored [image][row][column][channel] (one group); NCHW when absent. */
  channelsLast?: boolean;
}

/** Vec4s packInput writes for `images` images (plus `spare` zero-filled ones at the end). */
export const packedSize = (p: PackSource, images: number) =>
  images * p.groups * Math.ceil(p.channels / VEC4) * p.dstH * p.dstW;

/**
 * Pack images [first, first + images) of an NCHW region into `dst` (padded vec4 channel blocks).
 * The source is bound as a window, so the region may be larger than one binding.
 */
export function packInput(
  op: string,
  src: Region,
  p: PackSource,
  dst: Region,
  first: number,
  images: number,
  maxPerDim: number,
  mask: Region | null,
): Launch {
  const blocks = Math.ceil(p.channels / VEC4);
  const count = packedSize(p, images);
  const perImage = p.groups * p.channels * p.srcH * p.srcW;
  const win = window(src, first * perImage, images * perImage);
  // The mask has the source's layout; without one, a 1-element window of the source stands in.
  const maskWin = mask ? window(mask, first * perImage, images * perImage) : window(src, 0, 1);
  const planes = images * p.groups * blocks;
  return {
    kernel: `${op}.packInput`,
    source: packWgsl,
    entry: "packInput",
    constants: {},
    params: {
      channels: p.channels,
      groups: p.groups,
      blocks,
      srcH: p.srcH,
      srcW: p.srcW,
      dstH: p.dstH,
      dstW: p.dstW,
      padTop: p.padTop,
      padLeft: p.padLeft,
      stepH: p.step[0],
      stepW: p.step[1],
      srcOffset: win.offset,
      taps: 0,
      rows: 0,
      outPerGroup: 0,
      rowCount: 0,
      transposed: 0,
      masked: mask ? 1 : 0,
      maskOffset: maskWin.offset,
      channelsLast: p.channelsLast ? 1 : 0,
    },
    storages: [dst.storage, src.storage, (mask ?? src).storage],
    ranges: [null, win.range, maskWin.range],
    workgroups: grid3(
      op,
      [Math.ceil(p.dstW / WG_1D), Math.ceil(p.dstH / PACK_ROWS), planes],
      maxPerDim,
    ),
    bytes: BYTES_PER_ELEMENT * (images * perImage + VEC4 * count),
    flops: 0,
  };
}

/** A 3-D grid, checked against the device's per-dimension limit. */
function grid3(
  op: string,
  g: [number, number, number],
  maxPerDim: number,
): [number, number, number] {
  if (g.some((n) => n > maxPerDim)) {
    throw new Error(
      `${op}: a packing grid of ${g.join("×")} workgroups exceeds ${maxPerDim} per dimension`,
    );
  }
  return g;
}

/** What the convolution kernel runs: a strided conv of a packed, padded input. */
export interface Conv {
  name: "conv2d" | "convTranspose2d" | "matmul";
  /** Weights stored [cin][cout][taps] with the taps flipped (the transposed conv's), not OIHW. */
  iohw: boolean;
  batch: number;
  groups: number;
  cin: number;
  cout: number;
  src: PackSource;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  stride: [number, number];
  dilation: [number, number];
}

/** A slice of output channels: rows [start, start + count) of every group. */
export interface Rows {
  start: number;
  count: number;
}

/** Elements of the weight tensor a slice of output channels reads (from, length). */
export function weightSpan(c: Conv, slice: Rows): [number, number] {
  const taps = c.kH * c.kW;
  if (slice.count === c.cout) return [0, c.groups * c.cin * c.cout * taps];
  // Slices are only cut with one group. OIHW: a slice is contiguous; the transposed conv's
  // weights are [its cin][cout][taps], so a slice is strided across the whole tensor.
  if (!c.iohw) return [slice.start * c.cin * taps, slice.count * c.cin * taps];
  return [slice.start * taps, ((c.cin - 1) * c.cout + slice.count) * taps];
}

/** OIHW weights as [group][block][tap][row] vec4s of 4 input channels (conv2d_pack.wgsl). */
export function packWeights(
  c: Conv,
  w: Region,
  dst: Region,
  rows: number,
  slice: Rows,
  maxPerDim: number,
): Launch {
  const blocks = Math.ceil(c.cin / VEC4);
  const taps = c.kH * c.kW;
  const count = c.groups * blocks * taps * rows;
  const win = window(w, ...weightSpan(c, slice));
  return {
    kernel: `${c.name}.packWeights`,
    source: packWgsl,
    entry: "packWeights",
    constants: {},
    params: {
      channels: c.cin,
      groups: c.groups,
      blocks,
      srcH: 0,
      srcW: 0,
      dstH: 0,
      dstW: 0,
      padTop: 0,
      padLeft: 0,
      stepH: 1,
      stepW: 1,
      srcOffset: win.offset,
      taps,
      rows,
      outPerGroup: c.cout,
      rowCount: slice.count,
      transposed: c.iohw ? 1 : 0,
      masked: 0,
      maskOffset: 0,
      channelsLast: 0,
    },
    storages: [dst.storage, w.storage],
    ranges: [null, win.range],
    workgroups: grid3(c.name, [Math.ceil(rows / WG_1D), c.groups * blocks, 1], maxPerDim),
    bytes: BYTES_PER_ELEMENT * 5 * count,
    flops: 0,
  };
}
