// The face network (dlib's ResNet-29 from face-api, converted by the models package): one
// forward pass of a 150×150 face to its 128-D embedding.

import { fromHost } from "@sheep/tensor";
import { uniform } from "../suite/data.ts";
import { missing, models } from "./modules.ts";
import type { PipelineBench, PipelineSetup } from "./registry.ts";

const faceForward: PipelineBench = {
  name: "face-forward",
  description: "the face network (ResNet-29, 128-D embedding) forward on a 150×150 face",
  async setup(ctx): Promise<PipelineSetup | string> {
    const why = missing("@sheep/models", models, ["loadFaceNet"]);
    if (why) return why;
    if (!ctx.faceWeights) return `skipped: the ${ctx.runner} runner has no face weights file`;
    const net = await models.loadFaceNet!(await ctx.faceWeights());
    const batch = ctx.mode === "tiny" || ctx.cpu ? 1 : 8;
    const x = fromHost(uniform(batch * 3 * 150 * 150, 15, -1, 1), [batch, 3, 150, 150]);
    return {
      config: `batch ${batch}, 3×150×150, face-api's weights`,
      step: () => [net.forward(x, ["embedding"]).get("embedding")!],
      dispose() {
        x.dispose();
        net.dispose();
      },
    };
  },
};

export const facePipelines: PipelineBench[] = [faceForward];
