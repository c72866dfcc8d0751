// An independent VGG forward pass on TensorFlow.js's CPU backend, built straight from a weight
// file's tensors in its own dialect: the yardstick for our loader and model.
//
// Nothing here comes from src/vgg: the layer list, the key names of each dialect and every
// layout conversion are spelled out again from the published architectures. TF.js works in
// NHWC with HWIO kernels, which is also Keras's layout, so a Keras file is used as stored
// (including fc1's H, W, C row order) and PyTorch files are converted with tf ops.

import * as tf from "@tensorflow/tfjs";
import type { DecodedTensor } from "../../src/safetensors/decode.ts";

type Dialect = "timm" | "torchvision" | "keras";

/** torchvision's cfgs "D" and "E": channel counts, "M" for a max-pool. */
const CFG: Record<"vgg16" | "vgg19", (number | "M")[]> = {
  vgg16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
  vgg19: [
    64,
    64,
    "M",
    128,
    128,
    "M",
    256,
    256,
    256,
    256,
    "M",
    512,
    512,
    512,
    512,
    "M",
    512,
    512,
    512,
    512,
    "M",
  ],
};

export interface OracleValue {
  shape: number[];
  data: Float32Array;
}

/** Activations by every name they go by (NCHW, or [N, F] for the classifier). */
export type OracleTaps = Map<string, OracleValue>;

/**
 * Runs the network on x (NCHW data of `shape`, already preprocessed) with the file's weights.
 * Only the layer order comes from CFG: the channel counts are whatever the file's weights have.
 */
export function oracleForward(
  arch: "vgg16" | "vgg19",
  dialect: Dialect,
  file: ReadonlyMap<string, DecodedTensor>,
  x: Float32Array,
  shape: readonly number[],
): OracleTaps {
  const get = (key: string) => {
    const t = file.get(key) ?? file.get(`${key}:0`);
    if (!t) throw new Error(`oracle: no tensor ${key}`);
    return tf.tensor(t.data as Float32Array, t.shape);
  };
  const out: OracleTaps = new Map();
  const record = (names: string[], t: tf.Tensor) => {
    // NHWC → NCHW for feature maps; [N, F] as is.
    const v = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
    const value = { shape: v.shape, data: v.dataSync() as Float32Array };
    for (const n of names) out.set(n, value);
  };
  // Every value is read back as it is recorded, so TF.js's intermediates can all be freed.
  tf.tidy(() => {
    let h: tf.Tensor = tf.transpose(tf.tensor(x, [...shape]), [0, 2, 3, 1]);
    let module = 0; // torchvision's features index
    let block = 1;
    let conv = 1;
    for (const c of CFG[arch]) {
      if (c === "M") {
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid");
        record([`pool${block}`, `block${block}_pool`, `features.${module}`], h);
        module += 1;
        block += 1;
        conv = 1;
        continue;
      }
      const kernel =
        dialect === "keras"
          ? get(`block${block}_conv${conv}/kernel`)
          : tf.transpose(get(`features.${module}.weight`), [2, 3, 1, 0]); // OIHW → HWIO
      const bias = get(
        dialect === "keras" ? `block${block}_conv${conv}/bias` : `features.${module}.bias`,
      );
      const pre = tf.add(tf.conv2d(h as tf.Tensor4D, kernel as tf.Tensor4D, 1, "same"), bias);
      record([`conv${block}_${conv}`, `features.${module}`], pre);
      h = tf.relu(pre);
      record([`relu${block}_${conv}`, `block${block}_conv${conv}`, `features.${module + 1}`], h);
      module += 2;
      conv += 1;
    }
    if (!hasClassifier(dialect, file)) return;
    h = adaptiveAvgPool7(h as tf.Tensor4D);
    record(["avgpool"], h);
    // Flattening NHWC gives Keras's H, W, C order; PyTorch files are converted to match.
    h = tf.reshape(h, [h.shape[0], -1]);
    const c5 = h.shape[1] as number;
    for (const fc of [1, 2, 3] as const) {
      const [w, b] = fcWeights(dialect, fc, get, c5 / 49);
      const pre = tf.add(tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D), b);
      if (fc === 3) {
        record(["logits", "classifier.6"], pre);
        return;
      }
      record([`classifier.${fc === 1 ? 0 : 3}`], pre);
      h = tf.relu(pre);
      const relu = fc === 1 ? 1 : 4;
      record([`fc${fc}`, `classifier.${relu}`, `classifier.${relu + 1}`], h);
    }
  });
  return out;
}

function hasClassifier(dialect: Dialect, file: ReadonlyMap<string, DecodedTensor>): boolean {
  const key = {
    keras: "fc1/kernel",
    timm: "pre_logits.fc1.weight",
    torchvision: "classifier.0.weight",
  };
  return file.has(key[dialect]) || file.has(`${key[dialect]}:0`);
}

/** [in, out] kernel (HWC-ordered rows for fc1) and bias of fc1, fc2 or the logits layer. */
function fcWeights(
  dialect: Dialect,
  fc: 1 | 2 | 3,
  get: (key: string) => tf.Tensor,
  channels: number,
): [tf.Tensor, tf.Tensor] {
  if (dialect === "keras") {
    const name = ["fc1", "fc2", "predictions"][fc - 1];
    return [get(`${name}/kernel`), get(`${name}/bias`)];
  }
  const name =
    dialect === "timm"
      ? ["pre_logits.fc1", "pre_logits.fc2", "head.fc"][fc - 1]
      : `classifier.${[0, 3, 6][fc - 1]}`;
  const w = get(`${name}.weight`);
  const out = w.shape[0];
  if (fc === 1) {
    // [out, C·7·7] (or timm's [out, C, 7, 7]), C, H, W order → [7, 7, C, out] → [49·C, out].
    const oihw = tf.reshape(w, [out, channels, 7, 7]);
    return [
      tf.reshape(tf.transpose(oihw, [2, 3, 1, 0]), [49 * channels, out]),
      get(`${name}.bias`),
    ];
  }
  return [tf.transpose(tf.reshape(w, [out, -1])), get(`${name}.bias`)];
}

/**
 * PyTorch's adaptive_avg_pool2d to 7×7 on NHWC: output row i averages input rows
 * floor(i·H/7) … ceil((i+1)·H/7) − 1, columns likewise. Computed on the host in float64.
 */
function adaptiveAvgPool7(x: tf.Tensor4D): tf.Tensor4D {
  const [n, H, W, C] = x.shape;
  const src = x.dataSync();
  const dst = new Float32Array(n * 49 * C);
  const span = (i: number, size: number) => [
    Math.floor((i * size) / 7),
    Math.ceil(((i + 1) * size) / 7),
  ];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < 7; i++) {
      const [h0, h1] = span(i, H);
      for (let j = 0; j < 7; j++) {
        const [w0, w1] = span(j, W);
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let y = h0; y < h1; y++)
            for (let xx = w0; xx < w1; xx++) s += src[((b * H + y) * W + xx) * C + c];
          dst[((b * 7 + i) * 7 + j) * C + c] = s / ((h1 - h0) * (w1 - w0));
        }
      }
    }
  }
  return tf.tensor4d(dst, [n, 7, 7, C]);
}
