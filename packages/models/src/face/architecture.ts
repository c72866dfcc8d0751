// The dlib face-recognition ResNet as data: blocks, channel counts, names (ours and face-api's).
//
// One table drives the weight converter, the float64 reference forward pass in the tests and,
// later, the engine's model. See packages/models/FACE.md for where each fact comes from.

/** How face-api turns pixels into the network input (FaceRecognitionNet.forwardInput). */
export const FACE_INPUT = {
  /** Images are padded to a square (centred) and resized bilinearly to size × size. */
  size: 150,
  /** Per-channel mean, RGB order, subtracted from 0..255 pixel values. */
  meanRgb: [122.782, 117.001, 104.298] as const,
  /** face-api divides by 255 after the mean; dlib itself divides by 256 (see FACE.md). */
  divisor: 255,
} as const;

/** The first layer: 7×7 stride-2 'valid' conv + affine + ReLU, then a 3×3 stride-2 max-pool. */
export const FACE_STEM = { name: "stem", tf: "conv32_down", cin: 3, cout: 32, kernel: 7 } as const;

/**
 * A residual block: conv1 → affine1 → ReLU → conv2 → affine2, plus the shortcut, then ReLU.
 * `down` blocks run conv1 as a 3×3 stride-2 'valid' conv and take their shortcut through a
 * 2×2 stride-2 average pool, zero-padded to conv2's channels and size (dlib's add_prev).
 */
export interface FaceBlock {
  /** Our name, torchvision-style: `layer{stage}.{index}`. */
  name: string;
  /** face-api's name: the prefix of its weight names in the TF.js manifest. */
  tf: string;
  cin: number;
  cout: number;
  down: boolean;
}

function stage(stageIndex: number, tfNames: string[], cin: number, cout: number): FaceBlock[] {
  return tfNames.map((tf, i) => ({
    name: `layer${stageIndex}.${i}`,
    tf,
    cin: i === 0 ? cin : cout,
    cout,
    down: tf.endsWith("_down") || tf.endsWith("_down_out"),
  }));
}

/** The 15 residual blocks in execution order (FaceRecognitionNet.forwardInput). */
export const FACE_BLOCKS: readonly FaceBlock[] = [
  ...stage(1, ["conv32_1", "conv32_2", "conv32_3"], 32, 32),
  ...stage(2, ["conv64_down", "conv64_1", "conv64_2", "conv64_3"], 32, 64),
  ...stage(3, ["conv128_down", "conv128_1", "conv128_2"], 64, 128),
  // conv256_down_out is the last block of the last stage: a down block with 256 → 256 channels.
  ...stage(4, ["conv256_down", "conv256_1", "conv256_2", "conv256_down_out"], 128, 256),
];

/** The final fully connected layer: global-average-pooled 256 features → 128-D descriptor. */
export const FACE_FC = { name: "fc", tf: "fc", in: 256, out: 128 } as const;

/**
 * One weight of the network, in both vocabularies. `tfShape` is the TF.js layout (HWIO kernels,
 * [in, out] matrix); `shape` is ours (PyTorch: OIHW kernels, [out, in] matrix).
 */
export interface FaceParam {
  name: string;
  tfName: string;
  shape: number[];
  tfShape: number[];
  layout: "OIHW<-HWIO" | "OI<-IO" | "vector";
}

/** A conv + affine pair: `{prefix}.conv{n}` and `{prefix}.affine{n}` ↔ `{tf}/conv{n}/...`. */
function convAffineParams(
  prefix: string,
  tfPrefix: string,
  suffix: string,
  cin: number,
  cout: number,
  k: number,
): FaceParam[] {
  const vector = (name: string, tfName: string): FaceParam => ({
    name,
    tfName,
    shape: [cout],
    tfShape: [cout],
    layout: "vector",
  });
  return [
    {
      name: `${prefix}.conv${suffix}.weight`,
      tfName: `${tfPrefix}/conv/filters`,
      shape: [cout, cin, k, k],
      tfShape: [k, k, cin, cout],
      layout: "OIHW<-HWIO",
    },
    vector(`${prefix}.conv${suffix}.bias`, `${tfPrefix}/conv/bias`),
    vector(`${prefix}.affine${suffix}.weight`, `${tfPrefix}/scale/weights`),
    vector(`${prefix}.affine${suffix}.bias`, `${tfPrefix}/scale/biases`),
  ];
}

/** Every parameter in manifest order: stem, the 15 blocks (conv1 then conv2), fc. */
export function faceParams(): FaceParam[] {
  const { name, tf, cin, cout, kernel } = FACE_STEM;
  const params = convAffineParams(name, tf, "", cin, cout, kernel);
  for (const b of FACE_BLOCKS) {
    params.push(...convAffineParams(b.name, `${b.tf}/conv1`, "1", b.cin, b.cout, 3));
    params.push(...convAffineParams(b.name, `${b.tf}/conv2`, "2", b.cout, b.cout, 3));
  }
  params.push({
    name: `${FACE_FC.name}.weight`,
    tfName: FACE_FC.tf,
    shape: [FACE_FC.out, FACE_FC.in],
    tfShape: [FACE_FC.in, FACE_FC.out],
    layout: "OI<-IO",
  });
  return params;
}
