// The toy GAN's networks: a plain MLP (Linear → activation, …, Linear) for the generator and the
// discriminator, plus the discriminator's input gradient ∇ₓD(x) written out as tensor ops.
//
// Why by hand: the gradient penalties (WGAN-GP, R1) need ∂/∂θ of a function of ∇ₓD, a second
// derivative. The engine's autograd is first order (a VJP's result carries no graph back into
// the forward pass once the graph is freed), so the lab writes the MLP's backward pass to its
// input as ordinary ops; the engine then differentiates that expression like any other.

import {
  type BackendKind,
  leakyRelu,
  matmul,
  mul,
  nn,
  onesLike,
  relu,
  sign,
  type Tensor,
  tanh,
} from "@sheep/tensor";

export type Activation = "relu" | "leaky" | "tanh";

export const ACTIVATIONS: readonly Activation[] = ["relu", "leaky", "tanh"];

export interface MlpShape {
  /** Hidden layers (≥ 1). */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  activation: Activation;
}

/** LeakyReLU's slope for x < 0 (0.2, the usual GAN choice). */
const LEAK = 0.2;

function act(a: Activation, h: Tensor): Tensor {
  if (a === "relu") return relu(h);
  if (a === "leaky") return leakyRelu(h, LEAK);
  return tanh(h);
}

// act'(h) from the pre-activation h. sign(relu(h)) is the step function 1[h > 0]; sign has no
// gradient, so the penalty's second derivative through a ReLU is 0, as it is analytically.
function actGrad(a: Activation, h: Tensor): Tensor {
  if (a === "relu") return sign(relu(h));
  if (a === "leaky") return mul(sign(relu(h)), 1 - LEAK).add(LEAK);
  const t = tanh(h);
  return onesLike(t).sub(mul(t, t)); // d/dh tanh h = 1 − tanh² h
}

export class Mlp extends nn.Module {
  readonly layers: nn.Linear[] = [];

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly shape: MlpShape,
    opts: { seed: number; backend?: BackendKind },
  ) {
    super();
    checkShape(shape);
    const sizes = [inFeatures, ...Array(shape.depth).fill(shape.width), outFeatures];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const layer = new nn.Linear(sizes[i], sizes[i + 1], {
        seed: opts.seed + 2 * i,
        backend: opts.backend,
      });
      this.layers.push(this.registerModule(String(i), layer));
    }
  }

  forward(x: Tensor): Tensor {
    return this.trace(x).out;
  }

  /** The forward pass, keeping each hidden layer's pre-activation for inputGrad. */
  private trace(x: Tensor): { out: Tensor; pre: Tensor[] } {
    const pre: Tensor[] = [];
    let h = x;
    this.layers.forEach((layer, i) => {
      h = layer.forward(h);
      if (i + 1 < this.layers.length) {
        pre.push(h);
        h = act(this.shape.activation, h);
      }
    });
    return { out: h, pre };
  }

  /**
   * For a scalar-output network (the discriminator): its value and ∇ₓD at every row of x,
   * [n, in]. Row i of the gradient is dD(xᵢ)/dxᵢ, since row i of the output depends on row i
   * of the input only. Backward through h = a·wᵀ + b is g_a = g_h·w; through a = act(h) it is
   * g_h = g_a ⊙ act'(h).
   */
  inputGrad(x: Tensor): { out: Tensor; gx: Tensor } {
    if (this.outFeatures !== 1) throw new Error("Mlp.inputGrad: needs a network with 1 output");
    const { out, pre } = this.trace(x);
    let g = onesLike(out);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      g = matmul(g, this.layers[i].weight);
      if (i > 0) g = mul(g, actGrad(this.shape.activation, pre[i - 1]));
    }
    return { out, gx: g };
  }

  override describe(): string {
    const { depth, width, activation } = this.shape;
    return `Mlp(${this.inFeatures} → ${depth}×${width} ${activation} → ${this.outFeatures})`;
  }
}

export function checkShape(s: MlpShape, what = "mlp"): void {
  if (!Number.isInteger(s.depth) || s.depth < 1 || s.depth > 16) {
    throw new Error(`${what}: depth ${s.depth} must be an integer in [1, 16]`);
  }
  if (!Number.isInteger(s.width) || s.width < 1 || s.width > 4096) {
    throw new Error(`${what}: width ${s.width} must be an integer in [1, 4096]`);
  }
  if (!ACTIVATIONS.includes(s.activation)) {
    throw new Error(
      `${what}: activation "${s.activation}" is not one of ${ACTIVATIONS.join(", ")}`,
    );
  }
}
