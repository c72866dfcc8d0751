// Arguments of the pooling, Gram, dropout, resize and 1-D filter routines. Images are NCHW and
// contiguous; a routine sees them as `planes` (N·C) planes of h × w, its result as oh × ow.

import type { Expr } from "../expr.ts";
import type { Shape } from "../shape.ts";
import type { Region } from "./backend.ts";

/** N·C planes of h × w in, N·C planes of oh × ow out. */
export interface Planes {
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

/** A pooling window per spatial dim, [along h, along w]. */
export interface Window {
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
}

/**
 * How average pooling finds output o's window along one dim: fixed windows (PyTorch's
 * avg_pool2d divisor rules; divisor 0 means no override) or adaptive ones
 * [floor(o·h/oh), ceil((o+1)·h/oh)).
 */
export type AvgWindow =
  | {
      kind: "fixed";
      kernel: readonly number[];
      stride: readonly number[];
      padding: readonly number[];
      countIncludePad: boolean;
      divisor: number;
    }
  | { kind: "adaptive" };

/** PyTorch's interpolate modes: "nearest" is its legacy floor(o·n/count) rule. */
export type ResizeMode = "nearest" | "nearest-exact" | "bilinear" | "bicubic";

export interface CnnRoutines {
  /**
   * out[p, oy, ox] = max of x over the window (padding never wins; the first max in window order
   * wins ties; a NaN propagates). With `indices`, out is int32: the flat y·w + x of that max
   * within its plane (-1 for a window that covers no input at all).
   */
  maxPool2d: Planes & Window & { x: Region; out: Region; indices: boolean };
  /** out (= gx, planes of h × w) gets each g[p, o] at position indices[p, o]; g is oh × ow. */
  maxPool2dGrad: Planes & Window & { g: Region; indices: Region; out: Region };
  /** out[p, oy, ox] = Σ x over the window / its divisor. */
  avgPool2d: Planes & { window: AvgWindow; x: Region; out: Region };
  /** The adjoint: every x position gets g / divisor of each window that contains it. */
  avgPool2dGrad: Planes & { window: AvgWindow; g: Region; out: Region };
  /**
   * out[n] = scale · F[n]·F[n]ᵀ, F[n] the [channels, k] matrix at x + n·channels·k (k = H·W).
   * out is [batch, channels, channels].
   */
  gram: { x: Region; batch: number; channels: number; k: number; scale: number; out: Region };
  /**
   * out[i] = expr(i) · scale where uniformAt(key, i) ≥ p (random.ts), else 0; i is the row-major
   * index over `shape`.
   */
  dropout: { expr: Expr; shape: Shape; key: number; p: number; scale: number; out: Region };
  /** Bilinear or nearest resampling of each plane to oh × ow (PyTorch's F.interpolate). */
  resize2d: Planes & { mode: ResizeMode; alignCorners: boolean; x: Region; out: Region };
  /** The adjoint: each x position sums g times its interpolation weight in every output. */
  resize2dGrad: Planes & { mode: ResizeMode; alignCorners: boolean; g: Region; out: Region };
  /**
   * Valid cross-correlation along the middle dim of x seen as [outer, n, inner]:
   * out[o, i, j] = Σ_t taps[t] · x[o, i + t, j], i < n - taps + 1.
   */
  correlate1d: {
    x: Region;
    outer: number;
    n: number;
    inner: number;
    taps: readonly number[];
    out: Region;
  };
}
