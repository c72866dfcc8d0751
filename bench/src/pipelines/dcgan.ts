// One DCGAN training step (issue 15): a discriminator step and a generator step of the
// non-saturating loss, Adam 2e-4 β₁ 0.5, on 28×28 images, with the shipped generators' shape
// (z 100, width 16: G 100 → 32·7² → 16·14² → 1·28², D 1·28² → 16·14² → 32·7² → 1) at batch 64
// and 128. Ours is @sheep/algorithms' Generator, Discriminator, loss functions and Adam — the
// ops Dcgan.step() records, in one command buffer — on a fixed real batch and fixed noise; the
// peers are the same networks in TF.js (NHWC, the same weights transposed), same batch, same
// noise. The check: G's loss at the third step, as gan-toy-step (Adam's first update is
// lr·sign(g) and hides gradient errors; by the third both networks' updates depend on them).

import type { Tensor } from "@sheep/tensor";
import { backward, detach, engine, fromHost, keep, noGrad, optim } from "@sheep/tensor";
import { tfTrainingPeer } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { uniform } from "../suite/data.ts";
import { algorithms } from "./modules.ts";
import type { PipelineBench, PipelinePeer, PipelineSetup } from "./registry.ts";

const Z = 100;
const WIDTH = 16;
const CHECK_STEPS = 3;
const ADAM = { lr: 2e-4, betas: [0.5, 0.999] as [number, number] };

interface Net {
  forward(x: Tensor): Tensor;
  namedParameters(): [string, Tensor][];
  requiresGrad_(on: boolean): unknown;
  zeroGrad(): void;
  dispose(): void;
}

interface DcganApi {
  Generator: new (shape: object, o: { seed: number }) => Net;
  Discriminator: new (shape: object, o: { seed: number }) => Net;
  nsDiscriminatorLoss(d: Net, real: Tensor, fake: Tensor): Tensor;
  generatorLoss(loss: "ns", d: Net, g: Net, z: Tensor): Tensor;
}

type Moments = (x: TfTensor, axes: number[]) => { mean: TfTensor; variance: TfTensor };

type HostParams = Map<string, { data: Float32Array; shape: number[] }>;

async function hostParams(m: Net): Promise<HostParams> {
  const out: HostParams = new Map();
  for (const [name, p] of m.namedParameters())
    out.set(name, { data: Float32Array.from(await p.data()), shape: [...p.shape] });
  return out;
}

/** The same G and D in TF.js (NHWC); weights from ours, transposed to TF's layouts. */
function tfNets(tf: Tf, g: HostParams, d: HostParams, batch: number) {
  const v = (p: HostParams, name: string, perm?: number[]) => {
    const w = p.get(name)!;
    const t = tf.tensor(w.data, w.shape, "float32");
    return tf.variable(perm ? tf.transpose(t, perm) : t);
  };
  // Linear [out, in] → [in, out]; conv [out, in, kh, kw] and convT [in, out, kh, kw] → HWIO / HWOI.
  const G = {
    fc: v(g, "fc.weight", [1, 0]),
    bn0: [v(g, "bn0.weight"), v(g, "bn0.bias")],
    up1: v(g, "up1.weight", [2, 3, 1, 0]),
    bn1: [v(g, "bn1.weight"), v(g, "bn1.bias")],
    up2: v(g, "up2.weight", [2, 3, 1, 0]),
    up2b: v(g, "up2.bias"),
  };
  const D = {
    conv1: v(d, "conv1.weight", [2, 3, 1, 0]),
    conv1b: v(d, "conv1.bias"),
    conv2: v(d, "conv2.weight", [2, 3, 1, 0]),
    bn2: [v(d, "bn2.weight"), v(d, "bn2.bias")],
    fc: v(d, "fc.weight", [1, 0]),
    fcb: v(d, "fc.bias"),
  };
  const t = tf as unknown as Record<string, (...a: unknown[]) => TfTensor>;
  // Training-mode batch norm over N, H, W (biased variance, ε 1e-5, as ours).
  const bn = (x: TfTensor, [gamma, beta]: TfTensor[]) => {
    const { mean, variance } = (tf as unknown as { moments: Moments }).moments(x, [0, 1, 2]);
    return t.batchNorm(x, mean, variance, beta, gamma, 1e-5);
  };
  const w = WIDTH;
  const generate = (z: TfTensor) => {
    let h = tf.transpose(
      tf.reshape(tf.matMul(z as never, G.fc as never), [batch, 2 * w, 7, 7]),
      [0, 2, 3, 1],
    );
    h = tf.relu(bn(h, G.bn0));
    h = t.conv2dTranspose(h, G.up1, [batch, 14, 14, w], 2, "same");
    h = tf.relu(bn(h, G.bn1));
    h = t.conv2dTranspose(h, G.up2, [batch, 28, 28, 1], 2, "same");
    return tf.tanh(tf.add(h, G.up2b));
  };
  const discriminate = (x: TfTensor) => {
    let h = t.leakyRelu(tf.add(t.conv2d(x, D.conv1, 2, "same"), D.conv1b), 0.2);
    h = t.leakyRelu(bn(t.conv2d(h, D.conv2, 2, "same"), D.bn2), 0.2);
    // flatten in our NCHW order, so fc's weight applies as ours
    h = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [batch, 2 * w * 49]);
    return tf.add(tf.matMul(h as never, D.fc as never), D.fcb);
  };
  return {
    gVars: Object.values(G).flat(),
    dVars: Object.values(D).flat(),
    generate,
    discriminate,
  };
}

async function tfPeers(
  tf: Tf,
  backends: ("webgpu" | "wasm")[],
  init: { g: HostParams; d: HostParams; real: Float32Array; z1: Float32Array; z2: Float32Array },
  batch: number,
  log: (line: string) => void,
) {
  const peers: PipelinePeer[] = [];
  for (const backend of backends) {
    await tf.setBackend(backend);
    const nets = tfNets(tf, init.g, init.d, batch);
    // our real batch is NCHW with one channel: the same values are NHWC
    const real = tf.tensor(init.real, [batch, 28, 28, 1], "float32");
    const z1 = tf.tensor(init.z1, [batch, Z], "float32");
    const z2 = tf.tensor(init.z2, [batch, Z], "float32");
    const [lr, [b1, b2]] = [ADAM.lr, ADAM.betas];
    const dOpt = tf.train.adam(lr, b1, b2, 1e-8);
    const gOpt = tf.train.adam(lr, b1, b2, 1e-8);
    const sp = (x: TfTensor) => tf.mean(tf.softplus(x));
    const step = () => {
      dOpt.minimize(
        () =>
          tf.add(
            sp(tf.neg(nets.discriminate(real))),
            sp(nets.discriminate(nets.generate(z1))),
          ) as never,
        false,
        nets.dVars as never,
      );
      return gOpt.minimize(
        () => sp(tf.neg(nets.discriminate(nets.generate(z2)))) as never,
        true,
        nets.gVars as never,
      ) as unknown as TfTensor;
    };
    const owned = [...nets.gVars, ...nets.dVars, real, z1, z2];
    peers.push(
      tfTrainingPeer(tf, backend, step, owned, [dOpt, gOpt], {
        steps: CHECK_STEPS,
        log: (b, loss) => log(`[dcgan] ${b} G loss at step ${CHECK_STEPS}: ${loss}`),
      }),
    );
  }
  return peers;
}

function dcganStep(name: string, batchOf: (tiny: boolean) => number): PipelineBench {
  return {
    name,
    description: `one DCGAN step (D step + G step, non-saturating, Adam 2e-4 β₁ 0.5), z ${Z}, width ${WIDTH}, 28×28`,
    async setup(ctx): Promise<PipelineSetup | string> {
      const api = algorithms as unknown as Partial<DcganApi>;
      if (typeof api.Generator !== "function" || typeof api.generatorLoss !== "function")
        return "not available yet: @sheep/algorithms has no DCGAN";
      const { Generator, Discriminator, nsDiscriminatorLoss, generatorLoss } = api as DcganApi;
      const batch = batchOf(ctx.mode === "tiny");
      const shape = { zDim: Z, width: WIDTH, classes: 0 };
      const g = new Generator(shape, { seed: 4097 });
      const d = new Discriminator(shape, { seed: 6145 });
      const host = {
        real: uniform(batch * 784, 21, -1, 1),
        z1: uniform(batch * Z, 22, -2, 2),
        z2: uniform(batch * Z, 23, -2, 2),
      };
      const real = fromHost(host.real, [batch, 1, 28, 28]);
      const z1 = fromHost(host.z1, [batch, Z]);
      const z2 = fromHost(host.z2, [batch, Z]);
      const params = (m: Net) => m.namedParameters().map(([, p]) => p);
      const gOpt = new optim.Adam(params(g), ADAM);
      const dOpt = new optim.Adam(params(d), ADAM);
      // What Dcgan.step() records, on fixed inputs: returns G's loss before its update.
      const step = (): Tensor =>
        engine.tidy(() => {
          dOpt.zeroGrad();
          const fake = noGrad(() => g.forward(z1));
          backward(nsDiscriminatorLoss(d, real, fake));
          dOpt.step();
          gOpt.zeroGrad();
          d.requiresGrad_(false);
          const gl = generatorLoss("ns", d, g, z2);
          backward(gl);
          d.requiresGrad_(true);
          gOpt.step();
          d.zeroGrad();
          return keep(detach(gl));
        });
      const init = { g: await hostParams(g), d: await hostParams(d), ...host };
      return {
        config: `batch ${batch}, G ${Z}→${2 * WIDTH}·7²→${WIDTH}·14²→1·28², D mirrored, BN, Adam`,
        step: () => [step()],
        async output() {
          for (let i = 0; i < CHECK_STEPS - 1; i++) step().dispose();
          const t = step();
          const loss = Float32Array.from(await t.data());
          t.dispose();
          ctx.log(`[dcgan] ours G loss at step ${CHECK_STEPS}: ${loss[0]}`);
          return loss;
        },
        peers: ctx.tf ? await tfPeers(ctx.tf, ctx.tfBackends, init, batch, (l) => ctx.log(l)) : [],
        dispose() {
          gOpt.dispose();
          dOpt.dispose();
          for (const t of [real, z1, z2]) t.dispose();
          g.dispose();
          d.dispose();
        },
      };
    },
  };
}

export const dcganPipelines: PipelineBench[] = [
  dcganStep("dcgan-train-step", (tiny) => (tiny ? 8 : 64)),
  dcganStep("dcgan-train-step-128", (tiny) => (tiny ? 16 : 128)),
];
