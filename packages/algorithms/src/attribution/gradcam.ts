// Grad-CAM (Selvaraju et al. 2017): where in a layer's map the evidence for a class lies. Each
// channel k of the tap's activations A gets the weight αₖ = mean over positions of ∂z_c/∂Aₖ;
// the map is relu(Σₖ αₖ Aₖ), upsampled (bilinear) to the image.

import { detach, gradientsAt, narrow, noGrad, resize2d, type Tensor, tidy } from "@sheep/tensor";
import { flatLogits } from "../adversarial/attack.ts";
import { checkTap, type DreamModel, logitsTapOf, tapsOf } from "../model.ts";
import { checkOneImage, targetClass } from "./score.ts";

export interface GradCamOptions {
  /** The class to explain; default the model's top class. */
  target?: number;
}

export interface GradCam {
  /** [H, W] in the image's size (bilinear from the tap's h × w); ≥ 0. */
  heat: Float32Array;
  /** [h, w]: the map at the tap's own resolution. */
  coarse: Float32Array;
  tapHeight: number;
  tapWidth: number;
  height: number;
  width: number;
  target: number;
}

export async function gradCam(
  model: DreamModel,
  x: Tensor,
  tap: string,
  o: GradCamOptions = {},
): Promise<GradCam> {
  const [, h, w] = checkOneImage("gradcam", x);
  checkTap(model, tap);
  const logits = logitsTapOf(model);
  const target = await targetClass(model, x, o.target);
  const [coarse, fine] = tidy(() => {
    // x requires grad so the forward is recorded whether or not the weights do
    const xg = detach(x).requiresGrad_();
    const out = tapsOf(model, xg, [tap, logits]);
    const a = out.get(tap)!;
    if (a.rank !== 4) {
      throw new Error(`gradcam: layer "${tap}" is [${a.shape}], not a map [1, K, h, w]`);
    }
    const z = narrow(flatLogits(out.get(logits)!), 1, target, 1).sum();
    const [g] = gradientsAt(z, [a]);
    return noGrad(() => {
      const alpha = g.mean([2, 3], true);
      const cam = a.mul(alpha).sum(1, true).relu();
      return [cam, resize2d(cam, [h, w])];
    });
  });
  const [cd, fd] = [await coarse.data(), await fine.data()];
  const [tapHeight, tapWidth] = [coarse.shape[2], coarse.shape[3]];
  coarse.dispose();
  fine.dispose();
  return {
    heat: Float32Array.from(fd, (v) => Math.max(0, v)),
    coarse: Float32Array.from(cd),
    tapHeight,
    tapWidth,
    height: h,
    width: w,
    target,
  };
}
