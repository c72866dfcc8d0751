// GoogLeNet pipelines with its real shipped weights: the forward pass at 224² to the class
// scores, and one DeepDream gradient at 512² (forward to inception_4c/output, mean of squares,
// backward to the image). TF.js runs the same network — built here from the same deploy
// prototxt and the same weights — and its output checks ours before anything is timed.

import { fromHost, mean, square, type Tensor, valueAndGrad } from "@sheep/tensor";
import { tfPrepared, tfWebGpuBackend } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { NCHW_TO_NHWC, NHWC_TO_NCHW, OIHW_TO_HWIO, permuteHost, uniform } from "../suite/data.ts";
import { missing, models } from "./modules.ts";
import {
  firstOutput,
  type PipelineBench,
  type PipelineContext,
  type PipelinePeer,
  type PipelineSetup,
} from "./registry.ts";

/** The slice of @sheep/models these pipelines use, loosely typed (see modules.ts). */
interface CaffeApi {
  loadShippedCaffeNet(
    id: "googlenet",
    bytes: Uint8Array,
  ): Promise<{
    net: {
      spec: { layers: readonly CaffeLayer[] };
      forward(x: Tensor, taps: readonly string[]): Map<string, Tensor>;
      weight(name: string): Tensor | undefined;
    };
  }>;
  caffePoolShape(p: unknown, h: number, w: number): [number, number];
}
interface CaffeLayer {
  name: string;
  type: string;
  bottoms: readonly string[];
  tops: readonly string[];
  message: { msg(n: string): PbLike | undefined };
}
interface PbLike {
  num(n: string, fallback?: number): number;
  nums(n: string): number[];
  enumName(n: string, fallback: string): string;
}

const caffe = models as unknown as Partial<CaffeApi> & { __unavailable?: string };
export type Net = Awaited<ReturnType<CaffeApi["loadShippedCaffeNet"]>>["net"];

export async function loadGoogLeNet(ctx: PipelineContext): Promise<Net | string> {
  const why = missing("@sheep/models", caffe, ["loadShippedCaffeNet", "caffePoolShape"]);
  if (why) return why;
  if (!ctx.shippedWeights) return `skipped: the ${ctx.runner} runner has no GoogLeNet file`;
  const bytes = await ctx.shippedWeights("googlenet.safetensors");
  return (await caffe.loadShippedCaffeNet!("googlenet", bytes)).net;
}

/**
 * The net in TF.js (NHWC, HWIO), layer by layer from the prototxt up to the layer writing `until`
 * (`run` answers that blob, `blobs` every blob on the way, for several taps):
 * the Caffe rules where TF.js differs (ceil pooling: explicit −3.4e38 or zero padding, then
 * 'valid'; LRN's alpha is divided by the window here). `fused` gives convs their bias fused.
 */
export async function tfGoogLeNet(tf: Tf, net: Net, until: string, fused: boolean) {
  const owned: TfTensor[] = [];
  const params = new Map<string, { w: TfTensor; b: TfTensor }>();
  const layers: CaffeLayer[] = [];
  for (const l of net.spec.layers) {
    layers.push(l);
    if (l.type === "Convolution" || l.type === "InnerProduct") {
      const w = net.weight(`${l.name}.weight`)!;
      const b = net.weight(`${l.name}.bias`)!;
      const wd = (await w.data()) as Float32Array;
      const host =
        l.type === "Convolution"
          ? tf.tensor(
              permuteHost(wd, w.shape, OIHW_TO_HWIO),
              OIHW_TO_HWIO.map((p) => w.shape[p]),
              "float32",
            )
          : tf.transpose(tf.tensor(wd, w.shape as number[], "float32"));
      const pair = { w: host, b: tf.tensor((await b.data()) as Float32Array, b.shape as number[]) };
      params.set(l.name, pair);
      owned.push(pair.w, pair.b);
    }
    if (l.tops.includes(until)) break;
  }
  const blobsOf = (x: TfTensor) => {
    const blobs = new Map<string, TfTensor>([["data", x]]);
    for (const l of layers) {
      const ins = l.bottoms.map((b) => blobs.get(b)!);
      const p = (n: string) => l.message.msg(n);
      let y: TfTensor;
      if (l.type === "Convolution") {
        const c = p("convolution_param")!;
        const pad = c.num("pad", 0);
        const stride = c.num("stride", 1);
        const { w, b } = params.get(l.name)!;
        const padding = [
          [0, 0],
          [pad, pad],
          [pad, pad],
          [0, 0],
        ] as never;
        y = fused
          ? tf.fused.conv2d({
              x: ins[0] as never,
              filter: w as never,
              bias: b,
              strides: stride,
              pad: padding,
            })
          : tf.add(tf.conv2d(ins[0] as never, w as never, stride, padding), b);
      } else if (l.type === "ReLU") y = tf.relu(ins[0]);
      else if (l.type === "Pooling") {
        const c = p("pooling_param")!;
        const k = c.num("kernel_size", 1);
        const s = c.num("stride", 1);
        const pd = c.num("pad", 0);
        const max = c.enumName("pool", "MAX") === "MAX";
        const [, h, wd] = ins[0].shape;
        const pool = {
          method: max ? "MAX" : "AVE",
          kernel: [k, k],
          stride: [s, s],
          pad: [pd, pd],
          global: false,
          round: "CEIL",
        };
        const [oh, ow] = caffe.caffePoolShape!(pool, h, wd);
        const after = (o: number, n: number) => Math.max(0, (o - 1) * s + k - n - pd);
        const padded = tf.pad(
          ins[0],
          [
            [0, 0],
            [pd, after(oh, h)],
            [pd, after(ow, wd)],
            [0, 0],
          ],
          max ? -3.4e38 : 0,
        );
        // AVE here is GoogLeNet's 7×7 pool5 with no padding, where every divisor is 49.
        y = max
          ? tf.maxPool(padded as never, k, s, "valid")
          : tf.avgPool(padded as never, k, s, "valid");
      } else if (l.type === "LRN") {
        const c = p("lrn_param")!;
        const n = c.num("local_size", 5);
        const alpha = c.num("alpha", 1) / n; // TF.js does not divide by the window
        y = tf.localResponseNormalization(
          ins[0] as never,
          (n - 1) / 2,
          c.num("k", 1),
          alpha,
          c.num("beta", 0.75),
        );
      } else if (l.type === "Concat") y = tf.concat(ins, 3);
      else if (l.type === "Dropout") y = ins[0];
      else if (l.type === "InnerProduct") {
        // Caffe flattens C, H, W: back to NCHW first (pool5 is 1×1, but say it right).
        const nchw = tf.transpose(ins[0], NHWC_TO_NCHW);
        const { w, b } = params.get(l.name)!;
        y = tf.add(tf.matMul(tf.reshape(nchw, [nchw.shape[0], -1]) as never, w as never), b);
      } else throw new Error(`the TF.js GoogLeNet has no ${l.type} layer`);
      for (const t of l.tops) blobs.set(t, y);
    }
    return blobs;
  };
  return { run: (x: TfTensor) => blobsOf(x).get(until)!, blobs: blobsOf, owned };
}

async function tfPeers(
  ctx: PipelineContext,
  net: Net,
  image: Float32Array,
  side: number,
  until: string,
  fused: boolean,
  step: (tf: Tf, run: (x: TfTensor) => TfTensor, x: TfTensor) => TfTensor,
): Promise<PipelinePeer[]> {
  const tf = ctx.tf;
  if (!tf) return [];
  const peers: PipelinePeer[] = [];
  const nhwc = permuteHost(image, [1, 3, side, side], NCHW_TO_NHWC);
  for (const backend of ctx.tfBackends) {
    await tf.setBackend(backend);
    const { run, owned } = await tfGoogLeNet(tf, net, until, fused);
    const x = tf.tensor(nhwc, [1, side, side, 3], "float32");
    const be = backend === "webgpu" ? tfWebGpuBackend(tf) : null;
    const toOurs = (d: Float32Array, s: number[]) =>
      s.length === 4 ? permuteHost(d, s, NHWC_TO_NCHW) : d;
    const prep = tfPrepared(tf, backend, be, () => step(tf, run, x), [...owned, x], toOurs);
    peers.push({ name: backend === "webgpu" ? "tfjs-webgpu" : "tfjs-wasm", ...prep });
  }
  return peers;
}

/** 224 (the classifier's size) except tiny mode; the dream step 512, or 128 on CPU quick runs. */
const sideFor = (ctx: PipelineContext, full: number) =>
  ctx.mode === "tiny" ? 64 : ctx.cpu && ctx.mode === "quick" ? Math.min(full, 128) : full;

const forward: PipelineBench = {
  name: "googlenet-forward",
  description: "BVLC GoogLeNet (shipped weights) forward to loss3/classifier",
  async setup(ctx): Promise<PipelineSetup | string> {
    const net = await loadGoogLeNet(ctx);
    if (typeof net === "string") return net;
    // The classifier needs 224² (pool5 is a fixed 7×7 window); tiny mode stops at 4e.
    const side = ctx.mode === "tiny" ? 64 : 224;
    const tap = side === 224 ? "loss3/classifier" : "inception_4e/output";
    const image = uniform(3 * side * side, 21, -100, 100); // a preprocessed (mean-free) image
    const x = fromHost(image, [1, 3, side, side]);
    const run = () => [net.forward(x, [tap]).get(tap)!];
    return {
      config: `batch 1, ${side}×${side}, to ${tap}, real weights`,
      step: run,
      output: firstOutput(run),
      tol: 1e-3,
      peers: await tfPeers(ctx, net, image, side, tap, true, (tf, f, xt) => tf.tidy(() => f(xt))),
      dispose() {
        x.dispose();
      },
    };
  },
};

const dreamStep: PipelineBench = {
  name: "googlenet-dream-step",
  description:
    "one DeepDream gradient: GoogLeNet forward to inception_4c/output, mean(square), backward to the image",
  async setup(ctx): Promise<PipelineSetup | string> {
    const net = await loadGoogLeNet(ctx);
    if (typeof net === "string") return net;
    const side = sideFor(ctx, 512);
    const tap = "inception_4c/output";
    const image = uniform(3 * side * side, 22, -100, 100);
    const x = fromHost(image, [1, 3, side, side]);
    const objective = (im: Tensor) => mean(square(net.forward(im, [tap]).get(tap)!));
    const run = () => {
      const { value, grads } = valueAndGrad(objective)(x);
      return [value, grads[0]];
    };
    return {
      config: `batch 1, ${side}×${side}, tap ${tap}, real weights`,
      step: run,
      async output() {
        const [v, g] = run();
        const d = (await g.data()) as Float32Array;
        v.dispose();
        g.dispose();
        return d;
      },
      tol: 1e-3,
      peers: await tfPeers(ctx, net, image, side, tap, false, (tf, f, xt) =>
        tf.grad((im: TfTensor) => tf.mean(tf.square(f(im))))(xt),
      ),
      dispose() {
        x.dispose();
      },
    };
  },
};

export const googlenetPipelines: PipelineBench[] = [forward, dreamStep];
