// DCGAN's two networks for 28×28 single-channel images (Radford et al. 2016, scaled to MNIST):
//   G: z [N, zDim] (+ one-hot class) → Linear → [N, 2w, 7, 7] → BN, ReLU
//      → ConvT 4×4/2 → [N, w, 14, 14] → BN, ReLU → ConvT 4×4/2 → [N, 1, 28, 28] → tanh
//   D: x [N, 1, 28, 28] (+ class planes) → Conv 4×4/2 → [N, w, 14, 14] → LeakyReLU(0.2)
//      → Conv 4×4/2 → [N, 2w, 7, 7] → BN, LeakyReLU → Linear → one logit
// As in the paper: no BN on D's input layer or G's output layer, every weight drawn from
// N(0, 0.02), BN scales from N(1, 0.02). The WGAN-GP critic drops D's BN (the penalty is per
// sample, and BN couples the samples of a batch) and can give its own input gradient.

import {
  type BackendKind,
  concat,
  convTranspose2d,
  expand,
  leakyRelu,
  matmul,
  mul,
  nn,
  noGrad,
  onesLike,
  randn,
  relu,
  reshape,
  sign,
  type Tensor,
  tanh,
  tensor,
} from "@sheep/tensor";

export interface DcganShape {
  /** Latent dimensions (the paper: 100). */
  zDim: number;
  /** Channels of the 14×14 layer; the 7×7 layer has twice as many. */
  width: number;
  /** Classes for the conditional variant (0 = unconditional). */
  classes: number;
}

export const DCGAN_DEFAULTS: DcganShape = { zDim: 100, width: 64, classes: 0 };

/** LeakyReLU's slope for x < 0 (the paper's 0.2). */
export const LEAK = 0.2;

/** DCGAN's initialisation: conv/linear weights ~ N(0, 0.02), biases 0, BN scale ~ N(1, 0.02). */
export function dcganInit(m: nn.Module, seed: number, backend?: BackendKind): void {
  noGrad(() => {
    m.namedParameters().forEach(([name, p], i) => {
      const isBn = m
        .namedModules()
        .some(([n, mod]) => mod instanceof nn.BatchNorm2d && name === `${n}.weight`);
      if (name.endsWith("bias")) nn.assign(p, mul(p, 0));
      else nn.assign(p, randn(p.shape, { seed: seed + i, mean: isBn ? 1 : 0, std: 0.02, backend }));
    });
  });
}

export function checkDcganShape(s: DcganShape, what = "dcgan"): void {
  const int = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new Error(`${what}: ${name} ${v} must be an integer in [${lo}, ${hi}]`);
    }
  };
  int("zDim", s.zDim, 1, 1024);
  int("width", s.width, 1, 1024);
  int("classes", s.classes, 0, 1000);
}

/** Class labels as one-hot rows [N, classes] (labels are host integers). */
export function oneHotRows(
  labels: ArrayLike<number>,
  classes: number,
  backend?: BackendKind,
): Tensor {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new Error(`dcgan: class ${c} must be an integer in [0, ${classes - 1}]`);
    }
    out[i * classes + c] = 1;
  }
  return tensor(out, { shape: [labels.length, classes], backend });
}

export class Generator extends nn.Module {
  readonly fc: nn.Linear;
  readonly bn0: nn.BatchNorm2d;
  readonly up1: nn.ConvTranspose2d;
  readonly bn1: nn.BatchNorm2d;
  readonly up2: nn.ConvTranspose2d;

  constructor(
    readonly shape: DcganShape,
    opts: { seed: number; backend?: BackendKind },
  ) {
    super();
    checkDcganShape(shape, "Generator");
    const { zDim, width: w, classes } = shape;
    const on = { backend: opts.backend };
    // The BN after each layer re-centres it, so the layers before BN carry no bias.
    this.fc = this.registerModule(
      "fc",
      new nn.Linear(zDim + classes, 2 * w * 49, { ...on, bias: false }),
    );
    this.bn0 = this.registerModule("bn0", new nn.BatchNorm2d(2 * w, on));
    const up = { stride: 2, padding: 1, bias: false, ...on };
    this.up1 = this.registerModule("up1", new nn.ConvTranspose2d(2 * w, w, 4, up));
    this.bn1 = this.registerModule("bn1", new nn.BatchNorm2d(w, on));
    this.up2 = this.registerModule("up2", new nn.ConvTranspose2d(w, 1, 4, { ...up, bias: true }));
    dcganInit(this, opts.seed, opts.backend);
  }

  /** z [N, zDim] (and, when conditional, one-hot classes [N, classes]) → images in [−1, 1]. */
  forward(z: Tensor, classes?: Tensor): Tensor {
    const w = this.shape.width;
    const x = this.shape.classes > 0 ? concat([z, need(classes, "Generator")], 1) : z;
    let h = reshape(this.fc.forward(x), [x.shape[0], 2 * w, 7, 7]);
    h = relu(this.bn0.forward(h));
    h = relu(this.bn1.forward(this.up1.forward(h)));
    return tanh(this.up2.forward(h));
  }

  override describe(): string {
    const { zDim, width, classes } = this.shape;
    return `DCGAN G(z ${zDim}${classes ? ` + ${classes} classes` : ""} → ${2 * width}·7² → ${width}·14² → 1·28²)`;
  }
}

function need(c: Tensor | undefined, who: string): Tensor {
  if (!c) throw new Error(`${who}: a conditional network needs one-hot classes`);
  return c;
}

export class Discriminator extends nn.Module {
  readonly conv1: nn.Conv2d;
  readonly conv2: nn.Conv2d;
  readonly bn2: nn.BatchNorm2d | null;
  readonly fc: nn.Linear;

  /** `critic`: the WGAN-GP critic (no batch norm; inputGrad available). */
  constructor(
    readonly shape: DcganShape,
    opts: { seed: number; backend?: BackendKind; critic?: boolean },
  ) {
    super();
    checkDcganShape(shape, "Discriminator");
    const { width: w, classes } = shape;
    const on = { backend: opts.backend };
    const down = { stride: 2, padding: 1, ...on };
    this.conv1 = this.registerModule("conv1", new nn.Conv2d(1 + classes, w, 4, down));
    this.conv2 = this.registerModule(
      "conv2",
      new nn.Conv2d(w, 2 * w, 4, { ...down, bias: !!opts.critic }),
    );
    this.bn2 = opts.critic ? null : this.registerModule("bn2", new nn.BatchNorm2d(2 * w, on));
    this.fc = this.registerModule("fc", new nn.Linear(2 * w * 49, 1, on));
    dcganInit(this, opts.seed + 1000, opts.backend);
  }

  /** Images [N, 1, 28, 28] (and one-hot classes [N, classes]) → logits [N, 1]. */
  forward(x: Tensor, classes?: Tensor): Tensor {
    return this.trace(x, classes).out;
  }

  private trace(x: Tensor, classes?: Tensor): { out: Tensor; pre1: Tensor; pre2: Tensor } {
    const n = x.shape[0];
    let input = x;
    if (this.shape.classes > 0) {
      // The class enters as constant planes, one per class, beside the image.
      const k = this.shape.classes;
      const planes = expand(reshape(need(classes, "Discriminator"), [n, k, 1, 1]), [n, k, 28, 28]);
      input = concat([x, planes], 1);
    }
    const pre1 = this.conv1.forward(input);
    let pre2 = this.conv2.forward(leakyRelu(pre1, LEAK));
    if (this.bn2) pre2 = this.bn2.forward(pre2);
    const out = this.fc.forward(reshape(leakyRelu(pre2, LEAK), [n, -1]));
    return { out, pre1, pre2 };
  }

  /**
   * The critic's value and ∇ₓD at every sample, written as ordinary ops so the engine can
   * differentiate it again (WGAN-GP's penalty needs ∂/∂θ of ‖∇ₓD‖; the engine's autograd is
   * first order, as the toy lab's Mlp.inputGrad explains). Backward through a stride-2 conv is
   * the transposed conv with the same weight; through LeakyReLU a multiply by 1 or 0.2.
   */
  inputGrad(x: Tensor): { out: Tensor; gx: Tensor } {
    if (this.bn2 || this.shape.classes > 0) {
      throw new Error("Discriminator.inputGrad: only for the unconditional critic (no batch norm)");
    }
    const { out, pre1, pre2 } = this.trace(x);
    const n = x.shape[0];
    const leakGrad = (h: Tensor) => mul(sign(relu(h)), 1 - LEAK).add(LEAK);
    let g = matmul(onesLike(out), this.fc.weight); // [n, 2w·49]
    g = mul(reshape(g, pre2.shape), leakGrad(pre2));
    g = convTranspose2d(g, this.conv2.weight, null, { stride: 2, padding: 1 });
    g = mul(g, leakGrad(pre1));
    const gx = convTranspose2d(g, this.conv1.weight, null, { stride: 2, padding: 1 });
    return { out, gx };
  }

  override describe(): string {
    const { width, classes } = this.shape;
    return `DCGAN ${this.bn2 ? "D" : "critic"}(1${classes ? ` + ${classes}` : ""}·28² → ${width}·14² → ${2 * width}·7² → 1)`;
  }
}
