// Style transfer: one evaluation of @sheep/algorithms' style-transfer loss and its gradient on
// VGG16 (content relu4_2, style relu1_1 … relu5_1, per-position Gram matrices, neural-style's
// normalisation and weights, total variation), forward and backward to the image. TF.js runs
// the same losses on the same network, weights and targets; its gradient checks ours first.

import { fromHost, type Tensor } from "@sheep/tensor";
import { tfPrepared, tfWebGpuBackend } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { NCHW_TO_NHWC, NHWC_TO_NCHW, OIHW_TO_HWIO, permuteHost, uniform } from "../suite/data.ts";
import { algorithms, missing, models } from "./modules.ts";
import type { PipelineBench, PipelineContext, PipelinePeer, PipelineSetup } from "./registry.ts";
import { loadVgg16, VGG16_CFG, vgg16Weights, widths } from "./vgg.ts";

const CONTENT = "relu4_2";
const STYLE = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"];
const W = { content: 5, style: 100, tv: 1e-3 };

/** torchvision feature index of each VGG16 ReLU tap ("relu4_2" → 20). */
function reluIndex(): Map<string, number> {
  const out = new Map<string, number>();
  let [i, block, conv] = [0, 1, 0];
  for (const v of VGG16_CFG) {
    if (v === "M") {
      i += 1;
      block += 1;
      conv = 0;
    } else {
      conv += 1;
      out.set(`relu${block}_${conv}`, i + 1);
      i += 2;
    }
  }
  return out;
}

/** VGG16 in TF.js (NHWC) returning the activations at `taps`; no preprocessing (as ours). */
function tfVggTaps(tf: Tf, taps: readonly string[]) {
  const index = reluIndex();
  const want = new Map(taps.map((t) => [index.get(t)!, t]));
  const last = Math.max(...want.keys());
  const layers: ({ w: TfTensor; b: TfTensor; i: number } | "M")[] = [];
  let i = 0;
  for (const v of VGG16_CFG) {
    if (i > last) break;
    if (v === "M") {
      layers.push("M");
      i += 1;
      continue;
    }
    const w = vgg16Weights().get(`features.${i}.weight`)!;
    const b = vgg16Weights().get(`features.${i}.bias`)!;
    layers.push({
      w: tf.tensor(
        permuteHost(w.data, w.shape, OIHW_TO_HWIO),
        OIHW_TO_HWIO.map((p) => w.shape[p]),
        "float32",
      ),
      b: tf.tensor(b.data, b.shape, "float32"),
      i,
    });
    i += 2;
  }
  const net = (x: TfTensor) => {
    const out = new Map<string, TfTensor>();
    let h = x;
    for (const l of layers) {
      if (l === "M") h = tf.maxPool(h as never, 2, 2, "valid");
      else {
        h = tf.relu(tf.add(tf.conv2d(h as never, l.w as never, 1, "same"), l.b));
        const tap = want.get(l.i + 1);
        if (tap) out.set(tap, h);
      }
    }
    return out;
  };
  return { net, owned: layers.flatMap((l) => (l === "M" ? [] : [l.w, l.b])) };
}

/** The style side: 32 (tiny), 64 on a CPU adapter in quick mode, else `full`. */
function styleSide(ctx: PipelineContext, full: number): number {
  if (ctx.mode === "tiny") return 32;
  return ctx.cpu && ctx.mode === "quick" ? 64 : full;
}

function styleStep(full: number): PipelineBench {
  return {
    name: `vgg16-style-step-${full}`,
    description: `style-transfer loss and gradient: VGG16 content relu4_2 + 5 style Grams + TV, ${full}² (64² on a CPU adapter in quick mode)`,
    async setup(ctx): Promise<PipelineSetup | string> {
      const why =
        missing("@sheep/algorithms", algorithms, [
          "vggDreamModel",
          "evaluate",
          "styleGrams",
          "contentTargets",
          "tileLayout",
        ]) ??
        missing("@sheep/models", models, [
          "vggConfig",
          "randomVggWeights",
          "vggSafetensors",
          "loadVgg",
        ]);
      if (why) return why;
      const a = algorithms as Required<typeof algorithms>;
      const side = styleSide(ctx, full);
      const vgg = await loadVgg16(ctx, false);
      const base = a.vggDreamModel(vgg) as Record<string, unknown>;
      const model = { ...base, preprocess: (x: Tensor) => x }; // TF.js runs without it too
      const strides = new Map([CONTENT, ...STYLE].map((t) => [t, 2 ** (Number(t[4]) - 1)]));
      const setup = { model, contentTap: CONTENT, styleTaps: STYLE, norm: "neural-style", strides };
      const tiles = a.tileLayout(side, side, side, 0, 16);
      const host = {
        x: uniform(3 * side * side, 21, 0, 1),
        content: uniform(3 * side * side, 22, 0, 1),
        style: uniform(3 * side * side, 23, 0, 1),
      };
      const [x, content, style] = [host.x, host.content, host.style].map((d) =>
        fromHost(d, [1, 3, side, side]),
      );
      const grams = a.styleGrams(setup, STYLE, style, tiles) as Map<string, Tensor>;
      const [target] = a.contentTargets(setup, CONTENT, content, tiles) as Tensor[];
      const weights = { ...W, layers: Object.fromEntries(STYLE.map((t) => [t, 1])) };
      const targets = { grams, content: [target], mask: null };
      const run = () => {
        const e = a.evaluate(setup, weights, targets, x, tiles) as { terms: Tensor; grad: Tensor };
        return [e.terms, e.grad];
      };
      // the targets in TF.js's layout, read once
      const gramHost = new Map<string, Float32Array>();
      for (const [t, g] of grams) gramHost.set(t, (await g.data()) as Float32Array);
      const targetHost = (await target.data()) as Float32Array;
      return {
        config: `batch 1, ${side}×${side}, content ${CONTENT}, style ${STYLE.join(" ")}, ${widths()}random weights`,
        step: run,
        async output() {
          const [terms, g] = run();
          const d = (await g.data()) as Float32Array;
          terms.dispose();
          g.dispose();
          return d;
        },
        tol: 2e-3,
        peers: await tfStylePeers(ctx, host.x, side, gramHost, targetHost, [...target.shape]),
        dispose() {
          for (const t of [x, content, style, target, ...grams.values()]) t.dispose();
          vgg.dispose();
        },
      };
    },
  };
}

/** TF.js peers: the same loss, its gradient with respect to the NHWC image. */
async function tfStylePeers(
  ctx: PipelineContext,
  image: Float32Array,
  side: number,
  grams: Map<string, Float32Array>,
  content: Float32Array,
  contentShape: number[],
): Promise<PipelinePeer[]> {
  const tf = ctx.tf;
  if (!tf) return [];
  const peers: PipelinePeer[] = [];
  for (const backend of ctx.tfBackends) {
    await tf.setBackend(backend);
    const { net, owned } = tfVggTaps(tf, [CONTENT, ...STYLE]);
    const x = tf.tensor(
      permuteHost(image, [1, 3, side, side], NCHW_TO_NHWC),
      [1, side, side, 3],
      "float32",
    );
    const A = new Map(
      STYLE.map((t) => {
        const g = grams.get(t)!;
        const c = Math.round(Math.sqrt(g.length));
        return [t, tf.tensor(g, [c, c], "float32")] as const;
      }),
    );
    const P = tf.tensor(
      permuteHost(content, contentShape, NCHW_TO_NHWC),
      [1, contentShape[2], contentShape[3], contentShape[1]],
      "float32",
    );
    const loss = (im: TfTensor) => {
      const acts = net(im);
      const f = acts.get(CONTENT)!;
      let total = tf.mul(tf.mean(tf.square(tf.sub(f, P))), W.content);
      for (const t of STYLE) {
        const a = acts.get(t)!;
        const [, h, w, c] = a.shape as [number, number, number, number];
        const m = h * w;
        const F = tf.reshape(a, [m, c]);
        const G = tf.div(tf.matMul(F, F, true, false), m);
        const e = tf.div(tf.sum(tf.square(tf.sub(G, A.get(t)!))), c ** 4);
        total = tf.add(total, tf.mul(e, W.style));
      }
      const dx = tf.sub(
        tf.slice(im, [0, 0, 1, 0], [-1, -1, -1, -1]),
        tf.slice(im, [0, 0, 0, 0], [-1, -1, side - 1, -1]),
      );
      const dy = tf.sub(
        tf.slice(im, [0, 1, 0, 0], [-1, -1, -1, -1]),
        tf.slice(im, [0, 0, 0, 0], [-1, side - 1, -1, -1]),
      );
      const tv = tf.mul(
        tf.add(tf.sum(tf.square(dx)), tf.sum(tf.square(dy))),
        0.5 * 255 * 255 * W.tv,
      );
      return tf.add(total, tv);
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

export const stylePipelines: PipelineBench[] = [styleStep(256), styleStep(512)];
