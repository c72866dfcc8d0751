// Expression trees to WGSL. A tree becomes `fn NAME(i: u32) -> T`: the value at flat index i
// of the tree's shape. Elementwise, reduce, pad, gather and assign kernels all call such a
// function, which is how elementwise work fuses into them. Shapes, strides, offsets and
// constants live in the uniform word array `params.ex`, so one pipeline serves every shape.

import { type DType, wgslType } from "../../dtype.ts";
import { type Expr, type Leaf, leavesOf } from "../../expr.ts";
import type { Shape } from "../../shape.ts";
import type { Storage } from "../backend.ts";
import { VEC4 } from "./constants.ts";

export interface ExprCode {
  /** WGSL: one storage binding per distinct storage, then the value function. */
  code: string;
  /** Storages in binding order, starting at the binding number given. */
  storages: Storage[];
  /** Uniform words (u32 bit patterns) this expression reads from params.ex, from its base. */
  words: number[];
}

const f32Bits = new Float32Array(1);
const u32OfF32 = new Uint32Array(f32Bits.buffer);

function bitsOf(v: number, dtype: DType): number {
  if (dtype === "int32") return v >>> 0;
  f32Bits[0] = v;
  return u32OfF32[0];
}

/** Replace the template names of an elementwise rule with this node's argument expressions. */
function instantiate(wgsl: string, names: Record<string, string>): string {
  return wgsl.replace(/\b[A-Za-z_]\w*\b/g, (id) => names[id] ?? id);
}

/**
 * Dims of `shape` merged wherever every leaf steps through two neighbours as through one dim
 * (stride[d] = stride[d+1] · size[d+1], which a broadcast's 0 = 0 · n also meets); size-1 dims
 * are dropped. A contiguous [64, 128, 128] read is one dim of 2^20, a per-channel bias over
 * [1, 64, 128, 128] two dims. Each merged dim costs the kernel a division and a remainder per
 * element: on CPU adapters integer division is not vectorised, so this is the dearest part of
 * a strided read.
 */
export function collapseDims(
  shape: Shape,
  dims: readonly number[],
  leaves: readonly Leaf[],
): { sizes: number[]; strides: Map<Leaf, number[]> } {
  const sizes: number[] = [];
  const strides = new Map<Leaf, number[]>(leaves.map((l) => [l, []]));
  for (const d of dims) {
    const n = shape[d];
    if (n === 1) continue;
    const k = sizes.length - 1;
    if (k >= 0 && leaves.every((l) => strides.get(l)![k] === l.strides[d] * n)) {
      sizes[k] *= n;
      for (const l of leaves) strides.get(l)![k] = l.strides[d];
    } else {
      sizes.push(n);
      for (const l of leaves) strides.get(l)!.push(l.strides[d]);
    }
  }
  return { sizes, strides };
}

/**
 * @param fnName    name of the generated function
 * @param binding   first binding number for its storages
 * @param wordBase  index of its first word in params.ex
 * @param split     absent: `fn NAME(i: u32)`, i the flat index. A number: `fn NAME(r: u32, j: u32)`,
 *                  r the flat index over the first `split` dims and j over the rest (a reduction's
 *                  row and its element), so a row's loop never divides to find the row again.
 * @param vec4      `fn NAME(i: u32) -> vec4<f32>`: elements 4i … 4i + 3, every storage bound as
 *                  array<vec4<f32>>. Only for trees that `vec4Ready` accepts.
 */
export function genExpr(
  expr: Expr,
  shape: Shape,
  fnName: string,
  binding: number,
  wordBase: number,
  split?: number,
  vec4 = false,
): ExprCode {
  const words: number[] = [];
  const word = (v: number) => {
    words.push(v >>> 0);
    return `exw(${wordBase + words.length - 1}u)`;
  };
  const storages: Storage[] = [];
  const varOf = new Map<Storage, string>();
  const lines: string[] = [];
  const dims = shape.map((_, d) => d);
  // Index groups: each is a flat index variable over some dims, merged where the leaves allow.
  const groups =
    split === undefined
      ? [{ index: "i", dims }]
      : [
          { index: "r", dims: dims.slice(0, split) },
          { index: "j", dims: dims.slice(split) },
        ];
  const leaves = leavesOf(expr);
  const layouts = groups.map((g) => ({ ...g, ...collapseDims(shape, g.dims, leaves) }));
  // Coordinates of a group are computed (divisions) only if some leaf needs them; a group that
  // merged into one dim is its own coordinate.
  const needCoords = layouts.map(() => false);
  const names = new Map<Expr, string>();
  const body: string[] = [];
  let tmp = 0;

  const visit = (e: Expr): string => {
    const hit = names.get(e);
    if (hit) return hit;
    let ref: string;
    if (e.kind === "const") {
      ref = `bitcast<${wgslType(e.dtype)}>(${word(bitsOf(e.value, e.dtype))})`;
      if (vec4) ref = `vec4<f32>(${ref})`;
    } else if (e.kind === "leaf") {
      let v = varOf.get(e.storage);
      if (!v) {
        v = `${fnName}_b${storages.length}`;
        varOf.set(e.storage, v);
        storages.push(e.storage);
      }
      let index = `bitcast<i32>(${word(vec4 ? e.offset / VEC4 : e.offset)})`;
      layouts.forEach((g, k) => {
        const st = g.strides.get(e)!;
        st.forEach((s, m) => {
          if (s === 0) return;
          const c = g.sizes.length === 1 ? g.index : `${g.index}${m}`;
          if (g.sizes.length > 1) needCoords[k] = true;
          index += s === 1 ? ` + i32(${c})` : ` + i32(${c}) * bitcast<i32>(${word(s)})`;
        });
      });
      ref = `${fnName}_t${tmp++}`;
      body.push(`  let ${ref} = ${v}[u32(${index})];`);
    } else {
      const wide = (t: string) => (vec4 ? `vec4<${t}>` : t);
      const subs: Record<string, string> = {
        T: wide(wgslType(e.ctype)),
        O: wide(wgslType(e.dtype)),
      };
      ["x", "y", "z"].forEach((n, k) => {
        if (k < e.args.length) subs[n] = visit(e.args[k]);
      });
      for (const [name, value] of Object.entries(e.scalars)) {
        subs[name] = `bitcast<f32>(${word(bitsOf(value, "float32"))})`;
      }
      ref = `${fnName}_t${tmp++}`;
      body.push(`  let ${ref} = ${instantiate(e.wgsl, subs)}; // ${e.op}`);
    }
    names.set(e, ref);
    return ref;
  };
  const result = visit(expr);

  storages.forEach((s, k) => {
    lines.push(
      `@group(0) @binding(${binding + k}) var<storage, read> ${varOf.get(s)}: array<${vec4 ? "vec4<f32>" : wgslType(s.dtype)}>;`,
    );
  });
  const args = groups.map((g) => `${g.index}: u32`).join(", ");
  lines.push(`fn ${fnName}(${args}) -> ${vec4 ? "vec4<f32>" : wgslType(expr.dtype)} {`);
  const small = shape.reduce((a, b) => a * b, 1) < 1 << 22;
  layouts.forEach((g, k) => {
    if (!needCoords[k]) return;
    // The merged sizes, read from params.ex like every other size. The outermost coordinate
    // needs no remainder: the index is in range.
    const sizes = g.sizes.map((n) => word(n));
    const x = g.index;
    lines.push(`  var ${x}_rest = ${x};`);
    for (let m = sizes.length - 1; m > 0; m--) {
      // Below 2^22 elements the quotient comes from a float division (prelude.wgsl: udiv22).
      const q = small ? `udiv22(${x}_rest, ${sizes[m]})` : `${x}_rest / ${sizes[m]}`;
      lines.push(`  let ${x}_q${m} = ${q};`);
      lines.push(`  let ${x}${m} = ${x}_rest - ${x}_q${m} * ${sizes[m]};`);
      lines.push(`  ${x}_rest = ${x}_q${m};`);
    }
    lines.push(`  let ${x}0 = ${x}_rest;`);
  });
  lines.push(...body, `  return ${result};`, "}");
  return { code: lines.join("\n"), storages, words };
}

/** Elementwise rules whose WGSL is valid unchanged when T is vec4<f32> and every operand a vec4. */
const VEC4_OPS = new Set([
  ...["add", "sub", "mul", "div", "neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos"],
  ...["sigmoid", "relu", "square", "copy", "maximum", "minimum"],
]);

/**
 * Whether a tree can be read four elements at a time (genExpr's `vec4`): float32 throughout,
 * rules from VEC4_OPS without scalar attributes, every leaf a contiguous run (one merged dim of
 * stride 1) starting at a multiple of 4, and a size that is a multiple of 4.
 */
export function vec4Ready(expr: Expr, shape: Shape): boolean {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n % VEC4 !== 0 || n === 0) return false;
  const leaves = leavesOf(expr);
  const flat = collapseDims(
    shape,
    shape.map((_, d) => d),
    leaves,
  );
  if (flat.sizes.length !== 1) return false;
  const ok = (e: Expr): boolean => {
    if (e.dtype !== "float32") return false;
    if (e.kind === "const") return true;
    if (e.kind === "leaf") return e.offset % VEC4 === 0 && flat.strides.get(e)![0] === 1;
    return (
      e.ctype === "float32" &&
      VEC4_OPS.has(e.op) &&
      Object.keys(e.scalars).length === 0 &&
      e.args.every(ok)
    );
  };
  return ok(expr);
}
