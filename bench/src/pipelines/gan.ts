// One training step of the toy GAN lab (issue 14): a discriminator step and a generator step of
// the non-saturating GAN on the ring of 8 Gaussians, batch 512, G and D with 3 hidden layers of
// 256 ReLU units, Adam. Ours is @sheep/algorithms' ToyGan.step() as the lab runs it (real batch
// and noise uploaded, one command buffer); the peers are the same networks, losses and Adam in
// TF.js (GAN Lab's engine), started from our initial weights on the same fixed batch.
//
// The check: the generator loss of the third step (taken after D's Adam update, before G's),
// ours against each peer's. Not the first step's: Adam's first update is lr·sign(g), which
// hides most gradient errors; by the third, both networks' updates depend on the gradients.

import { tfTrainingPeer } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { uniform } from "../suite/data.ts";
import { algorithms } from "./modules.ts";
import type { PipelineBench, PipelinePeer, PipelineSetup } from "./registry.ts";

interface ToyGanLike {
  step(): void;
  metrics(n: number): Promise<{ gLoss: number }>;
  g: { parameters(): { data(): Promise<ArrayLike<number>>; shape: readonly number[] }[] };
  d: { parameters(): { data(): Promise<ArrayLike<number>>; shape: readonly number[] }[] };
  dispose(): void;
}

type HostParams = { data: Float32Array; shape: readonly number[] }[];

type ToyGanCtor = new (config: Record<string, unknown>) => ToyGanLike;

const WIDTH = 256;
/** The step whose G loss is compared. */
const CHECK_STEPS = 3;
const DEPTH = 3;

/** Our parameters on the host: weight [out, in] and bias [out] per Linear layer. */
async function hostParams(m: ToyGanLike["g"]): Promise<HostParams> {
  return Promise.all(
    m.parameters().map(async (p) => ({ data: Float32Array.from(await p.data()), shape: p.shape })),
  );
}

/** The same MLP in TF.js with our weights: x·W + b with W [in, out] = our weightᵀ, ReLU. */
function tfMlp(tf: Tf, params: HostParams) {
  const vars = params.map((p) =>
    p.shape.length === 2
      ? tf.variable(tf.transpose(tf.tensor(p.data, [p.shape[0], p.shape[1]], "float32")))
      : tf.variable(tf.tensor(p.data, [p.shape[0]], "float32")),
  );
  const forward = (x: TfTensor) => {
    let h = x;
    for (let i = 0; i < vars.length; i += 2) {
      h = tf.add(tf.matMul(h as never, vars[i] as never), vars[i + 1]);
      if (i + 2 < vars.length) h = tf.relu(h);
    }
    return h;
  };
  return { vars, forward };
}

async function tfPeers(
  tf: Tf,
  backends: ("webgpu" | "wasm")[],
  init: { g: HostParams; d: HostParams; real: Float32Array; z: Float32Array },
  log: (line: string) => void,
) {
  const peers: PipelinePeer[] = [];
  const batch = init.real.length / 2;
  for (const backend of backends) {
    await tf.setBackend(backend);
    const g = tfMlp(tf, init.g);
    const d = tfMlp(tf, init.d);
    const real = tf.tensor(init.real, [batch, 2], "float32");
    const z = tf.tensor(init.z, [batch, 2], "float32");
    const dOpt = tf.train.adam(1e-3, 0.5, 0.999, 1e-8);
    const gOpt = tf.train.adam(1e-3, 0.5, 0.999, 1e-8);
    const sp = (t: TfTensor) => tf.mean(tf.softplus(t));
    const step = () => {
      dOpt.minimize(
        () => tf.add(sp(tf.neg(d.forward(real))), sp(d.forward(g.forward(z)))) as never,
        false,
        d.vars as never,
      );
      return gOpt.minimize(
        () => sp(tf.neg(d.forward(g.forward(z)))) as never,
        true,
        g.vars as never,
      ) as unknown as TfTensor;
    };
    peers.push(
      tfTrainingPeer(tf, backend, step, [...g.vars, ...d.vars, real, z], [dOpt, gOpt], {
        steps: CHECK_STEPS,
        log: (b, loss) => log(`[gan] ${b} G loss at step ${CHECK_STEPS}: ${loss}`),
      }),
    );
  }
  return peers;
}

const ganStep: PipelineBench = {
  name: "gan-toy-step",
  description:
    "one toy GAN step (D step + G step, non-saturating, ring8), G and D 3×256 ReLU, Adam",
  async setup(ctx): Promise<PipelineSetup | string> {
    const ToyGan = (algorithms as unknown as { ToyGan?: ToyGanCtor }).ToyGan;
    if (typeof ToyGan !== "function") return "not available yet: @sheep/algorithms has no ToyGan";
    const batch = ctx.mode === "tiny" ? 64 : 512;
    const net = { depth: DEPTH, width: WIDTH, activation: "relu" };
    const fixed = { real: uniform(batch * 2, 3, -2, 2), z: uniform(batch * 2, 4, -2, 2) };
    const gan = new ToyGan({ data: "ring8", loss: "ns", batch, zDim: 2, g: net, d: net, fixed });
    const init = { g: await hostParams(gan.g), d: await hostParams(gan.d), ...fixed };
    return {
      config: `batch ${batch}, G and D 2→3×${WIDTH}→out ReLU, Adam(1e-3, β₁ 0.5)`,
      step() {
        gan.step();
        return [];
      },
      async output() {
        for (let i = 0; i < CHECK_STEPS; i++) gan.step();
        const loss = (await gan.metrics(64)).gLoss;
        ctx.log(`[gan] ours G loss at step ${CHECK_STEPS}: ${loss}`);
        return Float32Array.of(loss);
      },
      peers: ctx.tf ? await tfPeers(ctx.tf, ctx.tfBackends, init, (l) => ctx.log(l)) : [],
      dispose() {
        gan.dispose();
      },
    };
  },
};

export const ganPipelines: PipelineBench[] = [ganStep];
