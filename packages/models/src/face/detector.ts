// face-api's Tiny Face Detector on the engine: a YOLOv2-style detector whose body is a 3×3
// conv and five depthwise-separable convs (leaky ReLU 0.1) with 2×2 max-pools between them, and
// a 1×1 head predicting, in each cell of an (inputSize / 32)² grid, five anchor boxes
// (x, y, w, h, objectness). Decoding: sigmoid offsets within the cell, exp-scaled anchors,
// sigmoid objectness; then greedy non-maximum suppression at IoU 0.4 (face-api's rule).

import { conv2d, leakyRelu, pad, type Tensor, tensor } from "@sheep/tensor";
import { TINY_DETECTOR } from "./detect-architecture.ts";
import { Tree } from "./model.ts";
import { resizeBilinearLegacy } from "./preprocess.ts";
import { maxPoolSame2, separableConv } from "./tf-layers.ts";

/** A face found in an image: a box in pixels of that image, and the detector's confidence. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export interface DetectOptions {
  /** The detector's input size, a multiple of 32 (face-api's default 416; smaller is faster). */
  inputSize?: number;
  /** Keep boxes whose objectness exceeds this (face-api's default 0.5). */
  scoreThreshold?: number;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Intersection over union of two boxes. */
export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Greedy NMS: best score first, dropping every box overlapping a kept one by more than `iouMax`. */
export function nonMaxSuppression(boxes: readonly FaceBox[], iouMax: number): FaceBox[] {
  const order = [...boxes].sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const box of order) if (kept.every((k) => iou(k, box) <= iouMax)) kept.push(box);
  return kept;
}

export function checkDetectOptions(opts: DetectOptions): Required<DetectOptions> {
  const inputSize = opts.inputSize ?? 416;
  const scoreThreshold = opts.scoreThreshold ?? 0.5;
  if (!Number.isInteger(inputSize) || inputSize < 32 || inputSize % 32 !== 0 || inputSize > 2048) {
    throw new Error(
      `detector input size must be a multiple of 32 from 32 to 2048, got ${inputSize}`,
    );
  }
  if (!(scoreThreshold > 0 && scoreThreshold < 1)) {
    throw new Error(`detector score threshold must be between 0 and 1, got ${scoreThreshold}`);
  }
  return { inputSize, scoreThreshold };
}

export class TinyFaceDetector extends Tree {
  private readonly w: ReadonlyMap<string, Tensor>;

  /** @param weights the converted file's tensors (`conv0.weight`, `conv1.depthwise`, …). */
  constructor(weights: ReadonlyMap<string, Tensor>) {
    super([...weights].map(([name, t]) => [name.split("."), t]));
    this.w = weights;
    this.eval();
    this.requiresGrad_(false);
  }

  private param = (name: string): Tensor => {
    const t = this.w.get(name);
    if (!t) throw new Error(`the face detector has no weight "${name}"`);
    return t;
  };

  /**
   * An image [1, 3, H, W] in [0, 1] → the network input [1, 3, S, S]: padded with black at the
   * bottom or right to a square (face-api does not centre it here), resized with TF's legacy
   * bilinear rule, minus the mean, divided by 255.
   */
  prepare(image: Tensor, inputSize: number): Tensor {
    const [h, w] = image.shape.slice(-2);
    const side = Math.max(h, w);
    let x = pad(image, { before: [0, 0, 0, 0], after: [0, 0, side - h, side - w] });
    if (side !== inputSize) x = resizeBilinearLegacy(x, [inputSize, inputSize]);
    const mean = tensor(
      TINY_DETECTOR.meanRgb.map((m) => m / 255),
      { like: x, shape: [1, 3, 1, 1] },
    );
    return x.sub(mean);
  }

  /** Raw head output [N, 25, S/32, S/32]: channel 5a + k is anchor a's (x, y, w, h, score)[k]. */
  forward(x: Tensor): Tensor {
    const leaky = (t: Tensor) => leakyRelu(t, 0.1);
    // 3×3 'valid' conv, then pool / separable conv pairs; the last pool has stride 1.
    let h = leaky(conv2d(x, this.param("conv0.weight"), this.param("conv0.bias")));
    for (let i = 1; i <= 5; i++) {
      h = maxPoolSame2(h, 2);
      h = leaky(separableConv(h, this.param, `conv${i}`, 1, 1));
    }
    h = maxPoolSame2(h, 1);
    return conv2d(h, this.param("conv8.weight"), this.param("conv8.bias"));
  }

  /** Faces in an image [1, 3, H, W] (RGB in [0, 1]), best first, boxes in the image's pixels. */
  async detect(image: Tensor, opts: DetectOptions = {}): Promise<FaceBox[]> {
    if (image.rank !== 4 || image.shape[0] !== 1 || image.shape[1] !== 3) {
      throw new Error(`the face detector takes one RGB image [1, 3, H, W], got [${image.shape}]`);
    }
    const { inputSize, scoreThreshold } = checkDetectOptions(opts);
    const out = this.forward(this.prepare(image, inputSize));
    const raw = await out.data();
    const [height, width] = image.shape.slice(2);
    return decodeBoxes(raw, out.shape[2], { width, height, inputSize, scoreThreshold });
  }
}

/**
 * The head's output (one image, channel-major [25, g, g]) → boxes in image pixels. Offsets are
 * relative to the padded square; the correction factors stretch them back to the image's
 * un-padded extent, whose size in input pixels face-api rounds (extractBoxes). NMS compares
 * the boxes in that square frame, as face-api does, before they are scaled to pixels.
 */
export function decodeBoxes(
  raw: ArrayLike<number>,
  grid: number,
  at: { width: number; height: number; inputSize: number; scoreThreshold: number },
): FaceBox[] {
  const { width, height, inputSize, scoreThreshold } = at;
  const scale = inputSize / Math.max(width, height);
  const fx = inputSize / Math.round(width * scale);
  const fy = inputSize / Math.round(height * scale);
  const plane = grid * grid;
  const boxes: FaceBox[] = [];
  TINY_DETECTOR.anchors.forEach(([aw, ah], a) => {
    const v = (k: number, row: number, col: number) => raw[(5 * a + k) * plane + row * grid + col];
    for (let row = 0; row < grid; row++) {
      for (let col = 0; col < grid; col++) {
        const score = sigmoid(v(4, row, col));
        if (score <= scoreThreshold) continue;
        // Centre and size relative to the un-padded image (so 0..1 spans it).
        const cx = ((col + sigmoid(v(0, row, col))) / grid) * fx;
        const cy = ((row + sigmoid(v(1, row, col))) / grid) * fy;
        const bw = ((Math.exp(v(2, row, col)) * aw) / grid) * fx;
        const bh = ((Math.exp(v(3, row, col)) * ah) / grid) * fy;
        boxes.push({ x: cx - bw / 2, y: cy - bh / 2, width: bw, height: bh, score });
      }
    }
  });
  return nonMaxSuppression(boxes, TINY_DETECTOR.iouThreshold).map((b) => ({
    x: b.x * width,
    y: b.y * height,
    width: b.width * width,
    height: b.height * height,
    score: b.score,
  }));
}
