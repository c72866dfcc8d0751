// face-api's input handling (NetInput.toBatchTensor, then FaceRecognitionNet.forwardInput) on
// the engine: pad the image to a square with black, resize it to 150×150 with TensorFlow's
// legacy bilinear sampling, then normalise with the face preset. All tensor ops, so gradients
// reach the image.

import { matmul, pad, type Tensor, tensor } from "@sheep/tensor";
import { PREPROCESSING } from "../preprocess.ts";
import { FACE_INPUT } from "./architecture.ts";

/**
 * Zero-pad the shorter side of NCHW images to make them square, as face-api's padToSquare
 * with centring: round(diff / 2) rows (or columns) after the image, the rest before.
 */
export function padToSquare(x: Tensor): Tensor {
  const [h, w] = x.shape.slice(-2);
  if (h === w) return x;
  const diff = Math.abs(h - w);
  const after = Math.round(diff * 0.5);
  const before = diff - after;
  const dim = h < w ? x.rank - 2 : x.rank - 1;
  const zeros = x.shape.map(() => 0);
  return pad(x, {
    before: zeros.map((_, d) => (d === dim ? before : 0)),
    after: zeros.map((_, d) => (d === dim ? after : 0)),
  });
}

/**
 * The [out, in] matrix of TensorFlow's bilinear resize with alignCorners = false and
 * halfPixelCenters = false (tf.image.resizeBilinear's defaults, which face-api uses): output
 * index i samples the input at s = i · in / out, mixing rows floor(s) and ceil(s) (clamped).
 * This is not PyTorch's (or resize2d's) half-pixel rule, s = (i + 0.5) · in / out − 0.5.
 */
export function legacyBilinearMatrix(inSize: number, outSize: number): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const ratio = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const s = ratio * i;
    const lo = Math.max(0, Math.floor(s));
    const hi = Math.min(inSize - 1, Math.ceil(s));
    const frac = s - lo;
    m[i * inSize + lo] += 1 - frac;
    m[i * inSize + hi] += frac;
  }
  return m;
}

/**
 * Resize NCHW images to [outH, outW] with TensorFlow's legacy bilinear rule, as two matrix
 * products (rows, then columns): out = R_h · x · R_wᵀ for each image plane.
 */
export function resizeBilinearLegacy(x: Tensor, size: readonly [number, number]): Tensor {
  if (x.rank !== 4) throw new Error(`resizeBilinearLegacy: expected NCHW, got [${x.shape}]`);
  const [n, c, h, w] = x.shape;
  const [oh, ow] = size;
  const rows = tensor(legacyBilinearMatrix(h, oh), { like: x, shape: [oh, h] });
  const colsT = tensor(legacyBilinearMatrix(w, ow), { like: x, shape: [ow, w] }).transpose(0, 1);
  const planes = x.reshape(n * c, h, w);
  return matmul(matmul(rows, planes), colsT).reshape(n, c, oh, ow);
}

/**
 * Face crops [N, 3, H, W] in [0, 1] (RGB) → the face network's input [N, 3, 150, 150]: pad to a
 * square, resize unless already 150×150, normalise ((255·x − mean) / 255), as face-api does.
 */
export function prepareFaceImage(image: Tensor): Tensor {
  const x = image.rank === 3 ? image.reshape(1, ...image.shape) : image;
  let sq = padToSquare(x);
  const size = FACE_INPUT.size;
  if (sq.shape[2] !== size) sq = resizeBilinearLegacy(sq, [size, size]);
  return PREPROCESSING.face.normalize(sq);
}
