// Named helpers for the hard VJPs: the adjoints of pad (non-constant modes) and gather,
// written as compositions of other ops so they need no backward shaders and stay differentiable.

import { arange } from "../create.ts";
import type { Shape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import type { OpAttrs } from "./attrs.ts";
import { add, eq, mul, pad, permute, sliceRaw, sum, unsqueeze } from "./call.ts";
import { inversePerm } from "./views.ts";

/** Slice [begin, end) of one dim. */
function sliceDim(t: Tensor, dim: number, begin: number, end: number): Tensor {
  return sliceRaw(
    t,
    t.shape.map((_, d) => (d === dim ? begin : 0)),
    t.shape.map((n, d) => (d === dim ? end : n)),
    t.shape.map(() => 1),
  );
}

/** Reverse one dim (a view with step -1). */
function flipDim(t: Tensor, dim: number): Tensor {
  return sliceRaw(
    t,
    t.shape.map((n, d) => (d === dim ? n - 1 : 0)),
    t.shape.map((n, d) => (d === dim ? -1 : n)),
    t.shape.map((_, d) => (d === dim ? -1 : 1)),
  );
}

/** Zero-pad one dim. */
function zeroPadDim(t: Tensor, dim: number, before: number, after: number): Tensor {
  const b = t.shape.map((_, d) => (d === dim ? before : 0));
  const a = t.shape.map((_, d) => (d === dim ? after : 0));
  return pad(t, { before: b, after: a });
}

/**
 * Pad is a linear map out[o] = x[m(o)], separable by dim, so its adjoint undoes one dim at a
 * time: keep the centre, and add each padded strip back onto the input positions it copied.
 */
export function padAdjoint(g: Tensor, xShape: Shape, attrs: OpAttrs["pad"]): Tensor {
  let gx = g;
  xShape.forEach((n, d) => {
    const l = attrs.before[d];
    const r = attrs.after[d];
    if (l === 0 && r === 0) return;
    const center = sliceDim(gx, d, l, l + n);
    const left = sliceDim(gx, d, 0, l);
    const right = sliceDim(gx, d, l + n, l + n + r);
    switch (attrs.mode) {
      case "constant":
        gx = center;
        break;
      case "reflect": // out[l-1-j] copied x[1+j]; out[l+n+j] copied x[n-2-j]
        gx = add(
          center,
          add(
            zeroPadDim(flipDim(left, d), d, 1, n - 1 - l),
            zeroPadDim(flipDim(right, d), d, n - 1 - r, 1),
          ),
        );
        break;
      case "replicate": // every left strip element copied x[0], every right one x[n-1]
        gx = add(
          center,
          add(
            zeroPadDim(sum(left, d, true), d, 0, n - 1),
            zeroPadDim(sum(right, d, true), d, n - 1, 0),
          ),
        );
        break;
      case "circular": // out[j] copied x[n-l+j]; out[l+n+j] copied x[j]
        gx = add(center, add(zeroPadDim(left, d, n - l, 0), zeroPadDim(right, d, 0, n - r)));
        break;
    }
  });
  return gx;
}

/**
 * gather's adjoint: gx[.., p, ..] = Σ_j g[.., j, ..]·[index[.., j, ..] = p]. The gather dim is
 * moved last, compared against 0..P-1 (a one-hot mask) and summed over j; dims where index was
 * smaller than x are zero-padded back.
 */
export function gatherAdjoint(g: Tensor, xShape: Shape, index: Tensor, dim: number): Tensor {
  const rank = xShape.length;
  const perm = [...Array(rank).keys()].filter((d) => d !== dim).concat(dim);
  const gLast = permute(g, perm);
  const iLast = permute(index, perm);
  const hits = eq(unsqueeze(iLast, -1), arange(0, xShape[dim], 1, { like: g, dtype: "int32" }));
  const summed = sum(mul(unsqueeze(gLast, -1), hits), -2);
  const back = permute(summed, inversePerm(perm));
  const after = xShape.map((n, d) => n - back.shape[d]);
  return after.some((a) => a > 0) ? pad(back, { before: xShape.map(() => 0), after }) : back;
}
