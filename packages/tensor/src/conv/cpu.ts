// The cpu oracle's convolution routines: direct loops over the definitions in routines.ts,
// in float64. Written for clarity and shared with nothing else: the GPU kernels are checked
// against these, so they must not be derived from them.

import type { Region, Storage } from "../backend/backend.ts";
import type { CpuArray, Impl } from "../backend/cpu/util.ts";
import type { ConvGeometry, ConvRoutines } from "./routines.ts";

/** Calls visit(xIndex, yIndex, wIndex) for every term of the convolution sum. */
function eachTerm(G: ConvGeometry, visit: (xi: number, yi: number, wi: number) => void) {
  const cg = G.inC / G.groups;
  const og = G.outC / G.groups;
  for (let n = 0; n < G.batch; n++) {
    for (let o = 0; o < G.outC; o++) {
      const group = Math.floor(o / og);
      for (let i = 0; i < G.outH; i++) {
        for (let j = 0; j < G.outW; j++) {
          const yi = ((n * G.outC + o) * G.outH + i) * G.outW + j;
          for (let c = 0; c < cg; c++) {
            const xc = group * cg + c;
            for (let ky = 0; ky < G.kH; ky++) {
              const iy = i * G.strideH - G.padTop + ky * G.dilationH;
              if (iy < 0 || iy >= G.inH) continue;
              for (let kx = 0; kx < G.kW; kx++) {
                const ix = j * G.strideW - G.padLeft + kx * G.dilationW;
                if (ix < 0 || ix >= G.inW) continue;
                const xi = ((n * G.inC + xc) * G.inH + iy) * G.inW + ix;
                const wi = ((o * cg + c) * G.kH + ky) * G.kW + kx;
                visit(xi, yi, wi);
              }
            }
          }
        }
      }
    }
  }
}

/** The y-shaped values from `offset`, zeroed where a fused ReLU's output (the mask) is ≤ 0. */
function masked(
  data: CpuArray,
  offset: number,
  mask: Region | null,
  mem: (s: Storage) => CpuArray,
  n: number,
) {
  const m = mask ? mem(mask.storage) : null;
  return Float64Array.from({ length: n }, (_, i) =>
    m && !(m[mask!.offset + i] > 0) ? 0 : data[offset + i],
  );
}

const xSize = (G: ConvGeometry) => G.batch * G.inC * G.inH * G.inW;
const ySize = (G: ConvGeometry) => G.batch * G.outC * G.outH * G.outW;
const wSize = (G: ConvGeometry) => G.outC * (G.inC / G.groups) * G.kH * G.kW;

export const cpuConv: { [K in keyof ConvRoutines]: Impl<K> } = {
  conv2d: ({ x, w, bias, out, geom: G, relu }, mem) => {
    const X = mem(x.storage);
    const W = mem(w.storage);
    const acc = new Float64Array(ySize(G));
    eachTerm(G, (xi, yi, wi) => {
      acc[yi] += X[x.offset + xi] * W[w.offset + wi];
    });
    const O = mem(out.storage);
    const plane = G.outH * G.outW;
    acc.forEach((v, yi) => {
      const o = Math.floor(yi / plane) % G.outC;
      const b = v + (bias ? mem(bias.storage)[bias.offset + o] : 0);
      O[out.offset + yi] = relu && !(b > 0) ? 0 : b;
    });
  },

  convTranspose2d: ({ x: y, w, bias, out, geom: G, mask }, mem) => {
    const Y = masked(mem(y.storage), y.offset, mask, mem, ySize(G));
    const W = mem(w.storage);
    const acc = new Float64Array(xSize(G));
    eachTerm(G, (xi, yi, wi) => {
      acc[xi] += Y[yi] * W[w.offset + wi];
    });
    const O = mem(out.storage);
    const plane = G.inH * G.inW;
    acc.forEach((v, xi) => {
      const c = Math.floor(xi / plane) % G.inC;
      O[out.offset + xi] = v + (bias ? mem(bias.storage)[bias.offset + c] : 0);
    });
  },

  conv2dWeightGrad: ({ x, g, out, geom: G, mask }, mem) => {
    const X = mem(x.storage);
    const Gr = masked(mem(g.storage), g.offset, mask, mem, ySize(G));
    const acc = new Float64Array(wSize(G));
    eachTerm(G, (xi, yi, wi) => {
      acc[wi] += Gr[yi] * X[x.offset + xi];
    });
    mem(out.storage).set(acc, out.offset);
  },
};
