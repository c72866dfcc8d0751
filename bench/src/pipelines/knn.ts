// Exact k-nearest neighbours at scale: q queries against a 100k × 128 gallery, k = 10, through
// @sheep/algorithms' knn (matmul scores per gallery chunk, top-k by argmax passes, merged).
// TF.js does the same in one piece — matMul, minus the gallery norms, tf.topk — on the same
// adapter; both return the k Euclidean distances per query, which is what the check compares.
// Queries per second = q ÷ the row's time.

import { fromHost, type Tensor } from "@sheep/tensor";
import { tfPrepared, tfWebGpuBackend } from "../peers/tfjs.ts";
import { uniform } from "../suite/data.ts";
import { algorithms, missing } from "./modules.ts";
import type { PipelineBench, PipelinePeer, PipelineSetup } from "./registry.ts";

interface KnnApi {
  knn(q: Tensor, g: Tensor, k: number): { indices: Tensor; values: Tensor };
}

const [M, D, K] = [100_000, 128, 10];

const knn100k: PipelineBench = {
  name: "knn-100k",
  description: "exact kNN: q queries × a 100k × 128 gallery, k = 10 (Euclidean), distances out",
  async setup(ctx): Promise<PipelineSetup | string> {
    const api = algorithms as unknown as Partial<KnnApi> & { __unavailable?: string };
    const why = missing("@sheep/algorithms", api, ["knn"]);
    if (why) return why;
    const m = ctx.mode === "tiny" ? 10_000 : M;
    const q = ctx.mode === "tiny" ? 8 : ctx.cpu ? 64 : 1024;
    const qHost = uniform(q * D, 41);
    const gHost = uniform(m * D, 42);
    const queries = fromHost(qHost, [q, D]);
    const gallery = fromHost(gHost, [m, D]);
    const run = () => {
      const r = api.knn!(queries, gallery, K);
      return [r.values, r.indices];
    };
    const peers: PipelinePeer[] = [];
    const tf = ctx.tf;
    if (tf && ctx.tfBackends.includes("webgpu")) {
      await tf.setBackend("webgpu");
      const tq = tf.tensor(qHost, [q, D], "float32");
      const tg = tf.tensor(gHost, [m, D], "float32");
      // ‖q − g‖² = ‖q‖² + ‖g‖² − 2 q·g: the top k of 2 q·g − ‖g‖², then the distances.
      const step = () =>
        tf.tidy(() => {
          const score = tf.sub(tf.mul(tf.matMul(tq, tg, false, true), 2), tf.sum(tf.square(tg), 1));
          const top = tf.topk(score, K).values;
          return tf.sqrt(tf.relu(tf.sub(tf.sum(tf.square(tq), 1, true), top)));
        });
      const be = tfWebGpuBackend(tf);
      peers.push({ name: "tfjs-webgpu", ...tfPrepared(tf, "webgpu", be, step, [tq, tg]) });
    }
    return {
      config: `${q} queries × ${m} × ${D} gallery, k = ${K}`,
      step: run,
      async output() {
        const [v, i] = run();
        const d = (await v.data()) as Float32Array;
        v.dispose();
        i.dispose();
        return d;
      },
      tol: 1e-3,
      peers,
      dispose() {
        queries.dispose();
        gallery.dispose();
      },
    };
  },
};

export const knnPipelines: PipelineBench[] = [knn100k];
