// VGG16 pipelines: the forward pass through the features, one DeepDream step (forward to
// relu4_3 and backward to the image), and the whole classifier. Random He-normal weights at the
// real widths (the speed does not depend on the values); TF.js runs the same network with the
// same weights, so its output checks ours before anything is timed.

import { fromHost, mean, square, type Tensor, valueAndGrad } from "@sheep/tensor";
import { tfPrepared, tfWebGpuBackend } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { NCHW_TO_NHWC, NHWC_TO_NCHW, OIHW_TO_HWIO, permuteHost, uniform } from "../suite/data.ts";
import { type HostWeights, missing, models } from "./modules.ts";
import {
  firstOutput,
  type PipelineBench,
  type PipelineContext,
  type PipelinePeer,
  type PipelineSetup,
  pipelineSide,
} from "./registry.ts";

/** VGG16's features: channels per conv, "M" for a 2×2 max-pool (torchvision's cfg "D"); the
 * TF.js copy takes the real channel counts from the weights. */
export const VGG16_CFG = [
  64,
  64,
  "M",
  128,
  128,
  "M",
  256,
  256,
  256,
  "M",
  512,
  512,
  512,
  "M",
  512,
  512,
  512,
  "M",
] as const;

let cached: { tiny: boolean; weights: Map<string, HostWeights> } | null = null;
let tinyWidths = false;

/** VGG16 at its real widths, or at 1/8 of them in tiny mode (the smoke test's seconds). */
const config = () => models.vggConfig!("vgg16", tinyWidths ? { divisor: 8 } : {});

export const widths = () => (tinyWidths ? "channels ÷ 8, " : "");

/** Random weights, made once per run: 138 M normal samples take seconds. */
export function vgg16Weights(): Map<string, HostWeights> {
  if (cached?.tiny !== tinyWidths)
    cached = { tiny: tinyWidths, weights: models.randomVggWeights!(config(), 1) };
  return cached.weights;
}

const NEEDS = ["vggConfig", "randomVggWeights", "vggSafetensors", "loadVgg"] as const;

export async function loadVgg16(ctx: PipelineContext, classifier: boolean) {
  tinyWidths = ctx.mode === "tiny";
  const bytes = models.vggSafetensors!(config(), "torchvision", vgg16Weights(), { classifier });
  return models.loadVgg!(bytes);
}

/**
 * VGG16 in TF.js (NHWC, HWIO), up to and including the layer `until` of torchvision's features
 * numbering: conv i, its ReLU i + 1; a pool takes one index. `fused` makes each conv one fused
 * conv+bias+ReLU; unfused is for gradients: TF.js's fused conv computes the filter gradient too
 * (eagerly), while plain conv2d computes only the gradients the tape asks for.
 */
function tfVgg16(
  tf: Tf,
  until: number,
  fused: boolean,
): { net: (x: TfTensor) => TfTensor; owned: TfTensor[] } {
  const layers: ({ w: TfTensor; b: TfTensor } | "M")[] = [];
  let i = 0;
  for (const v of VGG16_CFG) {
    if (i > until) break;
    if (v === "M") {
      layers.push("M");
      i += 1;
      continue;
    }
    const w = vgg16Weights().get(`features.${i}.weight`)!;
    const b = vgg16Weights().get(`features.${i}.bias`)!;
    const hwio = OIHW_TO_HWIO.map((p) => w.shape[p]);
    layers.push({
      w: tf.tensor(permuteHost(w.data, w.shape, OIHW_TO_HWIO), hwio, "float32"),
      b: tf.tensor(b.data, b.shape, "float32"),
    });
    i += 2;
  }
  const net = (x: TfTensor) =>
    layers.reduce<TfTensor>(
      (h, l) =>
        l === "M"
          ? tf.maxPool(h as never, 2, 2, "valid")
          : fused
            ? tf.fused.conv2d({
                x: h as never,
                filter: l.w as never,
                bias: l.b,
                strides: 1,
                pad: "same",
                activation: "relu",
              })
            : tf.relu(tf.add(tf.conv2d(h as never, l.w as never, 1, "same"), l.b)),
      x,
    );
  return { net, owned: layers.flatMap((l) => (l === "M" ? [] : [l.w, l.b])) };
}

/** TF.js peers of a step: one per loaded backend, with NHWC image input. */
async function tfPeers(
  ctx: PipelineContext,
  image: Float32Array,
  side: number,
  until: number,
  fused: boolean,
  step: (tf: Tf, net: (x: TfTensor) => TfTensor, x: TfTensor) => TfTensor,
): Promise<PipelinePeer[]> {
  const tf = ctx.tf;
  if (!tf) return [];
  const peers: PipelinePeer[] = [];
  const nhwc = permuteHost(image, [1, 3, side, side], NCHW_TO_NHWC);
  for (const backend of ctx.tfBackends) {
    await tf.setBackend(backend);
    const { net, owned } = tfVgg16(tf, until, fused);
    const x = tf.tensor(nhwc, [1, side, side, 3], "float32");
    const be = backend === "webgpu" ? tfWebGpuBackend(tf) : null;
    const toOurs = (d: Float32Array, s: number[]) =>
      s.length === 4 ? permuteHost(d, s, NHWC_TO_NCHW) : d;
    const prep = tfPrepared(tf, backend, be, () => step(tf, net, x), [...owned, x], toOurs);
    peers.push({ name: backend === "webgpu" ? "tfjs-webgpu" : "tfjs-wasm", ...prep });
  }
  return peers;
}

const POOL5 = 30;
const RELU4_3 = 22;

const forward: PipelineBench = {
  name: "vgg16-forward",
  description: "VGG16 features forward to pool5 (13 convs with fused bias+ReLU, 5 max-pools)",
  async setup(ctx): Promise<PipelineSetup | string> {
    const why = missing("@sheep/models", models, [...NEEDS]);
    if (why) return why;
    const side = pipelineSide(ctx);
    const vgg = await loadVgg16(ctx, false);
    const image = uniform(3 * side * side, 11, 0, 1);
    const x = fromHost(image, [1, 3, side, side]);
    const run = () => [vgg.forward(x, ["pool5"]).get("pool5")!];
    return {
      config: `batch 1, ${side}×${side}, ${widths()}random weights`,
      step: run,
      output: firstOutput(run),
      tol: 1e-3,
      peers: await tfPeers(ctx, image, side, POOL5, true, (tf, net, xt) => tf.tidy(() => net(xt))),
      dispose() {
        x.dispose();
        vgg.dispose();
      },
    };
  },
};

const dreamStep: PipelineBench = {
  name: "vgg16-dream-step",
  description:
    "one DeepDream gradient: VGG16 forward to relu4_3, mean(square), backward to the image",
  async setup(ctx): Promise<PipelineSetup | string> {
    const why = missing("@sheep/models", models, [...NEEDS]);
    if (why) return why;
    const side = pipelineSide(ctx);
    const vgg = await loadVgg16(ctx, false);
    const image = uniform(3 * side * side, 12, 0, 1);
    const x = fromHost(image, [1, 3, side, side]);
    const objective = (im: Tensor) => mean(square(vgg.forward(im, ["relu4_3"]).get("relu4_3")!));
    const run = () => {
      const { value, grads } = valueAndGrad(objective)(x);
      return [value, grads[0]];
    };
    return {
      config: `batch 1, ${side}×${side}, tap relu4_3, ${widths()}random weights`,
      step: run,
      async output() {
        const [v, g] = run();
        const d = (await g.data()) as Float32Array;
        v.dispose();
        g.dispose();
        return d;
      },
      tol: 1e-3,
      peers: await tfPeers(ctx, image, side, RELU4_3, false, (tf, net, xt) =>
        tf.grad((im: TfTensor) => tf.mean(tf.square(net(im))))(xt),
      ),
      dispose() {
        x.dispose();
        vgg.dispose();
      },
    };
  },
};

const classify: PipelineBench = {
  name: "vgg16-classify",
  description: "the whole VGG16 to the 1000 logits (fc1 alone is 392 MiB of weights)",
  async setup(ctx): Promise<PipelineSetup | string> {
    const why = missing("@sheep/models", models, [...NEEDS]);
    if (why) return why;
    if (ctx.mode !== "full") return "full mode only (553 MB of random weights to make and load)";
    const vgg = await loadVgg16(ctx, true);
    const x = fromHost(uniform(3 * 224 * 224, 13, 0, 1), [1, 3, 224, 224]);
    return {
      config: "batch 1, 224×224, random weights",
      step: () => [vgg.forward(x, ["logits"]).get("logits")!],
      dispose() {
        x.dispose();
        vgg.dispose();
      },
    };
  },
};

export const vggPipelines: PipelineBench[] = [forward, dreamStep, classify];
