// The two face-api networks that find faces, as data: the Tiny Face Detector (a YOLOv2-style
// grid detector built from depthwise-separable convolutions) and the 68-point landmark net
// (four dense blocks of separable convolutions, then a fully connected layer). One table per
// network drives the weight converter (tfjs-convert.ts) and the loaders; the layers themselves
// are in detector.ts and landmarks.ts. Facts read from face-api's src/tinyFaceDetector,
// src/tinyYolov2 and src/faceFeatureExtractor + src/faceLandmarkNet.

/** One weight in both vocabularies; `perm` takes the TF.js layout to ours (numpy.transpose). */
export interface TfjsParam {
  name: string;
  tfName: string;
  shape: number[];
  tfShape: number[];
  perm: number[] | null;
}

/** A dense 3×3 conv: HWIO → OIHW, plus its bias. */
function conv(name: string, tf: string, cin: number, cout: number, k: number): TfjsParam[] {
  return [
    {
      name: `${name}.weight`,
      tfName: `${tf}/filters`,
      shape: [cout, cin, k, k],
      tfShape: [k, k, cin, cout],
      perm: [3, 2, 0, 1],
    },
    { name: `${name}.bias`, tfName: `${tf}/bias`, shape: [cout], tfShape: [cout], perm: null },
  ];
}

/**
 * A separable conv: the depthwise 3×3 kernel [3, 3, C, 1] becomes a grouped conv weight
 * [C, 1, 3, 3] (groups = C); the pointwise [1, 1, C, O] becomes [O, C, 1, 1]; one bias [O]
 * added after the pointwise conv.
 */
function separable(name: string, tf: string, cin: number, cout: number): TfjsParam[] {
  return [
    {
      name: `${name}.depthwise`,
      tfName: `${tf}/depthwise_filter`,
      shape: [cin, 1, 3, 3],
      tfShape: [3, 3, cin, 1],
      perm: [2, 3, 0, 1],
    },
    {
      name: `${name}.pointwise`,
      tfName: `${tf}/pointwise_filter`,
      shape: [cout, cin, 1, 1],
      tfShape: [1, 1, cin, cout],
      perm: [3, 2, 0, 1],
    },
    { name: `${name}.bias`, tfName: `${tf}/bias`, shape: [cout], tfShape: [cout], perm: null },
  ];
}

/** The Tiny Face Detector's constants (face-api src/tinyFaceDetector/const.ts). */
export const TINY_DETECTOR = {
  /** Per-channel mean (RGB, 0..255 units) subtracted before dividing by 255. */
  meanRgb: [117.001, 114.697, 97.404] as const,
  /** Anchor box sizes [w, h] in grid cells, one per predicted box per cell. */
  anchors: [
    [1.603231, 2.094468],
    [6.041143, 7.080126],
    [2.882459, 3.518061],
    [4.266906, 5.178857],
    [9.041765, 10.66308],
  ] as const,
  /** Non-maximum suppression drops a box overlapping a better one by more than this IoU. */
  iouThreshold: 0.4,
  /** conv0's output channels, then conv1..conv5's (each a separable conv). */
  channels: [16, 32, 64, 128, 256, 512] as const,
  /** The input is a multiple of 32: five 2×2 stride-2 pools and a 3×3 'valid' first conv. */
  stride: 32,
} as const;

/** Every detector weight in manifest order: conv0, the separable conv1..conv5, conv8 (1×1). */
export function tinyDetectorParams(): TfjsParam[] {
  const c = TINY_DETECTOR.channels;
  const params = conv("conv0", "conv0", 3, c[0], 3);
  for (let i = 1; i < c.length; i++)
    params.push(...separable(`conv${i}`, `conv${i}`, c[i - 1], c[i]));
  // 5 anchors × (x, y, w, h, objectness): one class, so no class scores.
  params.push(...conv("conv8", "conv8", c[c.length - 1], 5 * TINY_DETECTOR.anchors.length, 1));
  return params;
}

/** The landmark net's constants (FaceFeatureExtractor, FaceLandmark68Net). */
export const LANDMARKS_68 = {
  /** The crop is padded to a centred square and resized to this size. */
  size: 112,
  /** Same mean as the recognition net: (255·x − mean) / 255. */
  meanRgb: [122.782, 117.001, 104.298] as const,
  /** Output channels of dense0..dense3 (each four convs, the first with stride 2). */
  channels: [32, 64, 128, 256] as const,
  points: 68,
} as const;

/** Every landmark-net weight in manifest order: dense0..dense3 (conv0..conv3 each), fc. */
export function landmarkParams(): TfjsParam[] {
  const params: TfjsParam[] = [];
  let cin = 3;
  LANDMARKS_68.channels.forEach((cout, d) => {
    // dense0's first conv is a plain 3×3 conv on the RGB input; all others are separable.
    if (d === 0) params.push(...conv("dense0.conv0", "dense0/conv0", cin, cout, 3));
    else params.push(...separable(`dense${d}.conv0`, `dense${d}/conv0`, cin, cout));
    for (let i = 1; i < 4; i++) {
      params.push(...separable(`dense${d}.conv${i}`, `dense${d}/conv${i}`, cout, cout));
    }
    cin = cout;
  });
  const out = 2 * LANDMARKS_68.points;
  params.push(
    {
      name: "fc.weight",
      tfName: "fc/weights",
      shape: [out, cin],
      tfShape: [cin, out],
      perm: [1, 0],
    },
    { name: "fc.bias", tfName: "fc/bias", shape: [out], tfShape: [out], perm: null },
  );
  return params;
}
