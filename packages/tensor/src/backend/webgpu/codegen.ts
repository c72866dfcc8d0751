// Expression trees to WGSL. A tree becomes `fn NAME(i: u32) -> T`: the value at flat index i
// of the tree's shape. Elementwise, reduce, pad, gather and assign kernels all call such a
// function, which is how elementwise work fuses into them. Shapes, strides, offsets and
// constants live in the uniform word array `params.ex`, so one pipeline serves every shape.

import { type DType, wgslType } from "../../dtype.ts";
import type { Expr, Leaf } from "../../expr.ts";
import { contiguousStrides, type Shape } from "../../shape.ts";
import type { Storage } from "../backend.ts";

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
 * @param fnName    name of the generated function
 * @param binding   first binding number for its storages
 * @param wordBase  index of its first word in params.ex
 */
export function genExpr(
  expr: Expr,
  shape: Shape,
  fnName: string,
  binding: number,
  wordBase: number,
): ExprCode {
  const words: number[] = [];
  const word = (v: number) => {
    words.push(v >>> 0);
    return `exw(${wordBase + words.length - 1}u)`;
  };
  const storages: Storage[] = [];
  const varOf = new Map<Storage, string>();
  const lines: string[] = [];
  const rank = shape.length;
  const contiguous = contiguousStrides(shape);

  // Coordinates are computed once, only if some leaf needs them.
  const leafIsLinear = (l: Leaf) =>
    shape.every((d, i) => d === 1 || l.strides[i] === contiguous[i]);
  let needCoords = false;
  const names = new Map<Expr, string>();
  const body: string[] = [];
  let tmp = 0;

  const visit = (e: Expr): string => {
    const hit = names.get(e);
    if (hit) return hit;
    let ref: string;
    if (e.kind === "const") {
      ref = `bitcast<${wgslType(e.dtype)}>(${word(bitsOf(e.value, e.dtype))})`;
    } else if (e.kind === "leaf") {
      let v = varOf.get(e.storage);
      if (!v) {
        v = `${fnName}_b${storages.length}`;
        varOf.set(e.storage, v);
        storages.push(e.storage);
      }
      const off = `bitcast<i32>(${word(e.offset)})`;
      let index: string;
      if (leafIsLinear(e)) index = `u32(${off} + i32(i))`;
      else {
        needCoords = true;
        const terms = e.strides.map((s, d) =>
          shape[d] === 1 ? "" : ` + i32(c${d}) * bitcast<i32>(${word(s)})`,
        );
        index = `u32(${off}${terms.join("")})`;
      }
      ref = `${fnName}_t${tmp++}`;
      body.push(`  let ${ref} = ${v}[${index}];`);
    } else {
      const subs: Record<string, string> = {
        T: wgslType(e.ctype),
        O: wgslType(e.dtype),
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
      `@group(0) @binding(${binding + k}) var<storage, read> ${varOf.get(s)}: array<${wgslType(s.dtype)}>;`,
    );
  });
  lines.push(`fn ${fnName}(i: u32) -> ${wgslType(expr.dtype)} {`);
  if (needCoords) {
    // The shape, read from params.ex like every other size.
    const dims = shape.map((d) => word(d));
    lines.push("  var rest = i;");
    for (let d = rank - 1; d >= 0; d--) {
      lines.push(`  let c${d} = rest % ${dims[d]};`);
      if (d > 0) lines.push(`  rest = rest / ${dims[d]};`);
    }
  }
  lines.push(...body, `  return ${result};`, "}");
  return { code: lines.join("\n"), storages, words };
}
