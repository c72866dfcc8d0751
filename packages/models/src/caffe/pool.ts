// Caffe's pooling on the engine's pooling ops, with Caffe's own output size rule.
//
// Caffe (pooling_layer.cpp) rounds the number of windows UP by default:
//   out = ceil((n + 2p − k) / s) + 1,   then, only if some padding is set,
//   out −= 1 when (out − 1)·s ≥ n + p   (the last window must start inside the padded image).
// PyTorch's ceil_mode (what the engine implements) applies that last rule whether or not there
// is padding, and allows at most p ≤ k/2. Where both give the same size and p ≤ k/2 (every pool
// in GoogLeNet and SqueezeNet), the engine's ops are used as they are: an AVE window is divided
// by its size clipped to the padded image in both (Caffe: pool_size computed from
// hend = min(hstart + k, n + p) before clipping to the image; PyTorch count_include_pad).
// Otherwise the input is padded explicitly and each window is divided by Caffe's own pool_size.

import { avgPool2d, maxPool2d, mul, narrow, pad, type Tensor, tensor } from "@sheep/tensor";

export interface CaffePooling {
  readonly method: "MAX" | "AVE";
  /** [h, w] each; a global pool's kernel is the input's size and is filled in at run time. */
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pad: readonly [number, number];
  readonly global: boolean;
  readonly round: "CEIL" | "FLOOR";
}

/** Caffe's MAX pooling starts every window at -FLT_MAX: the padding value that matches it. */
const MINUS_FLT_MAX = -3.4028234663852886e38;

/** The kernel, stride and pad actually used for an input of [h, w] (global pools cover it). */
function geometry(p: CaffePooling, h: number, w: number) {
  return p.global
    ? { k: [h, w], s: [1, 1], pd: [0, 0] }
    : { k: [...p.kernel], s: [...p.stride], pd: [...p.pad] };
}

/** Caffe's number of windows along one dim (`padded`: whether pad_h or pad_w is nonzero). */
export function caffePooledLength(
  n: number,
  k: number,
  s: number,
  p: number,
  round: "CEIL" | "FLOOR",
  padded: boolean,
): number {
  const span = n + 2 * p - k;
  let out = (round === "CEIL" ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (padded && (out - 1) * s >= n + p) out--;
  return out;
}

/** PyTorch's (the engine's) ceil/floor pooled length, for comparison. */
function enginePooledLength(n: number, k: number, s: number, p: number, ceil: boolean): number {
  let out = Math.floor((n + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/** The output [h, w] of a Caffe pool on an [h, w] input; throws (one line) where Caffe would fail. */
export function caffePoolShape(p: CaffePooling, h: number, w: number): [number, number] {
  const { k, s, pd } = geometry(p, h, w);
  const padded = pd[0] > 0 || pd[1] > 0;
  const out = [0, 1].map((d) => {
    const n = d === 0 ? h : w;
    if (n + 2 * pd[d] < k[d]) {
      throw new Error(
        `a ${h}×${w} input is smaller than the ${k[0]}×${k[1]} pooling window (with padding ${pd[0]}×${pd[1]})`,
      );
    }
    if (pd[d] >= k[d]) {
      throw new Error(
        `pooling padding ${pd[d]} must be smaller than the kernel ${k[d]} (Caffe's rule)`,
      );
    }
    const o = caffePooledLength(n, k[d], s[d], pd[d], p.round, padded);
    // With no padding and a stride above the kernel, Caffe's ceil can place a last window wholly
    // past the image: it would divide by zero (AVE) or output -FLT_MAX (MAX). Refuse instead.
    if ((o - 1) * s[d] - pd[d] >= n) {
      throw new Error(
        `Caffe's pooling (kernel ${k[d]}, stride ${s[d]}, pad ${pd[d]}) would put a window wholly outside a ${n}-long input`,
      );
    }
    return o;
  });
  return [out[0], out[1]];
}

/** Pool x [N, C, H, W] as Caffe does. */
export function caffePool(x: Tensor, p: CaffePooling): Tensor {
  const [h, w] = [x.shape[2], x.shape[3]];
  const { k, s, pd } = geometry(p, h, w);
  const [oh, ow] = caffePoolShape(p, h, w);
  const ceil = p.round === "CEIL";
  const engineFits =
    [0, 1].every((d) => 2 * pd[d] <= k[d]) &&
    enginePooledLength(h, k[0], s[0], pd[0], ceil) === oh &&
    enginePooledLength(w, k[1], s[1], pd[1], ceil) === ow;
  const kernelSize = [k[0], k[1]] as const;
  const stride = [s[0], s[1]] as const;
  const padding = [pd[0], pd[1]] as const;
  if (engineFits) {
    return p.method === "MAX"
      ? maxPool2d(x, { kernelSize, stride, padding, ceilMode: ceil })
      : avgPool2d(x, { kernelSize, stride, padding, ceilMode: ceil, countIncludePad: true });
  }
  // Explicit padding: p before, and after as much as the last window reaches (at least p).
  const after = [0, 1].map((d) => {
    const o = d === 0 ? oh : ow;
    const n = d === 0 ? h : w;
    return Math.max(pd[d], (o - 1) * s[d] + k[d] - n - pd[d]);
  });
  const value = p.method === "MAX" ? MINUS_FLT_MAX : 0;
  const xp = pad(x, [pd[1], after[1], pd[0], after[0]], { value });
  const crop = (t: Tensor) => narrow(narrow(t, 2, 0, oh), 3, 0, ow);
  if (p.method === "MAX") return crop(maxPool2d(xp, { kernelSize, stride }));
  // Sum each window, then divide by Caffe's pool_size: the window clipped to [−p, n + p).
  const sums = crop(avgPool2d(xp, { kernelSize, stride, divisorOverride: 1 }));
  const sizes = (o: number, n: number, d: number) =>
    Array.from({ length: o }, (_, i) => {
      const start = i * s[d] - pd[d];
      return Math.min(start + k[d], n + pd[d]) - start;
    });
  const rows = sizes(oh, h, 0);
  const cols = sizes(ow, w, 1);
  const inv = new Float64Array(oh * ow); // float64 so the cpu oracle keeps its digits
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      inv[i * ow + j] = 1 / (r * c);
    });
  });
  return mul(sums, tensor(inv, { like: x, shape: [1, 1, oh, ow] }));
}
