// The simple layers: Linear, Flatten, the activations, and Sequential to chain them.

import type { BackendKind } from "../engine.ts";
import { zeros } from "../fn/create.ts";
import { add, leakyRelu, relu, sigmoid, tanh } from "../fn/elementwise.ts";
import { matmul } from "../fn/reduce.ts";
import { flatten, transpose } from "../fn/shape.ts";
import type { Tensor } from "../tensor.ts";
import { kaimingUniform_, uniform_ } from "./init.ts";
import { type Layer, Module } from "./module.ts";

/** Where a layer's parameters live and how they are drawn. */
export interface LayerOptions {
  /** Seed for the initial weights (the bias uses seed + 1); default: the global stream. */
  seed?: number;
  /** Backend for the parameters (default: the current default backend). */
  backend?: BackendKind;
}

/**
 * PyTorch's default initialisation for Linear and Conv layers: weights kaiming_uniform with
 * a = √5 (a uniform bound of 1/√fan_in), biases uniform in ±1/√fan_in.
 */
export function defaultInit(w: Tensor, b: Tensor | null, fanIn: number, seed?: number): void {
  kaimingUniform_(w, { a: Math.sqrt(5), seed });
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  if (b) uniform_(b, -bound, bound, { seed: seed === undefined ? undefined : seed + 1 });
}

/** out = x · wᵀ + b, over the last dim of x. weight [out, in], bias [out]. */
export class Linear extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LayerOptions & { bias?: boolean } = {},
  ) {
    super();
    const on = { backend: opts.backend };
    this.weight = this.registerParameter("weight", zeros([outFeatures, inFeatures], on));
    this.bias = this.registerParameter(
      "bias",
      opts.bias === false ? null : zeros([outFeatures], on),
    );
    defaultInit(this.weight, this.bias, inFeatures, opts.seed);
  }

  forward(x: Tensor): Tensor {
    const out = matmul(x, transpose(this.weight, 0, 1));
    return this.bias ? add(out, this.bias) : out;
  }

  override describe(): string {
    return `Linear(${this.inFeatures} → ${this.outFeatures}${this.bias ? "" : ", no bias"})`;
  }
}

/** Merge dims startDim..endDim (default: everything after the batch dim). */
export class Flatten extends Module implements Layer {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

export class Identity extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class ReLU extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** max(x, 0) + slope · min(x, 0). */
export class LeakyReLU extends Module implements Layer {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override describe(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
}

export class Sigmoid extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Layers applied in order; child i is named "i", so its weights are `i.weight`. */
export class Sequential extends Module implements Layer {
  private readonly layers: Layer[];

  constructor(...layers: Layer[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => {
      this.registerModule(String(i), l);
    });
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }

  /** The i-th layer (negative counts from the end). */
  at(i: number): Layer {
    const layer = this.layers.at(i);
    if (!layer) throw new Error(`Sequential: no layer ${i} (it has ${this.layers.length})`);
    return layer;
  }

  get length(): number {
    return this.layers.length;
  }

  [Symbol.iterator](): Iterator<Layer> {
    return this.layers[Symbol.iterator]();
  }
}
