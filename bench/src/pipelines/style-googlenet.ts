// Style transfer on the default network: one evaluation of @sheep/algorithms' style-transfer
// loss and its gradient on the shipped GoogLeNet, with `sheep style`'s layers and weights
// (content inception_4a/output; style Grams at conv1/7x7_s2, conv2/3x3, inception_3a, 3b and
// 4a; neural-style's Gram normalisation; TV), forward and backward to the image. TF.js runs the
// same losses on the same network (built from the same prototxt and weights) and the same
// targets, on our GPUDevice (WebGPU) and on WASM; its gradient checks ours first.

import { fromHost, type Tensor } from "@sheep/tensor";
import { tfPrepared, tfWebGpuBackend } from "../peers/tfjs.ts";
import type { TfTensor } from "../suite/case.ts";
import { NCHW_TO_NHWC, NHWC_TO_NCHW, permuteHost, uniform } from "../suite/data.ts";
import { loadGoogLeNet, type Net, tfGoogLeNet } from "./googlenet.ts";
import { algorithms, missing } from "./modules.ts";
import type { PipelineBench, PipelineContext, PipelinePeer, PipelineSetup } from "./registry.ts";

// STYLE_LAYERS.googlenet in packages/algorithms/src/style/layers.ts: what `sheep style` runs
const CONTENT = "inception_4a/output";
const STYLE: Record<string, number> = {
  "conv1/7x7_s2": 0.01,
  "conv2/3x3": 1,
  "inception_3a/output": 1,
  "inception_3b/output": 1,
  "inception_4a/output": 1,
};
const TAPS = Object.keys(STYLE);
const W = { content: 5, style: 1000, tv: 1e-5 };
/** Input pixels per position of each tap; only tiled runs read them (these rows are whole). */
const STRIDES = new Map([
  ["conv1/7x7_s2", 2],
  ["conv2/3x3", 4],
  ["inception_3a/output", 8],
  ["inception_3b/output", 8],
  ["inception_4a/output", 16],
]);

/** 64² in tiny mode and in quick mode on a CPU adapter, else `full`. */
function sideOf(ctx: PipelineContext, full: number): number {
  return ctx.mode === "tiny" || (ctx.cpu && ctx.mode === "quick") ? 64 : full;
}

/**
 * The image the gradient is taken at: smooth waves (amplitude 100) plus a little noise (±5).
 * Uniform noise as the image makes the check toothless: its total variation is so large that
 * TV made 99.9% of the gradient's norm at 64² (content and style 18 of 18,470); here the
 * network's part is about 40% (371 against TV's 935), so a wrong content or style gradient
 * fails the 2e-3 tolerance. The noise keeps max-pool windows away from ties, where two engines
 * may pick different (equally valid) subgradients.
 */
function smoothImage(side: number, seed: number): Float32Array<ArrayBuffer> {
  const out = uniform(3 * side * side, seed, -5, 5);
  for (let i = 0; i < out.length; i++) {
    out[i] += 100 * Math.sin((i % side) / 9 + Math.floor(i / side) / 13);
  }
  return out;
}

/** Host data of the step: the image and the targets, in our (NCHW) layout. */
interface Host {
  image: Float32Array;
  grams: Map<string, Float32Array>;
  content: Float32Array;
  contentShape: number[];
}

function styleStep(full: number): PipelineBench {
  return {
    name: `googlenet-style-step-${full}`,
    description: `style-transfer loss and gradient: GoogLeNet (shipped weights) content inception_4a + 5 style Grams + TV, ${full}² (64² on a CPU adapter in quick mode)`,
    async setup(ctx): Promise<PipelineSetup | string> {
      const why = missing("@sheep/algorithms", algorithms, [
        "evaluate",
        "styleGrams",
        "contentTargets",
        "tileLayout",
      ]);
      if (why) return why;
      const net = await loadGoogLeNet(ctx);
      if (typeof net === "string") return net;
      const a = algorithms as Required<typeof algorithms>;
      const side = sideOf(ctx, full);
      // The network input directly (a mean-free BGR image in 0–255 units): the preprocessing
      // is one elementwise op, and TF.js runs without it too.
      const model = {
        name: "googlenet",
        taps: [CONTENT, ...TAPS],
        preprocess: (x: Tensor) => x,
        forward: (x: Tensor, taps: readonly string[]) => net.forward(x, taps),
      };
      const setup = { model, contentTap: CONTENT, styleTaps: TAPS, norm: "neural-style" };
      const full1 = { ...setup, strides: STRIDES };
      const tiles = a.tileLayout(side, side, side, 0, 16);
      const n = 3 * side * side;
      const image = smoothImage(side, 31);
      const [x, content, style] = [image, uniform(n, 32, -100, 100), uniform(n, 33, -100, 100)].map(
        (d) => fromHost(d, [1, 3, side, side]),
      );
      const grams = a.styleGrams(full1, TAPS, style, tiles) as Map<string, Tensor>;
      const [target] = a.contentTargets(full1, CONTENT, content, tiles) as Tensor[];
      const weights = { ...W, layers: STYLE };
      const targets = { grams, content: [target], mask: null };
      const run = () => {
        const e = a.evaluate(full1, weights, targets, x, tiles) as { terms: Tensor; grad: Tensor };
        return [e.terms, e.grad];
      };
      const host: Host = {
        image,
        grams: new Map(),
        content: (await target.data()) as Float32Array,
        contentShape: [...target.shape],
      };
      for (const [t, g] of grams) host.grams.set(t, (await g.data()) as Float32Array);
      return {
        config: `batch 1, ${side}×${side}, content ${CONTENT}, style ${TAPS.join(" ")}, real weights`,
        step: run,
        async output() {
          const [terms, g] = run();
          const d = (await g.data()) as Float32Array;
          terms.dispose();
          g.dispose();
          return d;
        },
        tol: 2e-3,
        peers: await tfStylePeers(ctx, net, side, host),
        dispose() {
          for (const t of [x, content, style, target, ...grams.values()]) t.dispose();
        },
      };
    },
  };
}

/** TF.js peers: the same loss (evaluate()'s whole-image path), its gradient to the image. */
async function tfStylePeers(
  ctx: PipelineContext,
  net: Net,
  side: number,
  host: Host,
): Promise<PipelinePeer[]> {
  const tf = ctx.tf;
  if (!tf) return [];
  const peers: PipelinePeer[] = [];
  for (const backend of ctx.tfBackends) {
    await tf.setBackend(backend);
    const { blobs, owned } = await tfGoogLeNet(tf, net, CONTENT, false);
    const x = tf.tensor(
      permuteHost(host.image, [1, 3, side, side], NCHW_TO_NHWC),
      [1, side, side, 3],
      "float32",
    );
    const A = new Map(
      TAPS.map((t) => {
        const g = host.grams.get(t)!;
        const c = Math.round(Math.sqrt(g.length));
        return [t, tf.tensor(g, [c, c], "float32")] as const;
      }),
    );
    const cs = host.contentShape;
    const P = tf.tensor(
      permuteHost(host.content, cs, NCHW_TO_NHWC),
      [1, cs[2], cs[3], cs[1]],
      "float32",
    );
    const loss = (im: TfTensor) => {
      const acts = blobs(im);
      // content: mean((F − P)²) · w; style per layer: Σ(Ĝ − Â)² / C⁴ · w · layer weight
      let total = tf.mul(tf.mean(tf.square(tf.sub(acts.get(CONTENT)!, P))), W.content);
      for (const t of TAPS) {
        const f = acts.get(t)!;
        const [, h, w, c] = f.shape as [number, number, number, number];
        const F = tf.reshape(f, [h * w, c]);
        const G = tf.div(tf.matMul(F, F, true, false), h * w);
        const e = tf.div(tf.sum(tf.square(tf.sub(G, A.get(t)!))), c ** 4);
        total = tf.add(total, tf.mul(e, W.style * STYLE[t]));
      }
      const dx = tf.sub(
        tf.slice(im, [0, 0, 1, 0], [-1, -1, -1, -1]),
        tf.slice(im, [0, 0, 0, 0], [-1, -1, side - 1, -1]),
      );
      const dy = tf.sub(
        tf.slice(im, [0, 1, 0, 0], [-1, -1, -1, -1]),
        tf.slice(im, [0, 0, 0, 0], [-1, side - 1, -1, -1]),
      );
      const tv = tf.add(tf.sum(tf.square(dx)), tf.sum(tf.square(dy)));
      return tf.add(total, tf.mul(tv, 0.5 * 255 * 255 * W.tv));
    };
    const be = backend === "webgpu" ? tfWebGpuBackend(tf) : null;
    const toOurs = (d: Float32Array, s: number[]) => permuteHost(d, s, NHWC_TO_NCHW);
    const prep = tfPrepared(
      tf,
      backend,
      be,
      () => tf.grad(loss)(x),
      [...owned, x, P, ...A.values()],
      toOurs,
    );
    peers.push({ name: backend === "webgpu" ? "tfjs-webgpu" : "tfjs-wasm", ...prep });
  }
  return peers;
}

export const googlenetStylePipelines: PipelineBench[] = [styleStep(256), styleStep(512)];
