// One training step of the embedding net (issue 16): @sheep/algorithms' EmbeddingNet (3 conv
// blocks + linear → 64, L2-normalised) on a P×K batch of 28×28 images, FaceNet's semi-hard
// triplet loss (margin 0.2, Euclidean), backward, Adam. The peers are the same net, loss and
// Adam written in TF.js, started from our initial weights on the same fixed batch.
//
// The check: the loss of the third step (after two Adam updates), ours against each peer's, as
// gan.ts does: by then the update depends on the gradients, not just their signs.

import type { Tensor } from "@sheep/tensor";
import { backward, optim, tensor, tidy } from "@sheep/tensor";
import { tfTrainingPeer } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { uniform } from "../suite/data.ts";
import { algorithms } from "./modules.ts";
import type { PipelineBench, PipelinePeer, PipelineSetup } from "./registry.ts";

interface EmbeddingNetLike {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
  namedParameters(): [string, Tensor][];
  dispose(): void;
}
type Api = {
  EmbeddingNet?: new (shape: Record<string, unknown>, o: { seed: number }) => EmbeddingNetLike;
  tripletLoss?: (x: Tensor, y: Tensor, o: Record<string, unknown>) => { loss: Tensor };
};

const MARGIN = 0.2;
const CHECK_STEPS = 3;
const FAR = 1e30;

type HostParams = Map<string, { data: Float32Array; shape: readonly number[] }>;

/** The net in TF.js (NHWC) with our weights: conv weights [o, i, 3, 3] → [3, 3, i, o]. */
function tfNet(tf: Tf, p: HostParams) {
  const v = (name: string, perm?: number[]) => {
    const w = p.get(name) as { data: Float32Array; shape: readonly number[] };
    const t = tf.tensor(w.data, [...w.shape], "float32");
    return tf.variable(perm ? tf.transpose(t, perm) : t);
  };
  const convs = [0, 1, 2].map((i) => ({
    w: v(`features.${i}.0.weight`, [2, 3, 1, 0]),
    b: v(`features.${i}.0.bias`),
  }));
  const fcW = v("fc.weight", [1, 0]);
  const fcB = v("fc.bias");
  const forward = (x: TfTensor) => {
    let h = x;
    for (const c of convs) {
      h = tf.relu(tf.add(tf.conv2d(h as never, c.w as never, 1, "same"), c.b));
      h = tf.maxPool(h as never, 2, 2, "valid");
    }
    // Flatten in our NCHW order (channel-major), so the linear weights mean the same thing.
    const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [x.shape[0], -1]);
    const out = tf.add(tf.matMul(flat as never, fcW as never), fcB);
    return tf.div(out, tf.sqrt(tf.add(tf.sum(tf.square(out), 1, true), 1e-12)));
  };
  return { vars: [...convs.flatMap((c) => [c.w, c.b]), fcW, fcB], forward };
}

/**
 * The semi-hard triplet loss, as embed/mining.ts defines it (fallback: the farthest negative).
 * TF.js has no gradient for comparisons (Greater) and no stop-gradient, and refuses to
 * backpropagate through a graph that holds one on the path from the weights; so the masks are
 * sign(relu(a − b)) (1 where a > b, gradient 0) and each where() is a blend m·a + (1 − m)·b.
 */
function tfSemiHard(tf: Tf, e: TfTensor, y: TfTensor): TfTensor {
  const n = e.shape[0];
  const above = (a: TfTensor, b: TfTensor | number) => tf.sign(tf.relu(tf.sub(a, b)));
  const blend = (m: TfTensor, a: TfTensor, b: TfTensor | number) =>
    tf.add(tf.mul(m, a), tf.mul(tf.sub(1, m), b));
  const eye = tf.eye(n);
  const sq = tf.sum(tf.square(e), 1, true);
  const gram = tf.matMul(e as never, e as never, false, true);
  const d2 = tf.mul(tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(gram, 2))), tf.sub(1, eye));
  const zero = tf.sub(1, above(d2, 1e-12)); // 1 where d² ≤ eps: distance 0, gradient 0
  const d = tf.mul(tf.sqrt(tf.add(d2, tf.mul(zero, 1e-12))), tf.sub(1, zero));
  const same = tf.cast(tf.equal(tf.reshape(y, [n, 1]), tf.reshape(y, [1, n])), "float32");
  const pos = tf.sub(same, eye);
  const neg = tf.sub(1, same);
  const dAN = tf.expandDims(d, 1); // [a, 1, n]
  const dAP = tf.expandDims(d, 2); // [a, p, 1]
  const neg3 = tf.expandDims(neg, 1);
  const farther = tf.mul(neg3, above(dAN, dAP)); // [a, p, n]
  const found = tf.max(farther, 2);
  const semi = tf.min(blend(farther, dAN, FAR), 2);
  const fallback = tf.max(blend(neg3, dAN, -FAR), 2);
  const dNeg = blend(found, semi, fallback);
  const valid = tf.mul(pos, tf.max(neg, 1, true));
  const per = tf.mul(tf.relu(tf.add(tf.sub(d, dNeg), MARGIN)), valid);
  return tf.div(tf.sum(per), tf.maximum(tf.sum(valid), 1));
}

async function tfPeers(
  tf: Tf,
  backends: ("webgpu" | "wasm")[],
  init: { params: HostParams; x: Float32Array; y: Int32Array },
  log: (line: string) => void,
) {
  const peers: PipelinePeer[] = [];
  const b = init.y.length;
  for (const backend of backends) {
    await tf.setBackend(backend);
    const net = tfNet(tf, init.params);
    const x = tf.tensor(init.x, [b, 28, 28, 1], "float32");
    const y = tf.tensor(init.y, [b], "int32");
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const step = () =>
      opt.minimize(
        () => tfSemiHard(tf, net.forward(x), y) as never,
        true,
        net.vars as never,
      ) as unknown as TfTensor;
    peers.push(
      tfTrainingPeer(tf, backend, step, [...net.vars, x, y], [opt], {
        steps: CHECK_STEPS,
        log: (b, loss) => log(`[embed] ${b} loss at step ${CHECK_STEPS}: ${loss}`),
      }),
    );
  }
  return peers;
}

const embedStep: PipelineBench = {
  name: "embed-train-step",
  description:
    "one Adam step of the embedding CNN (3 convs + linear → 64, L2) with semi-hard triplet",
  async setup(ctx): Promise<PipelineSetup | string> {
    const api = algorithms as unknown as Api;
    if (typeof api.EmbeddingNet !== "function" || typeof api.tripletLoss !== "function")
      return "not available yet: @sheep/algorithms has no EmbeddingNet or tripletLoss";
    const [p, k] = ctx.mode === "tiny" ? [4, 4] : [16, 4];
    const n = p * k;
    const net = new api.EmbeddingNet({ dim: 64, width: 16, normalize: true }, { seed: 1 });
    const triplet = api.tripletLoss;
    const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
    const xNchw = uniform(n * 784, 21, -1, 1);
    const labels = Int32Array.from({ length: n }, (_, i) => Math.floor(i / k));
    const x = tensor(xNchw, { shape: [n, 1, 28, 28] });
    const y = tensor(labels, { dtype: "int32" });
    const params: HostParams = new Map();
    for (const [name, t] of net.namedParameters())
      params.set(name, { data: Float32Array.from(await t.data()), shape: t.shape });
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = triplet(net.forward(x), y, { mining: "semihard", margin: MARGIN }).loss;
        backward(loss);
        opt.step();
        return loss;
      });
    return {
      config: `batch ${p}×${k} (P×K), 1×28×28, D 64, semi-hard triplet margin ${MARGIN}, Adam`,
      step: () => [step()],
      async output() {
        let loss = step();
        for (let i = 1; i < CHECK_STEPS; i++) {
          loss.dispose();
          loss = step();
        }
        const v = (await loss.data())[0];
        loss.dispose();
        ctx.log(`[embed] ours loss at step ${CHECK_STEPS}: ${v}`);
        return Float32Array.of(v);
      },
      tol: 1e-2,
      // Our images are NCHW with one channel, so the same floats are TF.js's NHWC batch.
      peers: ctx.tf
        ? await tfPeers(ctx.tf, ctx.tfBackends, { params, x: xNchw, y: labels }, (l) => ctx.log(l))
        : [],
      dispose() {
        opt.zeroGrad();
        opt.dispose();
        x.dispose();
        y.dispose();
        net.dispose();
      },
    };
  },
};

export const embedPipelines: PipelineBench[] = [embedStep];
