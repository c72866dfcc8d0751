// The dlib face-recognition ResNet (the models package's FaceNet) as a DreamModel: the one real
// pretrained network that installs offline, so it is what dreams use without a VGG file.

import { FACE_BLOCKS, FACE_TAPS, FaceNet } from "@sheep/models";
import { narrow, pad, type Tensor } from "@sheep/tensor";
import type { DreamModel } from "../model.ts";

/**
 * The end of the second stage (64 channels, one position per ≈ 9 pixels) dreams best: it fills
 * images with eyes and eyebrows. layer3 (128 channels, ≈ 18 pixels) gives larger, vaguer
 * face-part textures; layer1 only wrinkles.
 */
export const FACE_DREAM_LAYERS = { "layer2.3": 1 } as const;

/**
 * The side of each tap's map for an H×H input, 0 where a layer has nothing left to read:
 * 7×7/2 'valid' stem conv, 3×3/2 'valid' max-pool, then residual blocks; a down block's
 * 3×3/2 'valid' conv needs 3 pixels, its 2×2 average-pool shortcut decides the size.
 */
export function faceTapSides(H: number): Map<string, number> {
  const sides = new Map<string, number>();
  const valid = (n: number, k: number, s: number) => (n >= k ? Math.floor((n - k) / s) + 1 : 0);
  let h = valid(H, 7, 2);
  sides.set("stem.conv", h);
  h = valid(h, 3, 2);
  sides.set("stem", h);
  for (const b of FACE_BLOCKS) {
    if (b.down) h = h >= 3 ? Math.max(valid(h, 3, 2), Math.floor(h / 2)) : 0;
    sides.set(b.name, h);
  }
  sides.set("avgpool", h > 0 ? 1 : 0);
  sides.set("embedding", h > 0 ? 1 : 0);
  return sides;
}

export function faceDreamModel(net: FaceNet): DreamModel {
  return {
    name: "face",
    // the canonical names, then the short aliases FaceNet also accepts
    taps: [...FACE_TAPS, "stem.maxpool", "layer1", "layer2", "layer3", "layer4", "fc"],
    inputSize: 150,
    dreamLayers: FACE_DREAM_LAYERS,
    minSize(taps) {
      for (let side = 1; side < 1024; side++) {
        const sides = faceTapSides(side);
        if (taps.every((t) => sides.get(FaceNet.resolveTap(t))! > 0)) return side;
      }
      return 1024;
    },
    preprocess: (x01) => net.preprocessing.normalize(x01),
    forward: (x, taps) => squareForward(net, x, taps),
  };
}

/**
 * FaceNet.forward for any H × W. Workaround: FaceNet's down blocks size both dims from the
 * height (models/src/face/model.ts, `block`), so a non-square input fails or comes out wrong.
 * Until that is fixed, a non-square input is padded to a square (edge pixels repeated, at the
 * bottom/right) and each feature map cropped back to the size an H × W input gives. Maps within
 * a receptive field of the bottom/right edge differ slightly from an exact forward; the global
 * taps (avgpool, embedding) average over the padding too.
 */
function squareForward(net: FaceNet, x: Tensor, taps: readonly string[]): Map<string, Tensor> {
  const [h, w] = [x.shape[2], x.shape[3]];
  if (h === w) return net.forward(x, taps);
  const side = Math.max(h, w);
  const square = pad(x, [0, side - w, 0, side - h], { mode: "replicate" });
  const [rows, cols] = [faceTapSides(h), faceTapSides(w)];
  const out = new Map<string, Tensor>();
  for (const [tap, a] of net.forward(square, taps)) {
    const t = FaceNet.resolveTap(tap);
    out.set(tap, a.rank === 4 ? narrow(narrow(a, 2, 0, rows.get(t)!), 3, 0, cols.get(t)!) : a);
  }
  return out;
}
