// DeepDream through @sheep/algorithms' dream(): the whole step as a user runs it (jitter roll,
// tiles, gradient normalisation, image update, the objective read back for progress), on
// VGG16 at block4_conv3. Timed by wall clock between the progress callbacks of one octave.

import { fromHost } from "@sheep/tensor";
import { uniform } from "../suite/data.ts";
import { algorithms, missing, models } from "./modules.ts";
import type { PipelineBench, PipelineSetup } from "./registry.ts";
import { pipelineSide } from "./registry.ts";
import { loadVgg16 } from "./vgg.ts";

const dreamVgg: PipelineBench = {
  name: "vgg16-dream",
  description:
    "@sheep/algorithms dream(): one octave's steps on VGG16 (roll, tiles, normalise, update)",
  async setup(ctx): Promise<PipelineSetup | string> {
    const why =
      missing("@sheep/algorithms", algorithms, ["dream", "vggDreamModel"]) ??
      missing("@sheep/models", models, [
        "vggConfig",
        "randomVggWeights",
        "vggSafetensors",
        "loadVgg",
      ]);
    if (why) return why;
    const side = pipelineSide(ctx);
    const vgg = await loadVgg16(ctx, false);
    const model = algorithms.vggDreamModel!(vgg);
    const image = fromHost(uniform(3 * side * side, 16, 0, 1), [1, 3, side, side]);
    return {
      config: `${side}×${side}, 1 octave, default objective, random weights`,
      step: () => [],
      async timedSteps(n: number): Promise<number[]> {
        const times: number[] = [];
        let last = performance.now();
        const out = await algorithms.dream!(model, image, { octaves: 1, steps: n + 1 }, (p) => {
          const now = performance.now();
          // The first step compiles pipelines: a warm-up, not a sample.
          if (p.step > 1) times.push(now - last);
          last = now;
        });
        out.dispose();
        return times;
      },
      dispose() {
        image.dispose();
        vgg.dispose();
      },
    };
  },
};

export const dreamPipelines: PipelineBench[] = [dreamVgg];
