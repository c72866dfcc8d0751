// Face alignment to the recognition network's chip: a least-squares similarity transform
// (scale, rotation, translation; no reflection) from five landmarks to a fixed template, then
// bilinear sampling of a 150×150 chip. Host-side float64: 150·150·3 samples per face.
//
// The template is dlib's chip geometry (dlib's get_face_chip_details, as dlib's face
// recognition example calls it: size 150, padding 0.25). dlib fits all 51 points 17–67 of its
// mean face shape; we fit five points derived from that same mean shape: the two eye centres
// (means of points 36–41 and 42–47), the bottom of the nose (33) and the mouth corners (48,
// 54). Five stable points keep the fit from leaning on the landmark net's less certain brows
// and lip contours, and the chip lands where dlib's would (same mean shape, same padding).
// Mean-shape numbers: dlib (Boost Software License), dlib/image_transforms/interpolation.h.

import type { Point } from "@sheep/models";

/** dlib's mean face shape, points 17–67, in a unit square (x, then y). */
const MEAN_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991,
  0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373,
  0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132,
  0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104,
  0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157,
  0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915,
  0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345,
  0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852,
  0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388,
  0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746,
  0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];

/** The chip: dlib's face recognition input, 150×150 with 25% padding around the mean shape. */
export const FACE_CHIP = { size: 150, padding: 0.25 } as const;

/** Which of the 68 landmarks make up each of the five alignment points. */
export const ALIGN_POINTS: readonly (readonly number[])[] = [
  [36, 37, 38, 39, 40, 41], // left eye (image left)
  [42, 43, 44, 45, 46, 47], // right eye
  [33], // bottom of the nose
  [48], // left mouth corner
  [54], // right mouth corner
];

function meanOf(points: readonly Point[], idx: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += points[i].x;
    y += points[i].y;
  }
  return { x: x / idx.length, y: y / idx.length };
}

/** The five template points in chip pixels: (v + padding) / (1 + 2·padding) · size. */
export function chipTemplate(size: number = FACE_CHIP.size, padding: number = FACE_CHIP.padding) {
  const to = (v: number) => ((v + padding) / (1 + 2 * padding)) * size;
  return ALIGN_POINTS.map((idx) => {
    const p = meanOf(
      idx.map((i) => ({ x: MEAN_X[i - 17], y: MEAN_Y[i - 17] })),
      idx.map((_, k) => k),
    );
    return { x: to(p.x), y: to(p.y) };
  });
}

/** The five alignment points of 68 landmarks. */
export function alignPoints(landmarks: readonly Point[]): Point[] {
  if (landmarks.length !== 68) {
    throw new Error(`alignment needs the 68 landmarks, got ${landmarks.length} points`);
  }
  return ALIGN_POINTS.map((idx) => meanOf(landmarks, idx));
}

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty: scale √(a² + b²), angle atan2(b, a). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/**
 * The similarity transform minimising Σ |T(src_i) − dst_i|² (closed form: centre both sets,
 * then a = Σ(x·x' + y·y') / Σ|p|², b = Σ(x·y' − y·x') / Σ|p|²). Needs two distinct points.
 */
export function fitSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  if (src.length !== dst.length || src.length < 2) {
    throw new Error(
      `fitSimilarity: needs two or more point pairs, got ${src.length}/${dst.length}`,
    );
  }
  const n = src.length;
  const ms = meanOf(src, [...src.keys()]);
  const md = meanOf(dst, [...dst.keys()]);
  let num = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i].x - ms.x;
    const y = src[i].y - ms.y;
    const u = dst[i].x - md.x;
    const v = dst[i].y - md.y;
    num += x * u + y * v;
    cross += x * v - y * u;
    norm += x * x + y * y;
  }
  if (!(norm > 1e-12)) throw new Error("fitSimilarity: the source points all coincide");
  const a = num / norm;
  const b = cross / norm;
  return { a, b, tx: md.x - (a * ms.x - b * ms.y), ty: md.y - (b * ms.x + a * ms.y) };
}

/** An RGB(A) image on the host: width × height pixels, 4 bytes each (RGBA, like @sheep/io). */
export interface HostImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * The aligned chip of a face: for each chip pixel (integer coordinates are pixel centres, as
 * in dlib), the image is sampled bilinearly at T⁻¹(pixel); outside the image reads black.
 * Returns RGB planes [3, size, size] in [0, 1] and the transform image → chip.
 */
export function alignFace(
  image: HostImage,
  landmarks: readonly Point[],
  size: number = FACE_CHIP.size,
): { chip: Float32Array; transform: Similarity } {
  const transform = fitSimilarity(alignPoints(landmarks), chipTemplate(size));
  const inv = invertSimilarity(transform);
  const { width, height, data } = image;
  const plane = size * size;
  const chip = new Float32Array(3 * plane);
  const px = (x: number, y: number, c: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : data[(y * width + x) * 4 + c];
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const p = applySimilarity(inv, { x: u, y: v });
      const x0 = Math.floor(p.x);
      const y0 = Math.floor(p.y);
      const fx = p.x - x0;
      const fy = p.y - y0;
      for (let c = 0; c < 3; c++) {
        const top = px(x0, y0, c) * (1 - fx) + px(x0 + 1, y0, c) * fx;
        const bottom = px(x0, y0 + 1, c) * (1 - fx) + px(x0 + 1, y0 + 1, c) * fx;
        chip[c * plane + v * size + u] = (top * (1 - fy) + bottom * fy) / 255;
      }
    }
  }
  return { chip, transform };
}
