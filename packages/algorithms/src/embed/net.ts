// The embedding CNN for 28×28 grey images: three conv blocks and one linear map to D numbers,
// optionally L2-normalised onto the unit sphere. Small on purpose (≈ 60k weights at width 16,
// D 64) so that it trains in minutes on a CPU adapter and ships in a few hundred kB.

import { type BackendKind, nn, noGrad, type Tensor, tensor } from "@sheep/tensor";
import { l2Normalize } from "./distances.ts";

export interface EmbeddingShape {
  /** Output dimensions D. */
  dim: number;
  /** Channels of the first conv; the second and third have 2× and 4× as many. */
  width: number;
  /** Scale every output to unit length (what the triplet and contrastive margins assume). */
  normalize: boolean;
}

export const EMBEDDING_DEFAULTS: EmbeddingShape = { dim: 64, width: 16, normalize: true };

/** Image side the net takes, and its input range: [−1, 1] (the image sets' scale). */
export const EMBED_SIDE = 28;

/** conv 3×3 (pad 1) → ReLU → max-pool 2: 28 → 14 → 7 → 3 (the last pool floors 7 / 2). */
function block(cin: number, cout: number, seed: number, backend?: BackendKind) {
  return new nn.Sequential(
    new nn.Conv2d(cin, cout, 3, { padding: 1, seed, backend }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
  );
}

export class EmbeddingNet extends nn.Module {
  readonly shape: EmbeddingShape;
  readonly features: nn.Sequential;
  readonly fc: nn.Linear;

  constructor(
    shape: Partial<EmbeddingShape> = {},
    opts: { seed?: number; backend?: BackendKind } = {},
  ) {
    super();
    const s = { ...EMBEDDING_DEFAULTS, ...shape };
    checkShape(s);
    this.shape = s;
    const { seed = 1, backend } = opts;
    // Each layer draws from its own seed (weights seed, bias seed + 1), so none shares a stream.
    const w = s.width;
    this.features = this.registerModule(
      "features",
      new nn.Sequential(
        block(1, w, seed * 64 + 1, backend),
        block(w, 2 * w, seed * 64 + 3, backend),
        block(2 * w, 4 * w, seed * 64 + 5, backend),
        new nn.Flatten(),
      ),
    );
    this.fc = this.registerModule(
      "fc",
      new nn.Linear(4 * w * 9, s.dim, { seed: seed * 64 + 7, backend }),
    );
  }

  /** Images [n, 1, 28, 28] in [−1, 1] → embeddings [n, D]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== 1 || x.shape[2] !== EMBED_SIDE || x.shape[3] !== EMBED_SIDE)
      throw new Error(`EmbeddingNet: input must be [n, 1, 28, 28], got [${x.shape}]`);
    const out = this.fc.forward(this.features.forward(x));
    return this.shape.normalize ? l2Normalize(out) : out;
  }

  override describe(): string {
    const { dim, width, normalize } = this.shape;
    return `EmbeddingNet(width ${width}, D ${dim}${normalize ? ", L2-normalised" : ""})`;
  }
}

export function checkShape(s: EmbeddingShape): void {
  if (!Number.isInteger(s.dim) || s.dim < 2 || s.dim > 1024)
    throw new Error(`embedding dim must be an integer from 2 to 1024, got ${s.dim}`);
  if (!Number.isInteger(s.width) || s.width < 1 || s.width > 256)
    throw new Error(`embedding width must be an integer from 1 to 256, got ${s.width}`);
}

/**
 * Embed n images (row-major [n·784] in [−1, 1]) in chunks, without gradients: the [n, D]
 * embeddings on the host. Chunks bound the GPU memory whatever n is.
 */
export async function embedImages28(
  net: EmbeddingNet,
  images: Float32Array,
  chunk = 500,
): Promise<Float32Array> {
  const px = EMBED_SIDE * EMBED_SIDE;
  const n = images.length / px;
  if (!Number.isInteger(n))
    throw new Error(`embedImages28: ${images.length} pixels is not n × 784`);
  const out = new Float32Array(n * net.shape.dim);
  const wasTraining = net.training;
  net.eval();
  for (let at = 0; at < n; at += chunk) {
    const m = Math.min(chunk, n - at);
    const x = tensor(images.subarray(at * px, (at + m) * px), {
      shape: [m, 1, EMBED_SIDE, EMBED_SIDE],
    });
    const e = noGrad(() => net.forward(x));
    out.set(await e.data(), at * net.shape.dim);
    x.dispose();
    e.dispose();
  }
  net.train(wasTraining);
  return out;
}
