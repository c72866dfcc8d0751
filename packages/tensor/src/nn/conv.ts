// Convolution layers over the functional conv2d / convTranspose2d, with PyTorch's parameter
// names and shapes (weight [out, in/groups, kH, kW] and [in, out/groups, kH, kW]) and default
// initialisation, so torchvision weights load into them by name.

import { type Conv2dOptions, conv2d, convTranspose2d } from "../conv/fn.ts";
import { zeros } from "../fn/create.ts";
import { pad } from "../fn/shape.ts";
import type { Tensor } from "../tensor.ts";
import { defaultInit, type LayerOptions } from "./layers.ts";
import { type Layer, Module } from "./module.ts";

type Pair = number | readonly [number, number];

const pairOf = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

function checkGroups(op: string, inC: number, outC: number, groups: number): void {
  if (!(Number.isInteger(groups) && groups >= 1 && inC % groups === 0 && outC % groups === 0)) {
    throw new Error(`${op}: groups ${groups} must divide in (${inC}) and out (${outC}) channels`);
  }
}

export interface Conv2dLayerOptions extends LayerOptions {
  stride?: Pair;
  padding?: Conv2dOptions["padding"];
  /** How padding is filled: zeros (default), or the image's reflection, edge or wrap-around. */
  paddingMode?: "zeros" | "reflect" | "replicate" | "circular";
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/** 2-D convolution (cross-correlation), as torch.nn.Conv2d. */
export class Conv2d extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly opts: Conv2dLayerOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    checkGroups("Conv2d", inChannels, outChannels, groups);
    this.kernelSize = pairOf(kernelSize);
    const [kh, kw] = this.kernelSize;
    const on = { backend: opts.backend };
    const w = zeros([outChannels, inChannels / groups, kh, kw], on);
    this.weight = this.registerParameter("weight", w);
    this.bias = this.registerParameter(
      "bias",
      opts.bias === false ? null : zeros([outChannels], on),
    );
    defaultInit(this.weight, this.bias, (inChannels / groups) * kh * kw, opts.seed);
    if ((opts.paddingMode ?? "zeros") !== "zeros" && opts.padding === "same") {
      throw new Error(
        `Conv2d: paddingMode "${opts.paddingMode}" needs numeric padding, not "same"`,
      );
    }
  }

  forward(x: Tensor): Tensor {
    const { stride, dilation, groups } = this.opts;
    const mode = this.opts.paddingMode ?? "zeros";
    let padding = this.opts.padding ?? 0;
    if (mode !== "zeros" && typeof padding !== "string") {
      // Pad explicitly with the chosen mode, then convolve without padding.
      const p = typeof padding === "number" ? [padding, padding] : padding;
      const [top, bottom, left, right] = p.length === 4 ? p : [p[0], p[0], p[1], p[1]];
      x = pad(x, [left, right, top, bottom], { mode });
      padding = 0;
    }
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }

  override describe(): string {
    const [kh, kw] = this.kernelSize;
    return `Conv2d(${this.inChannels} → ${this.outChannels}, ${kh}×${kw})`;
  }
}

export interface ConvTranspose2dLayerOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/**
 * Transposed convolution (the gradient of a conv with respect to its input; DCGAN's upsampler),
 * as torch.nn.ConvTranspose2d. Output size: (H − 1)·stride − 2·padding + dilation·(k − 1) +
 * outputPadding + 1.
 */
export class ConvTranspose2d extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly opts: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    checkGroups("ConvTranspose2d", inChannels, outChannels, groups);
    this.kernelSize = pairOf(kernelSize);
    const [kh, kw] = this.kernelSize;
    const on = { backend: opts.backend };
    const w = zeros([inChannels, outChannels / groups, kh, kw], on);
    this.weight = this.registerParameter("weight", w);
    this.bias = this.registerParameter(
      "bias",
      opts.bias === false ? null : zeros([outChannels], on),
    );
    // PyTorch computes the fan from weight dim 1 here too: (out/groups)·kH·kW.
    defaultInit(this.weight, this.bias, (outChannels / groups) * kh * kw, opts.seed);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, outputPadding, dilation, groups } = this.opts;
    return convTranspose2d(x, this.weight, this.bias, {
      stride,
      padding,
      outputPadding,
      dilation,
      groups,
    });
  }

  override describe(): string {
    const [kh, kw] = this.kernelSize;
    return `ConvTranspose2d(${this.inChannels} → ${this.outChannels}, ${kh}×${kw})`;
  }
}
