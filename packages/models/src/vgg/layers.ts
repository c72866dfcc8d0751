// VGG's layers with their weights cut into parts that each fit one storage binding.
//
// A kernel can bind at most maxStorageBufferBindingSize bytes of a buffer (128 MiB on lavapipe
// and the WebGPU default), and VGG's fc1 is 392 MiB. A layer's outputs do not depend on each
// other, so the weight's rows (output features, or output channels of a conv) can be cut into
// parts: each part is its own tensor and its own matmul or conv, and the parts' outputs are
// concatenated. With one part this is an ordinary layer.

import { add, concat, conv2d, matmul, nn, type Tensor, transpose } from "@sheep/tensor";

/**
 * [start, count] row ranges of at most `maxBytes` each (rows of `rowBytes`), as equal as
 * possible: 4096 rows of 100 KB under 128 MiB give 4 parts of 1024, not 3 of 1337 and one 85.
 */
export function rowParts(
  rows: number,
  rowBytes: number,
  maxBytes: number,
  what: string,
): [number, number][] {
  const perPart = Math.floor(maxBytes / rowBytes);
  if (perPart < 1) {
    throw new Error(
      `${what}: one row of ${rowBytes} bytes does not fit a storage binding of ${maxBytes} bytes`,
    );
  }
  const parts = Math.ceil(rows / perPart);
  const out: [number, number][] = [];
  for (let p = 0, start = 0; p < parts; p++) {
    const count = Math.ceil((rows - start) / (parts - p));
    out.push([start, count]);
    start += count;
  }
  return out;
}

/**
 * Weight and bias cut along dim 0. Parameters: `weight` and `bias` when whole, else
 * `weight_part{i}` and `bias_part{i}`.
 */
abstract class RowSplit extends nn.Module {
  constructor(
    readonly weights: readonly Tensor[],
    readonly biases: readonly Tensor[],
  ) {
    super();
    const one = weights.length === 1;
    weights.forEach((w, i) => {
      this.registerParameter(one ? "weight" : `weight_part${i}`, w);
    });
    biases.forEach((b, i) => {
      this.registerParameter(one ? "bias" : `bias_part${i}`, b);
    });
  }

  /** Run each part and join the outputs along the feature/channel dim. */
  protected joined(part: (w: Tensor, b: Tensor) => Tensor): Tensor {
    const outs = this.weights.map((w, i) => part(w, this.biases[i]));
    return outs.length === 1 ? outs[0] : concat(outs, 1);
  }
}

/** A 3×3 convolution with padding 1 (VGG's only kind), ReLU fused into its write on request. */
export class SplitConv2d extends RowSplit {
  forward(x: Tensor, relu: boolean): Tensor {
    return this.joined((w, b) => conv2d(x, w, b, { padding: 1, activation: relu ? "relu" : null }));
  }

  override describe(): string {
    const [o, i] = [this.weights.reduce((n, w) => n + w.shape[0], 0), this.weights[0].shape[1]];
    return `Conv2d(${i} → ${o}, 3×3${partsNote(this.weights)})`;
  }
}

/** out = x · wᵀ + b on [N, in] inputs. */
export class SplitLinear extends RowSplit {
  forward(x: Tensor): Tensor {
    return this.joined((w, b) => add(matmul(x, transpose(w, 0, 1)), b));
  }

  override describe(): string {
    const [o, i] = [this.weights.reduce((n, w) => n + w.shape[0], 0), this.weights[0].shape[1]];
    return `Linear(${i} → ${o}${partsNote(this.weights)})`;
  }
}

const partsNote = (ws: readonly Tensor[]) => (ws.length > 1 ? `, ${ws.length} parts` : "");

/** A module that only names its children (torchvision's `features`, `classifier`). */
export class Group extends nn.Module {
  constructor(children: readonly [string, nn.Module][]) {
    super();
    for (const [name, m] of children) this.registerModule(name, m);
  }
}
