// Pooling layers: module wrappers over maxPool2d, avgPool2d and adaptiveAvgPool2d (no
// parameters; they exist so that Sequential can hold them, as in torchvision's VGG).

import {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
} from "../fn/cnn.ts";
import type { Tensor } from "../tensor.ts";
import { type Layer, Module } from "./module.ts";

type Pair = number | readonly [number, number];

/** Max over kernelSize windows (stride defaults to the kernel size), as torch.nn.MaxPool2d. */
export class MaxPool2d extends Module implements Layer {
  readonly opts: MaxPool2dOptions;

  constructor(kernelSize: Pair, opts: Omit<MaxPool2dOptions, "kernelSize"> = {}) {
    super();
    this.opts = { ...opts, kernelSize };
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.opts);
  }

  override describe(): string {
    return `MaxPool2d(${this.opts.kernelSize})`;
  }
}

/** Mean over kernelSize windows, as torch.nn.AvgPool2d. */
export class AvgPool2d extends Module implements Layer {
  readonly opts: AvgPool2dOptions;

  constructor(kernelSize: Pair, opts: Omit<AvgPool2dOptions, "kernelSize"> = {}) {
    super();
    this.opts = { ...opts, kernelSize };
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.opts);
  }

  override describe(): string {
    return `AvgPool2d(${this.opts.kernelSize})`;
  }
}

/** Average pooling to a fixed output size (VGG's 7×7 before the classifier). */
export class AdaptiveAvgPool2d extends Module implements Layer {
  constructor(readonly outputSize: Pair) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
