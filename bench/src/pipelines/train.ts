// One training step of a small CNN on 28×28 images (the Fashion-MNIST classifier's shape):
// forward, cross-entropy, backward to every weight, Adam update — all in one command buffer.

import { fromHost, nn, optim, type Tensor } from "@sheep/tensor";
import { uniform } from "../suite/data.ts";
import type { PipelineBench, PipelineSetup } from "./registry.ts";

/** conv(1→32) relu pool, conv(32→64) relu pool, linear(3136→128) relu, linear(128→10). */
function smallCnn() {
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(64 * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

const trainStep: PipelineBench = {
  name: "cnn-train-step",
  description: "one Adam training step of a small CNN (2 convs, 2 linears) on 28×28 images",
  async setup(ctx): Promise<PipelineSetup | string> {
    if (typeof nn?.Sequential !== "function" || typeof optim?.Adam !== "function") {
      return "not available yet: @sheep/tensor has no nn.Sequential or optim.Adam";
    }
    const batch = ctx.mode === "tiny" ? 8 : ctx.cpu ? 32 : 128;
    const model = smallCnn();
    const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = fromHost(uniform(batch * 28 * 28, 14, 0, 1), [batch, 1, 28, 28]);
    const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
    const y = fromHost(labels, [batch], { dtype: "int32" });
    return {
      config: `batch ${batch}, 1×28×28, Adam`,
      step(): Tensor[] {
        opt.zeroGrad();
        const loss = nn.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return [loss];
      },
      dispose() {
        opt.zeroGrad();
        opt.dispose();
        x.dispose();
        y.dispose();
        model.dispose();
      },
    };
  },
};

export const trainPipelines: PipelineBench[] = [trainStep];
