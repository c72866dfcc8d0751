// The two benchmark networks written again in TensorFlow.js (NHWC, HWIO kernels) with the same
// weights and preprocessing, up to the dream layer: VGG16 to block4_conv3, the face network to
// layer2.3. Each returns a function from an image in [0, 1] to that layer's activations.

import { FACE_BLOCKS, FACE_INPUT, faceWeightsPath, readSafetensorsFile } from "@sheep/models/node";
import * as tf from "@tensorflow/tfjs";

type Host = { shape: number[]; data: Float32Array | Int32Array };

/** OIHW (PyTorch) → HWIO (TF.js). */
const hwio = (t: Host) => tf.tensor(t.data, t.shape).transpose([2, 3, 1, 0]) as tf.Tensor4D;

/** VGG16's features up to block4_conv3 (torchvision preprocessing), from our weights. */
export function tfVgg16(weights: ReadonlyMap<string, Host>) {
  const convs = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21].map((i) => ({
    w: hwio(weights.get(`features.${i}.weight`)!),
    b: tf.tensor(weights.get(`features.${i}.bias`)!.data),
  }));
  const poolAfter = new Set([1, 3, 6]);
  const mean = tf.tensor([0.485, 0.456, 0.406]);
  const std = tf.tensor([0.229, 0.224, 0.225]);
  return (x: tf.Tensor) => {
    let h = x.sub(mean).div(std) as tf.Tensor4D;
    convs.forEach((c, i) => {
      h = tf.relu(tf.conv2d(h, c.w, 1, "same").add(c.b)) as tf.Tensor4D;
      if (poolAfter.has(i)) h = tf.maxPool(h, 2, 2, "valid");
    });
    return h;
  };
}

/** The face network to the end of layer2 (face-api's preprocessing), from the converted file. */
export async function tfFace() {
  const file = await readSafetensorsFile(await faceWeightsPath());
  const t = (name: string) => file.get(name)!;
  const convAffine = (h: tf.Tensor4D, prefix: string, n: string, stride: 1 | 2, pad: 0 | 1) => {
    const y = tf.conv2d(
      h,
      hwio(t(`${prefix}.conv${n}.weight`)),
      stride,
      pad === 0
        ? "valid"
        : [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ],
    );
    return y
      .add(tf.tensor(t(`${prefix}.conv${n}.bias`).data))
      .mul(tf.tensor(t(`${prefix}.affine${n}.weight`).data))
      .add(tf.tensor(t(`${prefix}.affine${n}.bias`).data)) as tf.Tensor4D;
  };
  const mean = tf.tensor(FACE_INPUT.meanRgb as unknown as number[]);
  const blocks = FACE_BLOCKS.slice(0, FACE_BLOCKS.findIndex((b) => b.name === "layer2.3") + 1);
  return (x: tf.Tensor) => {
    let h = x.mul(255).sub(mean).div(FACE_INPUT.divisor) as tf.Tensor4D;
    h = tf.maxPool(tf.relu(convAffine(h, "stem", "", 2, 0)), 3, 2, "valid");
    for (const b of blocks) {
      let y = tf.relu(convAffine(h, b.name, "1", b.down ? 2 : 1, b.down ? 0 : 1)) as tf.Tensor4D;
      y = convAffine(y, b.name, "2", 1, 1);
      if (!b.down) {
        h = tf.relu(y.add(h)) as tf.Tensor4D;
        continue;
      }
      // dlib's add_prev: the 2×2 average-pooled shortcut, zero-padded to the branch's channels
      // and both padded to the larger size at the bottom/right
      let s = tf.avgPool(h, 2, 2, "valid");
      const [H, W] = [Math.max(y.shape[1], s.shape[1]), Math.max(y.shape[2], s.shape[2])];
      const grow = (v: tf.Tensor4D) =>
        v.pad([
          [0, 0],
          [0, H - v.shape[1]],
          [0, W - v.shape[2]],
          [0, b.cout - v.shape[3]],
        ]) as tf.Tensor4D;
      s = grow(s);
      y = grow(y);
      h = tf.relu(y.add(s)) as tf.Tensor4D;
    }
    return h;
  };
}
