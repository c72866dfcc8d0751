// The VGG network on the engine: `forward(x, taps)` returns any set of named activations from
// one pass that stops at the deepest tap asked for.
//
// Parameters keep torchvision's names (`features.0.weight`, `classifier.0.bias`) whatever file
// they came from; a weight too big for one storage binding is held in parts (layers.ts).

import { adaptiveAvgPool2d, flatten, maxPool2d, nn, relu, type Tensor } from "@sheep/tensor";
import { type Preprocessing, preprocessingFor } from "../preprocess.ts";
import {
  type TapRef,
  VGG_POOL,
  type VggConfig,
  type VggConv,
  type VggStep,
  vggStepShapes,
  vggSteps,
  vggTapTable,
} from "./architecture.ts";
import type { VggDialect } from "./dialects.ts";
import { Group, SplitConv2d, SplitLinear } from "./layers.ts";

/** One layer's weights and biases, each cut into the same row parts. */
export interface LayerParts {
  weights: Tensor[];
  biases: Tensor[];
}

export class Vgg extends nn.Module {
  readonly steps: readonly VggStep[];
  readonly preprocessing: Preprocessing;
  /** The deepest step whose weights are loaded: taps past it are refused. */
  readonly depth: number;
  private readonly tapTable: Map<string, TapRef>;
  private readonly layers = new Map<number, SplitConv2d | SplitLinear>();

  /**
   * @param weights step index (vggSteps) → that layer's parts; every conv and fc step up to
   *                `depth` must be there. loadVgg builds this from a file.
   */
  constructor(
    readonly config: VggConfig,
    readonly dialect: VggDialect,
    weights: ReadonlyMap<number, LayerParts>,
    depth: number,
  ) {
    super();
    this.steps = vggSteps(config);
    this.tapTable = vggTapTable(config);
    this.preprocessing = preprocessingFor(dialect);
    this.depth = depth;
    const features: [string, nn.Module][] = [];
    const classifier: [string, nn.Module][] = [];
    this.steps.forEach((s, i) => {
      if (i > depth || (s.kind !== "conv" && s.kind !== "fc")) return;
      const parts = weights.get(i);
      if (!parts) throw new Error(`Vgg: no weights for step ${i} (${s.post[0]})`);
      if (s.kind === "conv") {
        const conv = new SplitConv2d(parts.weights, parts.biases);
        features.push([String((s.layer as VggConv).feature), conv]);
        this.layers.set(i, conv);
      } else {
        const fc = new SplitLinear(parts.weights, parts.biases);
        classifier.push([String([0, 3, 6][(s.fc as number) - 1]), fc]);
        this.layers.set(i, fc);
      }
    });
    this.registerModule("features", new Group(features));
    if (classifier.length) this.registerModule("classifier", new Group(classifier));
    // A pretrained feature extractor: eval mode, and no gradients for its weights unless asked.
    this.eval();
    this.requiresGrad_(false);
  }

  get arch(): VggConfig["arch"] {
    return this.config.arch;
  }

  /** Every tap name this model knows, in forward order (aliases of one point side by side). */
  get tapNames(): string[] {
    return [...this.tapTable.keys()];
  }

  /** Whether the classifier (fc1, fc2, logits) is loaded. */
  get hasClassifier(): boolean {
    return this.depth === this.steps.length - 1;
  }

  /** Where a tap name points; throws naming the known taps for an unknown one. */
  resolveTap(name: string): TapRef {
    const ref = this.tapTable.get(name);
    if (!ref) {
      throw new Error(
        `${this.arch.toUpperCase()} has no tap "${name}": use conv1_1 (pre-ReLU), relu1_1, ` +
          `pool1, block1_conv1, block1_pool, features.N, avgpool, fc1, fc2, logits or ` +
          `classifier.N (see vggTapTable)`,
      );
    }
    return ref;
  }

  /** The shape each tap will have for an input of this shape. */
  tapShapes(
    input: readonly number[],
    taps: readonly string[] = this.tapNames,
  ): Map<string, number[]> {
    const shapes = vggStepShapes(this.config, input);
    return new Map(taps.map((t) => [t, shapes[this.resolveTap(t).step]]));
  }

  /**
   * The requested activations of x [N, 3, H, W] (preprocessed: see `preprocessing`), from one
   * forward pass that runs no layer past the deepest tap. A conv's ReLU is fused into the
   * conv's output write unless that conv's pre-ReLU tap is asked for.
   */
  forward(x: Tensor, taps: readonly string[]): Map<string, Tensor> {
    if (taps.length === 0) throw new Error("Vgg.forward: ask for at least one tap");
    const refs = taps.map((t) => [t, this.resolveTap(t)] as const);
    const last = Math.max(...refs.map(([, r]) => r.step));
    if (last > this.depth) {
      const deepest = refs.find(([, r]) => r.step === last)![0];
      throw new Error(
        `tap "${deepest}" needs layers this model was loaded without (it stops at ` +
          `${this.steps[this.depth].post[0]}); load it with that tap in \`taps\``,
      );
    }
    this.checkInput(x, last);
    const pre = new Set(refs.filter(([, r]) => r.pre).map(([, r]) => r.step));
    const post = new Set(refs.filter(([, r]) => !r.pre).map(([, r]) => r.step));
    const values = new Map<string, Tensor>();
    let h = x;
    for (let i = 0; i <= last; i++) {
      const s = this.steps[i];
      // The ReLU'd value is needed by the next step or by a post tap here.
      const needPost = i < last || post.has(i);
      let before: Tensor | undefined;
      if (s.kind === "conv") {
        const conv = this.layers.get(i) as SplitConv2d;
        if (pre.has(i)) {
          before = conv.forward(h, false);
          if (needPost) h = relu(before);
        } else h = conv.forward(h, true);
      } else if (s.kind === "pool") h = maxPool2d(h, 2);
      else if (s.kind === "avgpool") h = adaptiveAvgPool2d(h, VGG_POOL);
      else {
        const fc = this.layers.get(i) as SplitLinear;
        before = fc.forward(s.fc === 1 ? flatten(h, 1) : h);
        h = s.fc === 3 ? before : needPost ? relu(before) : before;
      }
      for (const [name, r] of refs) {
        if (r.step === i) values.set(name, r.pre ? before! : h);
      }
    }
    return values;
  }

  /** The class scores (before softmax) of x [N, 3, H, W], preprocessed. */
  logits(x: Tensor): Tensor {
    return this.forward(x, ["logits"]).get("logits")!;
  }

  /**
   * Refuse inputs that are not [N, 3, H, W], too small for the pools on the way, or whose
   * activations up to `last` would not fit one storage binding (the conv and pool kernels bind
   * whole activations; a dream pipeline tiles big images instead).
   */
  private checkInput(x: Tensor, last: number): void {
    const name = this.arch.toUpperCase();
    if (x.rank !== 4 || x.shape[1] !== 3) {
      throw new Error(`${name}: expected an input of shape [N, 3, H, W], got [${x.shape}]`);
    }
    const shapes = vggStepShapes(this.config, x.shape);
    const limit = x.backend.info.limits.maxStorageBufferBindingSize;
    for (let i = 0; i <= last; i++) {
      const shape = shapes[i];
      if (shape.some((d) => d < 1)) {
        throw new Error(
          `${name}: a ${x.shape[2]}×${x.shape[3]} input is too small to reach ` +
            `${this.steps[i].post[0]} (each pool halves it; 32×32 reaches every layer)`,
        );
      }
      const bytes = shape.reduce((a, b) => a * b, 4);
      if (bytes > limit) {
        const side = Math.floor(Math.sqrt(limit / (4 * x.shape[0] * this.config.widths[0])));
        throw new Error(
          `${name}: ${this.steps[i].post[0]} would be [${shape.join(", ")}] (${bytes} bytes), ` +
            `over this ` +
            `device's maxStorageBufferBindingSize (${limit} bytes); use images up to about ` +
            `${side}×${side} per batch of ${x.shape[0]}, or tiles`,
        );
      }
    }
  }
}
