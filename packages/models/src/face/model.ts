// The dlib face-recognition ResNet on the engine: 150×150 RGB face → 128-D descriptor, with a
// named tap at every stage. The layers are those of architecture.ts; FACE.md explains each one
// and test/face-ref-forward.ts is the float64 yardstick.

import {
  add,
  avgPool2d,
  conv2d,
  matmul,
  maxPool2d,
  mean,
  mul,
  nn,
  pad,
  relu,
  type Tensor,
  transpose,
} from "@sheep/tensor";
import { PREPROCESSING } from "../preprocess.ts";
import { FACE_BLOCKS, FACE_FC, FACE_STEM, type FaceBlock } from "./architecture.ts";

/**
 * A module tree spelled by dotted names: `layer2.0.conv1.weight` becomes module layer2 → 0 →
 * conv1 holding the parameter `weight`, so the model's state dict keys are the file's names.
 */
export class Tree extends nn.Module {
  constructor(entries: readonly [string[], Tensor][]) {
    super();
    const children = new Map<string, [string[], Tensor][]>();
    for (const [path, t] of entries) {
      if (path.length === 1) this.registerParameter(path[0], t);
      else children.set(path[0], [...(children.get(path[0]) ?? []), [path.slice(1), t]]);
    }
    for (const [name, e] of children) this.registerModule(name, new Tree(e));
  }
}

/** Every tap in forward order; `layer{s}` is the output of the stage's last block. */
export const FACE_TAPS: readonly string[] = [
  "stem.conv",
  "stem",
  ...FACE_BLOCKS.map((b) => b.name),
  "avgpool",
  "embedding",
];

/** Other names for taps: each stage (`layer2`) is its last block (`layer2.3`). */
const ALIASES = new Map<string, string>([
  ["stem.maxpool", "stem"],
  ["fc", "embedding"],
  ...FACE_BLOCKS.map((b) => [b.name.split(".")[0], b.name] as [string, string]),
]);

export class FaceNet extends Tree {
  readonly preprocessing = PREPROCESSING.face;
  private readonly w: ReadonlyMap<string, Tensor>;

  /** @param weights the converted file's tensors, by its names (`layer2.0.conv1.weight`, …). */
  constructor(weights: ReadonlyMap<string, Tensor>) {
    super([...weights].map(([name, t]) => [name.split("."), t]));
    this.w = weights;
    // A pretrained network: eval mode, no gradients for its weights unless asked.
    this.eval();
    this.requiresGrad_(false);
  }

  /** The canonical tap a name refers to, or an error listing the names. */
  static resolveTap(name: string): string {
    const t = ALIASES.get(name) ?? name;
    if (!FACE_TAPS.includes(t)) {
      throw new Error(
        `the face network has no tap "${name}": use ${FACE_TAPS.join(", ")} ` +
          `(or stem.maxpool, layer1…layer4, fc)`,
      );
    }
    return t;
  }

  /**
   * The requested activations of x [N, 3, 150, 150] (normalised: see `preprocessing` and
   * prepareFaceImage), from one pass that stops at the deepest tap.
   */
  forward(x: Tensor, taps: readonly string[]): Map<string, Tensor> {
    if (taps.length === 0) throw new Error("FaceNet.forward: ask for at least one tap");
    if (x.rank !== 4 || x.shape[1] !== 3) {
      throw new Error(`the face network takes [N, 3, H, W] inputs, got [${x.shape}]`);
    }
    const wanted = taps.map((t) => [t, FaceNet.resolveTap(t)] as const);
    const last = Math.max(...wanted.map(([, t]) => FACE_TAPS.indexOf(t)));
    const at = new Map<string, Tensor>();
    const stages: [string, (h: Tensor) => Tensor][] = [
      // 7×7 stride-2 'valid' conv, affine, ReLU; then a 3×3 stride-2 'valid' max-pool.
      ["stem.conv", (h) => relu(this.convAffine(h, FACE_STEM.name, "", 2, 0))],
      ["stem", (h) => maxPool2d(h, { kernelSize: 3, stride: 2 })],
      ...FACE_BLOCKS.map((b) => [b.name, (h: Tensor) => this.block(h, b)] as [string, typeof relu]),
      ["avgpool", (h) => mean(h, [2, 3])],
      ["embedding", (h) => matmul(h, transpose(this.param(`${FACE_FC.name}.weight`), 0, 1))],
    ];
    let h = x;
    for (const [name, f] of stages.slice(0, last + 1)) {
      h = f(h);
      at.set(name, h);
    }
    return new Map(wanted.map(([t, c]) => [t, at.get(c)!]));
  }

  /** The 128-D descriptors [N, 128] of normalised faces [N, 3, 150, 150]. */
  embed(x: Tensor): Tensor {
    return this.forward(x, ["embedding"]).get("embedding")!;
  }

  private param(name: string): Tensor {
    const t = this.w.get(name);
    if (!t) throw new Error(`the face network has no weight "${name}"`);
    return t;
  }

  /** conv (+ bias) then the per-channel affine w·x + b (dlib's frozen batch norm). */
  private convAffine(x: Tensor, prefix: string, n: string, stride: number, padding: number) {
    const p = (what: string) => this.param(`${prefix}.${what}`);
    const y = conv2d(x, p(`conv${n}.weight`), p(`conv${n}.bias`), { stride, padding });
    const c = y.shape[1];
    return add(
      mul(y, p(`affine${n}.weight`).reshape(1, c, 1, 1)),
      p(`affine${n}.bias`).reshape(1, c, 1, 1),
    );
  }

  /**
   * A residual block. Down blocks: conv1 is 3×3 stride 2 'valid'; the shortcut is a 2×2
   * stride-2 average pool with zero channels appended; where the two differ in size, the
   * smaller gets zero rows/columns at the bottom/right (dlib's add_prev).
   */
  private block(x: Tensor, b: FaceBlock): Tensor {
    let y = relu(this.convAffine(x, b.name, "1", b.down ? 2 : 1, b.down ? 0 : 1));
    y = this.convAffine(y, b.name, "2", 1, 1);
    if (!b.down) return relu(add(y, x));
    let s = avgPool2d(x, 2);
    const size = Math.max(y.shape[2], s.shape[2]);
    const grow = (t: Tensor, c: number) =>
      pad(t, {
        before: [0, 0, 0, 0],
        after: [0, c - t.shape[1], size - t.shape[2], size - t.shape[3]],
      });
    y = grow(y, b.cout);
    s = grow(s, b.cout);
    return relu(add(y, s));
  }
}
