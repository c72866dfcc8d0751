// Dispatch plans for pooling: max (values or argmax indices) and its gathered gradient, and
// average pooling (fixed or adaptive windows) with its gradient. One thread per element of the
// written tensor on a 3-D grid (x, y, plane); big tensors are split between planes (cnn-split.ts).

import avgPoolWgsl from "../../../../../shaders/avg_pool2d.wgsl";
import maxPoolWgsl from "../../../../../shaders/max_pool2d.wgsl";
import maxPoolGradWgsl from "../../../../../shaders/max_pool2d_grad.wgsl";
import type { AvgWindow, CnnRoutines, Planes, Window } from "../cnn-routines.ts";
import { planeChunks, planeGrid } from "./cnn-split.ts";
import { BYTES_PER_ELEMENT } from "./constants.ts";
import type { Launch, Planner } from "./launch.ts";
import type { ParamValues } from "./params.ts";
import { fillTemplate } from "./template.ts";

type PoolPlanners = {
  [K in "maxPool2d" | "maxPool2dGrad" | "avgPool2d" | "avgPool2dGrad"]: Planner<K>;
};

/** The window as the shaders' override constants. */
const windowConstants = (w: Window) => ({
  KH: w.kernel[0],
  KW: w.kernel[1],
  SH: w.stride[0],
  SW: w.stride[1],
  PH: w.padding[0],
  PW: w.padding[1],
  DH: w.dilation[0],
  DW: w.dilation[1],
});

/** Average pooling's constants (the fixed window's geometry) and its divisor rule (Params). */
function avgSetup(win: AvgWindow): { constants: Record<string, number>; params: ParamValues } {
  if (win.kind === "adaptive") {
    return { constants: { ADAPTIVE: 1 }, params: { countIncludePad: 0, divisorOverride: 0 } };
  }
  const geometry = windowConstants({ ...win, dilation: [1, 1] });
  const { KH, KW, SH, SW, PH, PW } = geometry;
  return {
    constants: { ADAPTIVE: 0, KH, KW, SH, SW, PH, PW },
    params: { countIncludePad: win.countIncludePad ? 1 : 0, divisorOverride: win.divisor },
  };
}

const sizes = (a: Planes) => ({ h: a.h, w: a.w, oh: a.oh, ow: a.ow });

/**
 * 64 threads over (x, y, plane) for max_pool2d.wgsl: 8×8 of one plane, or for planes smaller
 * than 8 outputs a side the next power of two per side and several planes per workgroup.
 */
function smallPlaneWorkgroup(ow: number, oh: number) {
  const side = (n: number) => Math.min(8, 2 ** Math.ceil(Math.log2(Math.max(1, n))));
  const WX = side(ow);
  const WY = side(oh);
  return { WX, WY, WZ: 64 / (WX * WY) };
}

export const poolPlanners: PoolPlanners = {
  maxPool2d: (a, maxPerDim, ctx) => {
    const kernel = a.indices ? "maxPool2d.indices" : "maxPool2d";
    const slots = a.indices ? { outType: "i32", result: "at" } : { outType: "f32", result: "best" };
    const source = fillTemplate(maxPoolWgsl, slots, kernel);
    const inPlane = a.h * a.w;
    const outPlane = a.oh * a.ow;
    const chunks = planeChunks(
      kernel,
      a.planes,
      [a.out, a.x],
      [outPlane, inPlane],
      ctx.limits.maxStorageBufferBindingSize,
      maxPerDim,
    );
    const wg = smallPlaneWorkgroup(a.ow, a.oh);
    return chunks.map((c): Launch => {
      const n = c.count * outPlane;
      return {
        kernel,
        source,
        entry: "main",
        constants: { ...windowConstants(a), ...wg },
        params: {
          ...sizes(a),
          planes: c.count,
          outOffset: c.offsets[0],
          xOffset: c.offsets[1],
        },
        storages: [a.out.storage, a.x.storage],
        ranges: c.ranges,
        workgroups: [Math.ceil(a.ow / wg.WX), Math.ceil(a.oh / wg.WY), Math.ceil(c.count / wg.WZ)],
        bytes: BYTES_PER_ELEMENT * c.count * (inPlane + outPlane),
        flops: n * a.kernel[0] * a.kernel[1],
      };
    });
  },

  maxPool2dGrad: (a, maxPerDim, ctx) => {
    // Windows that cannot overlap (span ≤ stride on both dims) own disjoint cells of the input.
    const disjoint = [0, 1].every((d) => (a.kernel[d] - 1) * a.dilation[d] + 1 <= a.stride[d]);
    const entry = disjoint ? "cells" : "gather";
    const inPlane = a.h * a.w;
    const outPlane = a.oh * a.ow;
    const chunks = planeChunks(
      "maxPool2dGrad",
      a.planes,
      [a.out, a.g, a.indices],
      [inPlane, outPlane, outPlane],
      ctx.limits.maxStorageBufferBindingSize,
      maxPerDim,
    );
    return chunks.map((c): Launch => {
      const n = c.count * inPlane;
      return {
        kernel: `maxPool2dGrad.${entry}`,
        source: maxPoolGradWgsl,
        entry,
        constants: windowConstants(a),
        params: {
          ...sizes(a),
          outOffset: c.offsets[0],
          gOffset: c.offsets[1],
          indicesOffset: c.offsets[2],
        },
        storages: [a.out.storage, a.g.storage, a.indices.storage],
        ranges: c.ranges,
        workgroups:
          entry === "cells" ? planeGrid(a.ow, a.oh, c.count) : planeGrid(a.w, a.h, c.count),
        bytes: BYTES_PER_ELEMENT * c.count * (inPlane + 2 * outPlane),
        flops: n * a.kernel[0] * a.kernel[1],
      };
    });
  },

  avgPool2d: (a, maxPerDim, ctx) =>
    avgPlan(a, a.x, "forward", maxPerDim, ctx.limits.maxStorageBufferBindingSize),
  avgPool2dGrad: (a, maxPerDim, ctx) =>
    avgPlan(a, a.g, "backward", maxPerDim, ctx.limits.maxStorageBufferBindingSize),
};

function avgPlan(
  a: CnnRoutines["avgPool2d" | "avgPool2dGrad"],
  input: CnnRoutines["avgPool2d"]["x"],
  pass: "forward" | "backward",
  maxPerDim: number,
  maxBinding: number,
): Launch[] {
  const win = a.window;
  // Fixed windows that cannot overlap own disjoint cells of the input (see the shader).
  const disjoint = win.kind === "fixed" && [0, 1].every((d) => win.kernel[d] <= win.stride[d]);
  const entry = pass === "backward" && disjoint ? "cells" : pass;
  const name = win.kind === "adaptive" ? "adaptiveAvgPool2d" : "avgPool2d";
  const kernel = `${name}${pass === "backward" ? "Grad" : ""}${entry === "cells" ? ".cells" : ""}`;
  const inPlane = a.h * a.w;
  const outPlane = a.oh * a.ow;
  // forward reads x (h × w) and writes oh × ow; backward reads g (oh × ow) and writes h × w
  const [writes, reads] = pass === "forward" ? [outPlane, inPlane] : [inPlane, outPlane];
  const chunks = planeChunks(
    kernel,
    a.planes,
    [a.out, input],
    [writes, reads],
    maxBinding,
    maxPerDim,
  );
  // Work per written element: the window (forward), or the windows around it (backward).
  const area =
    win.kind === "adaptive"
      ? Math.ceil(a.h / a.oh + 1) * Math.ceil(a.w / a.ow + 1)
      : win.kernel[0] * win.kernel[1];
  const setup = avgSetup(win);
  return chunks.map(
    (c): Launch => ({
      kernel,
      source: avgPoolWgsl,
      entry,
      constants: setup.constants,
      params: { ...sizes(a), ...setup.params, outOffset: c.offsets[0], inOffset: c.offsets[1] },
      storages: [a.out.storage, input.storage],
      ranges: c.ranges,
      // a thread per input element for the gather, per output for forward and cells
      workgroups:
        entry === "backward" ? planeGrid(a.w, a.h, c.count) : planeGrid(a.ow, a.oh, c.count),
      bytes: BYTES_PER_ELEMENT * c.count * (inPlane + outPlane),
      flops: c.count * writes * area,
    }),
  );
}
