// The cpu oracle's pooling: each output's window walked straight from PyTorch's definitions,
// and the gradients as scatters (each output sends its gradient into its window), the adjoint
// read directly off the forward loop rather than the gather the GPU kernels do.

import type { AvgWindow, Planes } from "../cnn-routines.ts";
import type { Impl } from "./util.ts";

type PoolImpls = { [K in "maxPool2d" | "maxPool2dGrad" | "avgPool2d" | "avgPool2dGrad"]: Impl<K> };

/** The window of output (oy, ox) as lists of in-range positions, and what it is divided by. */
function avgWindow(a: Planes & { window: AvgWindow }, oy: number, ox: number) {
  const win = a.window;
  if (win.kind === "adaptive") {
    // start = floor(o·in/out), end = ceil((o+1)·in/out)
    const ys = Math.floor((oy * a.h) / a.oh);
    const ye = Math.ceil(((oy + 1) * a.h) / a.oh);
    const xs = Math.floor((ox * a.w) / a.ow);
    const xe = Math.ceil(((ox + 1) * a.w) / a.ow);
    return { ys, ye, xs, xe, divisor: (ye - ys) * (xe - xs) };
  }
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const [ph, pw] = win.padding;
  // PyTorch: the window is clipped to the padded input first (that size counts the padding),
  // then to the input itself (that size does not).
  let ys = oy * sh - ph;
  let xs = ox * sw - pw;
  let ye = Math.min(ys + kh, a.h + ph);
  let xe = Math.min(xs + kw, a.w + pw);
  const padded = (ye - ys) * (xe - xs);
  ys = Math.max(ys, 0);
  xs = Math.max(xs, 0);
  ye = Math.min(ye, a.h);
  xe = Math.min(xe, a.w);
  const inside = (ye - ys) * (xe - xs);
  const divisor = win.divisor > 0 ? win.divisor : win.countIncludePad ? padded : inside;
  return { ys, ye, xs, xe, divisor };
}

export const cpuPool: PoolImpls = {
  maxPool2d: (a, mem) => {
    const x = mem(a.x.storage);
    const out = mem(a.out.storage);
    const [kh, kw] = a.kernel;
    for (let p = 0; p < a.planes; p++) {
      for (let oy = 0; oy < a.oh; oy++) {
        for (let ox = 0; ox < a.ow; ox++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let ky = 0; ky < kh; ky++) {
            const y = oy * a.stride[0] - a.padding[0] + ky * a.dilation[0];
            if (y < 0 || y >= a.h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const xx = ox * a.stride[1] - a.padding[1] + kx * a.dilation[1];
              if (xx < 0 || xx >= a.w) continue;
              const v = x[a.x.offset + (p * a.h + y) * a.w + xx];
              if (at < 0) at = y * a.w + xx;
              if (v > best || Number.isNaN(v)) {
                best = v;
                at = y * a.w + xx;
              }
            }
          }
          out[a.out.offset + (p * a.oh + oy) * a.ow + ox] = a.indices ? at : best;
        }
      }
    }
  },

  maxPool2dGrad: (a, mem) => {
    const g = mem(a.g.storage);
    const idx = mem(a.indices.storage);
    const out = mem(a.out.storage);
    const plane = a.h * a.w;
    out.fill(0, a.out.offset, a.out.offset + a.planes * plane);
    for (let p = 0; p < a.planes; p++) {
      for (let o = 0; o < a.oh * a.ow; o++) {
        const at = idx[a.indices.offset + p * a.oh * a.ow + o];
        if (at >= 0) out[a.out.offset + p * plane + at] += g[a.g.offset + p * a.oh * a.ow + o];
      }
    }
  },

  avgPool2d: (a, mem) => {
    const x = mem(a.x.storage);
    const out = mem(a.out.storage);
    for (let p = 0; p < a.planes; p++) {
      for (let oy = 0; oy < a.oh; oy++) {
        for (let ox = 0; ox < a.ow; ox++) {
          const { ys, ye, xs, xe, divisor } = avgWindow(a, oy, ox);
          let sum = 0;
          for (let y = ys; y < ye; y++) {
            for (let xx = xs; xx < xe; xx++) sum += x[a.x.offset + (p * a.h + y) * a.w + xx];
          }
          // An empty window (only possible past the padding) averages to 0, as in PyTorch.
          out[a.out.offset + (p * a.oh + oy) * a.ow + ox] = ys < ye && xs < xe ? sum / divisor : 0;
        }
      }
    }
  },

  avgPool2dGrad: (a, mem) => {
    const g = mem(a.g.storage);
    const out = mem(a.out.storage);
    out.fill(0, a.out.offset, a.out.offset + a.planes * a.h * a.w);
    for (let p = 0; p < a.planes; p++) {
      for (let oy = 0; oy < a.oh; oy++) {
        for (let ox = 0; ox < a.ow; ox++) {
          const { ys, ye, xs, xe, divisor } = avgWindow(a, oy, ox);
          const share = g[a.g.offset + (p * a.oh + oy) * a.ow + ox] / divisor;
          for (let y = ys; y < ye; y++) {
            for (let xx = xs; xx < xe; xx++) out[a.out.offset + (p * a.h + y) * a.w + xx] += share;
          }
        }
      }
    }
  },
};
