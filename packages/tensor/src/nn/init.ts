// Weight initialisers with torch.nn.init's formulas. Each fills an existing tensor (keeping its
// identity, so a module's parameter can be re-initialised in place) and returns it. Every draw
// takes an optional `seed`; without one it takes the next key of the global stream
// (manualSeed), so a seeded program builds the same model every run, on every backend.

import { noGrad } from "../autograd.ts";
import { engine } from "../engine.ts";
import { full, rand, randn } from "../fn/create.ts";
import type { Tensor } from "../tensor.ts";
import { assign } from "./assign.ts";

export type Nonlinearity =
  | "linear"
  | "conv2d"
  | "convTranspose2d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leakyRelu"
  | "selu";

/**
 * The factor that keeps activations' variance steady through a nonlinearity (torch's
 * calculate_gain): 1 for linear maps and sigmoid, 5/3 for tanh, √2 for ReLU,
 * √(2 / (1 + slope²)) for leaky ReLU (slope defaults to 0.01), 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, slope?: number): number {
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": {
      const a = slope ?? 0.01;
      return Math.sqrt(2 / (1 + a * a));
    }
    case "selu":
      return 3 / 4;
    default:
      return 1;
  }
}

/**
 * fan_in = shape[1] · receptive field, fan_out = shape[0] · receptive field, where the
 * receptive field is the product of shape[2:] (a conv kernel's kh·kw). Linear weights are
 * [out, in]; conv weights [out, in/groups, kh, kw].
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new Error(`fans: needs a tensor with at least 2 dims, got shape [${shape.join(", ")}]`);
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export interface SeedOption {
  seed?: number;
}

export interface KaimingOptions extends SeedOption {
  /** Negative slope of the leaky ReLU after this layer (0 for ReLU). Default 0. */
  a?: number;
  /** "fanIn" keeps the forward pass's variance, "fanOut" the backward pass's. */
  mode?: "fanIn" | "fanOut";
  /** Default "leakyRelu" (with a = 0, the same gain as "relu"), as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  return noGrad(() => engine.tidy(() => assign(t, make())));
}

/** Uniform on [low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, opts: SeedOption = {}): Tensor {
  return fill(t, () => rand(t.shape, { like: t, low, high, seed: opts.seed }));
}

/** Normal with the given mean and std; normal_(w, 0, 0.02) is DCGAN's initialisation. */
export function normal_(t: Tensor, mean = 0, std = 1, opts: SeedOption = {}): Tensor {
  return fill(t, () => randn(t.shape, { like: t, mean, std, seed: opts.seed }));
}

export function constant_(t: Tensor, value: number): Tensor {
  return fill(t, () => full(t.shape, value, { like: t }));
}

export const zeros_ = (t: Tensor) => constant_(t, 0);
export const ones_ = (t: Tensor) => constant_(t, 1);

/** He et al. 2015: std = gain / √fan, with fan_in or fan_out. */
function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t.shape);
  const fan = (opts.mode ?? "fanIn") === "fanIn" ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? "leakyRelu", opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** Kaiming normal: N(0, std²), std = gain / √fan. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts), opts);
}

/** Kaiming uniform: U(−b, b) with b = √3 · gain / √fan (the uniform with that std). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, opts);
}

/** Glorot & Bengio 2010: std = gain · √(2 / (fan_in + fan_out)). */
function xavierStd(t: Tensor, gain: number): number {
  const { fanIn, fanOut } = fans(t.shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

export function xavierNormal_(t: Tensor, opts: SeedOption & { gain?: number } = {}): Tensor {
  return normal_(t, 0, xavierStd(t, opts.gain ?? 1), opts);
}

/** Xavier uniform: U(−b, b), b = √3 · gain · √(2 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, opts: SeedOption & { gain?: number } = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(t, opts.gain ?? 1);
  return uniform_(t, -bound, bound, opts);
}
