// Dispatch plans for pooling: max (values or argmax indices) and its gathered gradient, and
// average pooling (fixed or adaptive windows) with its gradient. One thread per element of the
// written tensor; big tensors are split between planes (cnn-split.ts).

import avgPoolWgsl from "../../../../../shaders/avg_pool2d.wgsl";
import maxPoolWgsl from "../../../../../shaders/max_pool2d.wgsl";
import maxPoolGradWgsl from "../../../../../shaders/max_pool2d_grad.wgsl";
import type { AvgWindow, CnnRoutines, Planes, Window } from "../cnn-routines.ts";
import { planeChunks } from "./cnn-split.ts";
import { grid, type Launch, type Planner } from "./launch.ts";
import { fillTemplate } from "./template.ts";

type PoolPlanners = {
  [K in "maxPool2d" | "maxPool2dGrad" | "avgPool2d" | "avgPool2dGrad"]: Planner<K>;
};

const windowParams = (w: Window) => ({
  kh: w.kernel[0],
  kw: w.kernel[1],
  sh: w.stride[0],
  sw: w.stride[1],
  ph: w.padding[0],
  pw: w.padding[1],
  dh: w.dilation[0],
  dw: w.dilation[1],
});

function avgParams(win: AvgWindow) {
  if (win.kind === "adaptive") {
    return { kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, countIncludePad: 0, divisorOverride: 0 };
  }
  return {
    kh: win.kernel[0],
    kw: win.kernel[1],
    sh: win.stride[0],
    sw: win.stride[1],
    ph: win.padding[0],
    pw: win.padding[1],
    countIncludePad: win.countIncludePad ? 1 : 0,
    divisorOverride: win.divisor,
  };
}

const sizes = (a: Planes) => ({ planes: a.planes, h: a.h, w: a.w, oh: a.oh, ow: a.ow });

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
    );
    return chunks.map((c): Launch => {
      const n = c.count * outPlane;
      const g = grid(n, maxPerDim);
      return {
        kernel,
        source,
        entry: "main",
        constants: {},
        params: {
          ...sizes(a),
          ...windowParams(a),
          planes: c.count,
          outOffset: c.offsets[0],
          xOffset: c.offsets[1],
          rowStride: g.rowStride,
        },
        storages: [a.out.storage, a.x.storage],
        ranges: c.ranges,
        workgroups: g.workgroups,
        bytes: 4 * c.count * (inPlane + outPlane),
        flops: n * a.kernel[0] * a.kernel[1],
      };
    });
  },

  maxPool2dGrad: (a, maxPerDim, ctx) => {
    const inPlane = a.h * a.w;
    const outPlane = a.oh * a.ow;
    const chunks = planeChunks(
      "maxPool2dGrad",
      a.planes,
      [a.out, a.g, a.indices],
      [inPlane, outPlane, outPlane],
      ctx.limits.maxStorageBufferBindingSize,
    );
    return chunks.map((c): Launch => {
      const n = c.count * inPlane;
      const g = grid(n, maxPerDim);
      return {
        kernel: "maxPool2dGrad",
        source: maxPoolGradWgsl,
        entry: "main",
        constants: {},
        params: {
          ...sizes(a),
          ...windowParams(a),
          planes: c.count,
          outOffset: c.offsets[0],
          gOffset: c.offsets[1],
          indicesOffset: c.offsets[2],
          rowStride: g.rowStride,
        },
        storages: [a.out.storage, a.g.storage, a.indices.storage],
        ranges: c.ranges,
        workgroups: g.workgroups,
        bytes: 4 * c.count * (inPlane + 2 * outPlane),
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
  entry: "forward" | "backward",
  maxPerDim: number,
  maxBinding: number,
): Launch[] {
  const adaptive = a.window.kind === "adaptive";
  const name = adaptive ? "adaptiveAvgPool2d" : "avgPool2d";
  const kernel = `${name}${entry === "backward" ? "Grad" : ""}`;
  const inPlane = a.h * a.w;
  const outPlane = a.oh * a.ow;
  // forward reads x (h × w) and writes oh × ow; backward reads g (oh × ow) and writes h × w
  const [writes, reads] = entry === "forward" ? [outPlane, inPlane] : [inPlane, outPlane];
  const chunks = planeChunks(kernel, a.planes, [a.out, input], [writes, reads], maxBinding);
  // Work per written element: the window (forward), or the windows around it (backward).
  const area = adaptive
    ? Math.ceil(a.h / a.oh + 1) * Math.ceil(a.w / a.ow + 1)
    : avgParams(a.window).kh * avgParams(a.window).kw;
  return chunks.map((c): Launch => {
    const n = c.count * writes;
    const g = grid(n, maxPerDim);
    return {
      kernel,
      source: avgPoolWgsl,
      entry,
      constants: { ADAPTIVE: adaptive ? 1 : 0 },
      params: {
        ...sizes(a),
        ...avgParams(a.window),
        planes: c.count,
        outOffset: c.offsets[0],
        inOffset: c.offsets[1],
        rowStride: g.rowStride,
      },
      storages: [a.out.storage, input.storage],
      ranges: c.ranges,
      workgroups: g.workgroups,
      bytes: 4 * c.count * (inPlane + outPlane),
      flops: n * area,
    };
  });
}
