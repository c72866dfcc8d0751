// The cpu oracle's routines: plain loops over plain arrays, as obviously correct as possible.

import { cpuConv } from "../../conv/cpu.ts";
import { contiguousStrides, sizeOf } from "../../shape.ts";
import type { Routines } from "../backend.ts";
import { cpuCnn } from "./cnn.ts";
import { evaluator, type Impl, unravel } from "./util.ts";

export const cpuRoutines: { [K in keyof Routines]: Impl<K> } = {
  ...cpuConv,
  ...cpuCnn,
  elementwise: ({ expr, shape, out }, mem) => {
    const ev = evaluator(expr, shape, mem);
    const o = mem(out.storage);
    for (let i = 0; i < sizeOf(shape); i++) o[out.offset + i] = ev.at(i);
  },

  reduce: ({ op, expr, shape, outer, inner, out }, mem) => {
    const ev = evaluator(expr, shape, mem);
    const o = mem(out.storage);
    for (let r = 0; r < outer; r++) {
      let acc = op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
      for (let j = 0; j < inner; j++) {
        const v = ev.at(r * inner + j);
        if (op === "sum") acc += v;
        else if (Number.isNaN(v) || Number.isNaN(acc)) acc = Number.NaN;
        else acc = op === "max" ? Math.max(acc, v) : Math.min(acc, v);
      }
      o[out.offset + r] = acc;
    }
  },

  argmax: ({ op, expr, shape, outer, inner, out }, mem) => {
    const ev = evaluator(expr, shape, mem);
    const o = mem(out.storage);
    for (let r = 0; r < outer; r++) {
      let best = 0;
      let bestV = ev.at(r * inner);
      for (let j = 1; j < inner; j++) {
        const v = ev.at(r * inner + j);
        if (op === "argmax" ? v > bestV : v < bestV) {
          best = j;
          bestV = v;
        }
      }
      o[out.offset + r] = best;
    }
  },

  matmul: (a, mem) => {
    const A = mem(a.a.storage);
    const B = mem(a.b.storage);
    const O = mem(a.out.storage);
    const { m, n, k } = a;
    const batches = sizeOf(a.batchShape);
    for (let bi = 0; bi < batches; bi++) {
      const c = unravel(bi, a.batchShape);
      const offA = a.a.offset + c.reduce((s, v, d) => s + v * a.batchStridesA[d], 0);
      const offB = a.b.offset + c.reduce((s, v, d) => s + v * a.batchStridesB[d], 0);
      const offO = a.out.offset + bi * m * n;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) {
            const av = A[offA + (a.transA ? p * m + i : i * k + p)];
            const bv = B[offB + (a.transB ? j * k + p : p * n + j)];
            acc += av * bv;
          }
          O[offO + i * n + j] = acc;
        }
      }
    }
  },

  assign: ({ expr, shape, out, strides }, mem) => {
    const ev = evaluator(expr, shape, mem);
    const o = mem(out.storage);
    for (let i = 0; i < sizeOf(shape); i++) {
      const c = unravel(i, shape);
      o[out.offset + c.reduce((s, v, d) => s + v * strides[d], 0)] = ev.at(i);
    }
  },

  pad: ({ expr, inShape, before, after, mode, value, out }, mem) => {
    const ev = evaluator(expr, inShape, mem);
    const outShape = inShape.map((n, d) => n + before[d] + after[d]);
    const inStrides = contiguousStrides(inShape);
    const o = mem(out.storage);
    for (let i = 0; i < sizeOf(outShape); i++) {
      let src = 0;
      let inside = true;
      unravel(i, outShape).forEach((oc, d) => {
        const n = inShape[d];
        let c = oc - before[d];
        if (c < 0 || c >= n) {
          if (mode === "constant") inside = false;
          else if (mode === "reflect") c = c < 0 ? -c : 2 * (n - 1) - c;
          else if (mode === "replicate") c = c < 0 ? 0 : n - 1;
          else c = ((c % n) + n) % n;
        }
        src += c * inStrides[d];
      });
      o[out.offset + i] = inside ? ev.at(src) : value;
    }
  },

  gather: ({ x, xShape, index, shape, dim, out }, mem) => {
    const xv = evaluator(x, xShape, mem);
    const iv = evaluator(index, shape, mem);
    const xStrides = contiguousStrides(xShape);
    const o = mem(out.storage);
    for (let i = 0; i < sizeOf(shape); i++) {
      const c = unravel(i, shape);
      const at = iv.at(i);
      if (at < 0 || at >= xShape[dim]) {
        throw new RangeError(
          `gather: index ${at} is out of range for dim ${dim} of size ${xShape[dim]}`,
        );
      }
      c[dim] = at;
      o[out.offset + i] = xv.at(c.reduce((s, v, d) => s + v * xStrides[d], 0));
    }
  },
};
