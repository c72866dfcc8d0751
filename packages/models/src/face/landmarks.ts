// face-api's 68-point landmark net (FaceLandmark68Net) on the engine: a face crop, padded to a
// centred square and resized to 112×112, goes through four dense blocks (each: a stride-2
// conv, then three separable convs whose inputs are the ReLU'd sums of all earlier outputs in
// the block), a 7×7 average pool and a fully connected layer to 68 (x, y) pairs in [0, 1] of
// the square. Points come back in the pixels of the image the crop was cut from.

import { add, conv2d, matmul, mean, narrow, relu, type Tensor, transpose } from "@sheep/tensor";
import { PREPROCESSING } from "../preprocess.ts";
import { LANDMARKS_68 } from "./detect-architecture.ts";
import { Tree } from "./model.ts";
import { padToSquare, resizeBilinearLegacy } from "./preprocess.ts";
import { samePadding, separableConv } from "./tf-layers.ts";

/** A point in image pixels. */
export interface Point {
  x: number;
  y: number;
}

/** An integer pixel rectangle of an image. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FaceLandmarkNet extends Tree {
  private readonly w: ReadonlyMap<string, Tensor>;

  /** @param weights the converted file's tensors (`dense0.conv0.weight`, …, `fc.weight`). */
  constructor(weights: ReadonlyMap<string, Tensor>) {
    super([...weights].map(([name, t]) => [name.split("."), t]));
    this.w = weights;
    this.eval();
    this.requiresGrad_(false);
  }

  private param = (name: string): Tensor => {
    const t = this.w.get(name);
    if (!t) throw new Error(`the landmark net has no weight "${name}"`);
    return t;
  };

  /** Normalised crops [N, 3, 112, 112] → [N, 136]: x0, y0, x1, … in [0, 1] of the square. */
  forward(x: Tensor): Tensor {
    let h = x;
    for (let d = 0; d < LANDMARKS_68.channels.length; d++) h = this.denseBlock(h, d);
    // A 7×7 'valid' average pool over the 7×7 map is the mean over it.
    const pooled = mean(h, [2, 3]);
    return add(matmul(pooled, transpose(this.param("fc.weight"), 0, 1)), this.param("fc.bias"));
  }

  private denseBlock(x: Tensor, d: number): Tensor {
    const p = `dense${d}`;
    const first =
      d === 0
        ? conv2d(x, this.param(`${p}.conv0.weight`), this.param(`${p}.conv0.bias`), {
            stride: 2,
            padding: samePadding(x, 3, 2),
          })
        : separableConv(x, this.param, `${p}.conv0`, 2, "same");
    const outs = [relu(first)];
    let sum = outs[0];
    for (let i = 1; i < 4; i++) {
      const input = i === 1 ? outs[0] : relu(sum);
      const o = separableConv(input, this.param, `${p}.conv${i}`, 1, "same");
      outs.push(o);
      sum = add(sum, o);
    }
    return relu(sum);
  }

  /**
   * The 68 landmarks of the face in `rect` of `image` [1, 3, H, W] (RGB in [0, 1]), in the
   * image's pixels. The rect is cut as is (integers, inside the image), padded to a centred
   * square with black, resized to 112 with TF's legacy bilinear rule and normalised.
   */
  async landmarks(image: Tensor, rect: PixelRect): Promise<Point[]> {
    const crop = narrow(narrow(image, 2, rect.y, rect.height), 3, rect.x, rect.width);
    const size = LANDMARKS_68.size;
    let sq = padToSquare(crop);
    if (sq.shape[2] !== size) sq = resizeBilinearLegacy(sq, [size, size]);
    const raw = await this.forward(PREPROCESSING.face.normalize(sq)).data();
    return cropPoints(raw, rect);
  }
}

/**
 * The net's output for one crop → image pixels (FaceLandmark68NetBase.postProcess): undo the
 * centring of the padded square (face-api assumes half the padding on each side), scale to
 * the crop, then shift by the crop's corner.
 */
export function cropPoints(raw: ArrayLike<number>, rect: PixelRect): Point[] {
  const size = LANDMARKS_68.size;
  const scale = size / Math.max(rect.width, rect.height);
  const w = rect.width * scale;
  const h = rect.height * scale;
  const padX = w < h ? (h - w) / 2 : 0;
  const padY = h < w ? (w - h) / 2 : 0;
  const points: Point[] = [];
  for (let i = 0; i < LANDMARKS_68.points; i++) {
    points.push({
      x: rect.x + ((raw[2 * i] * size - padX) / w) * rect.width,
      y: rect.y + ((raw[2 * i + 1] * size - padY) / h) * rect.height,
    });
  }
  return points;
}

/**
 * A detection box → the integer rect face-api cuts for the landmark net (clipAtImageBorders):
 * clipped to the image, each of x, y, width and height floored.
 */
export function clipRect(
  box: { x: number; y: number; width: number; height: number },
  imageWidth: number,
  imageHeight: number,
): PixelRect {
  const x = Math.max(box.x, 0);
  const y = Math.max(box.y, 0);
  const width = Math.min(box.x + box.width - x, imageWidth - x);
  const height = Math.min(box.y + box.height - y, imageHeight - y);
  return {
    x: Math.floor(x),
    y: Math.floor(y),
    width: Math.floor(width),
    height: Math.floor(height),
  };
}
