// The Tensor handle: shape, dtype, the backend that owns its memory, and its value as an
// expression (a strided view of a storage once realised, or a lazy fused tree before).
// Math methods are attached in methods.ts; this file is about identity and lifetime.

import type { Backend, Storage } from "./backend/backend.ts";
import type { DType, HostArray } from "./dtype.ts";
import { engine } from "./engine.ts";
import type { Expr } from "./expr.ts";
import type { Shape } from "./shape.ts";

/** How a tensor was made, for reverse-mode autograd (autograd.ts walks these). */
export interface GradNode {
  op: string;
  inputs: readonly Tensor[];
  attrs: unknown;
  /** One VJP per input; null where the op is not differentiable in that input. */
  vjps: readonly (((g: Tensor) => Tensor) | null)[];
}

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  /** Marks tensors without instanceof (two copies of the package in one bundle still agree). */
  readonly __isTensor = true;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly backend: Backend;
  /** The op that made this tensor ("tensor", "add", "matmul", …), for messages and traces. */
  readonly op: string;
  /** @internal The value. Read it through engine.realise() when you need memory. */
  expr: Expr;
  private held: Storage[];
  /** Accumulate a gradient into `.grad` when backward() reaches this tensor. */
  requiresGrad = false;
  grad: Tensor | null = null;
  /** @internal Set when an op made this tensor while recording. */
  node: GradNode | null = null;
  /** @internal How many elementwise ops have inlined this tensor's lazy tree. */
  uses = 0;
  disposed = false;
  /** Exempt from tidy() scopes: the owner disposes it (parameters, optimizer state, grads). */
  kept = false;

  constructor(shape: Shape, dtype: DType, backend: Backend, expr: Expr, op: string) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.backend = backend;
    this.expr = expr;
    this.op = op;
    this.held = engine.hold(expr);
    engine.track(this);
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** True while the value is an unexecuted fused expression. */
  get isLazy(): boolean {
    return this.expr.kind !== "leaf";
  }

  /** @internal Swap the value (realisation, assign). Takes ownership of `owned` references. */
  replaceExpr(expr: Expr, owned?: Storage[]): void {
    const next = owned ?? engine.hold(expr);
    for (const s of this.held) engine.release1(s);
    this.held = next;
    this.expr = expr;
  }

  /** Read the values back: Float32Array for float32, Int32Array for int32. The one await. */
  async data(): Promise<HostArray> {
    const raw = await this.read();
    if (raw instanceof Float64Array) return new Float32Array(raw);
    return raw;
  }

  /** Read back as float64 (exact on the cpu backend, widened from float32 on webgpu). */
  async data64(): Promise<Float64Array> {
    const raw = await this.read();
    return raw instanceof Float64Array ? raw : Float64Array.from(raw);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) {
      throw new Error(`item() needs a tensor with one element, got shape [${this.shape}]`);
    }
    return (await this.data64())[0];
  }

  /** Nested arrays, like PyTorch's tolist(). */
  async tolist(): Promise<unknown> {
    const flat = Array.from(await this.data());
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.rank) return flat[offset];
      const inner = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  private async read(): Promise<HostArray | Float64Array> {
    const region = engine.realise(this);
    return this.backend.read(region.storage, region.offset, this.size);
  }

  /** Free this handle's memory (shared storages live on while other tensors use them). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.held) engine.release1(s);
    this.held = [];
    this.node = null;
    this.grad?.dispose();
    this.grad = null;
    engine.untrack(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Mark as requiring gradients (leaf parameters). Returns this. */
  requiresGrad_(on = true): this {
    if (on && this.dtype !== "float32") {
      throw new Error(`requiresGrad needs a float32 tensor, got ${this.dtype}`);
    }
    this.requiresGrad = on;
    return this;
  }

  toString(): string {
    const state = this.disposed ? "disposed" : this.isLazy ? "lazy" : "realised";
    return `Tensor#${this.id}(${this.op}, [${this.shape.join(", ")}], ${this.dtype}, ${state})`;
  }
}
