// Dispatch plans for the convolution routines: which shader, which workgroups, which Params.
// The real kernels are planned in forward.ts (conv2d, convTranspose2d) and
// weight-grad.ts; the naive one-thread-per-output kernels here are a baseline that tests
// and benchmarks switch on with convKernels.naive.

import naiveWgsl from "../../../../../shaders/conv2d_naive.wgsl";
import type { Region } from "../../backend/backend.ts";
import { BYTES_PER_ELEMENT } from "../../backend/webgpu/constants.ts";
import { grid, type Launch, type Planner } from "../../backend/webgpu/launch.ts";
import type { ConvGeometry, ConvRoutines } from "../routines.ts";
import { forwardPlan, transposedPlan } from "./forward.ts";
import { weightGradPlan } from "./weight-grad.ts";

/** Kernel selection for tests and benchmarks: the naive baseline instead of the real kernels. */
export const convKernels = { naive: false };

/** Multiply-adds of any of the three routines, counted as 2 FLOPs each. */
export const convFlops = (G: ConvGeometry) =>
  2 * G.batch * G.outC * G.outH * G.outW * (G.inC / G.groups) * G.kH * G.kW;

export const convBytes = (G: ConvGeometry) =>
  BYTES_PER_ELEMENT *
  (G.batch * (G.inC * G.inH * G.inW + G.outC * G.outH * G.outW) +
    G.outC * (G.inC / G.groups) * G.kH * G.kW);

const geomParams = (G: ConvGeometry) => ({
  batch: G.batch,
  groups: G.groups,
  inC: G.inC,
  inH: G.inH,
  inW: G.inW,
  outC: G.outC,
  outH: G.outH,
  outW: G.outW,
  kH: G.kH,
  kW: G.kW,
  strideH: G.strideH,
  strideW: G.strideW,
  padTop: G.padTop,
  padLeft: G.padLeft,
  dilationH: G.dilationH,
  dilationW: G.dilationW,
});

interface NaiveArgs {
  out: Region;
  x: Region;
  w: Region;
  bias: Region | null;
  relu: boolean;
  mask: Region | null;
}

function naive(
  entry: "forward" | "transposed" | "weightGrad",
  G: ConvGeometry,
  a: NaiveArgs,
  maxPerDim: number,
): Launch[] {
  const n =
    entry === "forward"
      ? G.batch * G.outC * G.outH * G.outW
      : entry === "transposed"
        ? G.batch * G.inC * G.inH * G.inW
        : G.outC * (G.inC / G.groups) * G.kH * G.kW;
  if (n === 0) return [];
  if (a.out.offset || a.x.offset || a.w.offset || (a.bias?.offset ?? 0) || (a.mask?.offset ?? 0)) {
    throw new Error("conv naive kernel: regions must start at offset 0");
  }
  const g = grid(n, maxPerDim);
  // "auto" layouts drop the bindings an entry point never uses: forward has no mask, and
  // weightGrad binds its mask at the bias's binding.
  const storages = [a.out.storage, a.x.storage, a.w.storage];
  if (entry === "weightGrad") storages.push((a.mask ?? a.w).storage);
  else storages.push((a.bias ?? a.w).storage);
  if (entry === "transposed") storages.push((a.mask ?? a.w).storage);
  return [
    {
      kernel: `conv2d_naive.${entry}`,
      source: naiveWgsl,
      entry,
      constants: {},
      params: {
        ...geomParams(G),
        flags: (a.bias ? 1 : 0) | (a.relu ? 2 : 0) | (a.mask ? 4 : 0),
        rowStride: g.rowStride,
      },
      storages,
      workgroups: g.workgroups,
      bytes: convBytes(G),
      flops: convFlops(G),
    },
  ];
}

export const convPlanners: { [K in keyof ConvRoutines]: Planner<K> } = {
  conv2d: (a, maxPerDim, ctx) =>
    convKernels.naive
      ? naive("forward", a.geom, { ...a, mask: null }, maxPerDim)
      : forwardPlan(a, maxPerDim, ctx, convFlops(a.geom), convBytes(a.geom)),
  convTranspose2d: (a, maxPerDim, ctx) =>
    convKernels.naive
      ? naive("transposed", a.geom, { ...a, relu: false }, maxPerDim)
      : transposedPlan(a, maxPerDim, ctx, convFlops(a.geom), convBytes(a.geom)),
  conv2dWeightGrad: (a, maxPerDim, ctx) =>
    convKernels.naive
      ? naive(
          "weightGrad",
          a.geom,
          { out: a.out, x: a.x, w: a.g, bias: null, relu: false, mask: a.mask },
          maxPerDim,
        )
      : weightGradPlan(a, maxPerDim, ctx, convFlops(a.geom), convBytes(a.geom)),
};
