// Arguments of the convolution routines (every backend implements each one). All three share one
// geometry, stated in conv2d's direction: x is [batch, inC, inH, inW], the conv2d output y is
// [batch, outC, outH, outW], the weight w is [outC, inC / groups, kH, kW]. Padding bottom/right
// is implied by the sizes (and may be a crop); regions are contiguous NCHW / OIHW.

import type { Region } from "../backend/backend.ts";

export interface ConvGeometry {
  batch: number;
  groups: number;
  inC: number;
  inH: number;
  inW: number;
  outC: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
}

export interface ConvRoutines {
  /**
   * y[n, o, i, j] = bias[o] + Σ_{c in o's group, ky, kx} x[n, c, i·sH − padTop + ky·dH,
   * j·sW − padLeft + kx·dW] · w[o, c mod (inC/groups), ky, kx] (zero outside x), then ReLU if asked.
   */
  conv2d: {
    x: Region;
    w: Region;
    bias: Region | null;
    out: Region;
    geom: ConvGeometry;
    relu: boolean;
  };
  /**
   * conv2d's adjoint in x: `x` here is y-shaped and `out` x-shaped; every y[n, o, i, j] adds
   * y · w[o, c, ky, kx] into out[n, c, i·sH − padTop + ky·dH, j·sW − padLeft + kx·dW] (dropped
   * outside), then bias[c] is added. PyTorch's conv_transpose2d with the weight as [in, out/g, …].
   */
  convTranspose2d: {
    x: Region;
    w: Region;
    bias: Region | null;
    out: Region;
    geom: ConvGeometry;
    /** A fused ReLU's backward: y-shaped; x counts as 0 where mask ≤ 0 (the ReLU's output). */
    mask: Region | null;
  };
  /**
   * conv2d's adjoint in w: out[o, c, ky, kx] = Σ_{n, i, j} g[n, o, i, j] · x[n, c + (o's group)·
   * inC/groups, i·sH − padTop + ky·dH, j·sW − padLeft + kx·dW] (zero outside x); with a mask, g
   * counts as 0 where mask ≤ 0.
   */
  conv2dWeightGrad: { x: Region; g: Region; out: Region; geom: ConvGeometry; mask: Region | null };
}
