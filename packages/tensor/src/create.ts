// Making tensors: from data, constants, ranges and seeded random draws.

import type { Backend } from "./backend/backend.ts";
import type { DType, HostArray } from "./dtype.ts";
import { type BackendKind, engine } from "./engine.ts";
import { ShapeError } from "./errors.ts";
import { constant, contiguousLeaf, expandExpr } from "./expr.ts";
import { drawKey, normalAt, uniformAt } from "./random.ts";
import { checkShape, sizeOf } from "./shape.ts";
import { Tensor } from "./tensor.ts";

export interface CreateOptions {
  dtype?: DType;
  /** Which backend holds it (default: the one init() chose last). */
  backend?: BackendKind;
  /** Take backend (and, unless given, dtype) from this tensor. */
  like?: Tensor;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  seed?: number;
}

type Nested = number | boolean | readonly Nested[];

function backendOf(opts: CreateOptions): Backend {
  return opts.like ? opts.like.backend : engine.backend(opts.backend);
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_();
  return t;
}

/** Upload host values into a new tensor of `shape`. */
export function fromHost(
  data: ArrayLike<number>,
  shape: readonly number[],
  opts: CreateOptions = {},
) {
  const dtype =
    opts.dtype ?? opts.like?.dtype ?? (data instanceof Int32Array ? "int32" : "float32");
  checkShape("tensor", shape);
  if (data.length !== sizeOf(shape)) {
    throw new ShapeError("tensor", [shape], `${data.length} values cannot fill this shape`);
  }
  const backend = backendOf(opts);
  const storage = backend.alloc(dtype, data.length);
  // Typed arrays pass through untouched: the backend converts once (webgpu to float32, the cpu
  // oracle to float64), so a 400 MB weight is never held twice on the host.
  let host: Float32Array | Float64Array | Int32Array;
  if (dtype === "int32") {
    host = data instanceof Int32Array ? data : Int32Array.from(data, (v) => Math.trunc(v));
  } else {
    host =
      data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data);
  }
  backend.write(storage, host);
  return finish(new Tensor(shape, dtype, backend, contiguousLeaf(storage, shape), "tensor"), opts);
}

/**
 * A tensor from nested arrays, a typed array (with `shape`), or a number.
 * `tensor([[1, 2], [3, 4]])`, `tensor(new Float32Array(6), { shape: [2, 3] })`.
 */
export function tensor(
  data: Nested | HostArray | Float64Array,
  opts: CreateOptions & { shape?: readonly number[] } = {},
) {
  if (ArrayBuffer.isView(data)) {
    return fromHost(data as ArrayLike<number>, opts.shape ?? [data.length], opts);
  }
  const shape: number[] = [];
  for (let d: unknown = data; Array.isArray(d); d = d[0]) shape.push(d.length);
  const flat: number[] = [];
  const walk = (v: unknown) => (Array.isArray(v) ? v.forEach(walk) : flat.push(Number(v)));
  walk(data);
  if (flat.length !== sizeOf(shape))
    throw new ShapeError("tensor", [shape], "nested arrays are ragged");
  return fromHost(flat, opts.shape ?? shape, opts);
}

/** A tensor filled with one value. Lazy: it costs no memory until something needs its buffer. */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkShape("full", shape);
  const dtype = opts.dtype ?? opts.like?.dtype ?? "float32";
  const expr = expandExpr(constant(value, dtype), [], shape);
  return finish(new Tensor(shape, dtype, backendOf(opts), expr, "full"), opts);
}

export const zeros = (shape: readonly number[], opts: CreateOptions = {}) => full(shape, 0, opts);
export const ones = (shape: readonly number[], opts: CreateOptions = {}) => full(shape, 1, opts);
export const zerosLike = (t: Tensor, opts: CreateOptions = {}) =>
  full(t.shape, 0, { like: t, ...opts });
export const onesLike = (t: Tensor, opts: CreateOptions = {}) =>
  full(t.shape, 1, { like: t, ...opts });
export const fullLike = (t: Tensor, v: number, opts: CreateOptions = {}) =>
  full(t.shape, v, { like: t, ...opts });

/** A rank-0 constant (what numbers become when mixed with tensors). Holds no memory. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return full([], value, opts);
}

/** start, start+step, … < end (int32 when all three are integers, like torch.arange). */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new Error("arange: step must not be 0");
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (ints ? "int32" : "float32");
  return fromHost(
    Array.from({ length: n }, (_, i) => start + i * step),
    [n],
    { ...opts, dtype },
  );
}

/** Uniform in [low, high). Seeded draws are identical on every backend. */
export function rand(
  shape: readonly number[],
  opts: RandomOptions & { low?: number; high?: number } = {},
) {
  const { low = 0, high = 1 } = opts;
  const key = drawKey(opts.seed);
  const data = Float32Array.from(
    { length: sizeOf(checkShape("rand", shape)) },
    (_, i) => low + (high - low) * uniformAt(key, i),
  );
  return fromHost(data, shape, { ...opts, dtype: "float32" });
}

/** Normal with the given mean and std. */
export function randn(
  shape: readonly number[],
  opts: RandomOptions & { mean?: number; std?: number } = {},
) {
  const { mean = 0, std = 1 } = opts;
  const key = drawKey(opts.seed);
  const data = Float32Array.from(
    { length: sizeOf(checkShape("randn", shape)) },
    (_, i) => mean + std * normalAt(key, i),
  );
  return fromHost(data, shape, { ...opts, dtype: "float32" });
}

/** Integers uniform in [low, high). */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
) {
  const key = drawKey(opts.seed);
  const data = Int32Array.from(
    { length: sizeOf(checkShape("randint", shape)) },
    (_, i) => low + Math.floor((high - low) * uniformAt(key, i)),
  );
  return fromHost(data, shape, { ...opts, dtype: "int32" });
}
