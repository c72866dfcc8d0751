// Attack and attribution pipelines on GoogLeNet (shipped weights) at 224²:
//   occlusion-224    one occlusion map: every 32² window at stride 8 (25 × 25 = 625 windows;
//                    7 × 7 at stride 32 in a CPU adapter's quick run) greyed out, the copies
//                    run through the net in batches of 25 (a row of windows at stride 8),
//                    softmax, the target class's probability per window — what
//                    @sheep/algorithms occlusion() dispatches (its host-side averaging aside);
//   pgd20-googlenet  one PGD-20 attack: 20 × (forward, cross-entropy, gradient to the image,
//                    signed step, projection onto the ε-ball and [0, 1]) — attack()'s loop
//                    (2 of the 20 steps in a CPU adapter's quick run).
// TF.js does the same on the same adapter, with the same net built from the same prototxt
// (googlenet.ts), and its output checks ours before anything is timed.

import {
  clamp,
  concat,
  fromHost,
  narrow,
  nn,
  softmax,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from "@sheep/tensor";
import { tfPrepared, tfWebGpuBackend } from "../peers/tfjs.ts";
import type { Tf, TfTensor } from "../suite/case.ts";
import { NCHW_TO_NHWC, NHWC_TO_NCHW, permuteHost, uniform } from "../suite/data.ts";
import { loadGoogLeNet, type Net, tfGoogLeNet } from "./googlenet.ts";
import {
  firstOutput,
  type PipelineBench,
  type PipelineContext,
  type PipelinePeer,
  type PipelineSetup,
} from "./registry.ts";

const SIDE = 224;
/** GoogLeNet's classifier needs 224² (a fixed 7×7 pool5): too slow for the smoke test's seconds. */
const TINY_SKIP =
  "skipped in tiny mode: GoogLeNet's classifier needs 224², minutes on a CPU adapter";
const LOGITS = "loss3/classifier";

/** Window starts along a side: every stride, plus one flush with the far edge (as occlusion()). */
function starts(side: number, window: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + window <= side; s += stride) out.push(s);
  if (out.at(-1)! + window < side) out.push(side - window);
  return out;
}

/**
 * A batch's window masks as two factors, rows [B, H] and columns [B, W] (1 inside the window):
 * their broadcast product is the [B, H, W] mask, so a batch uploads B·(H + W) numbers.
 */
function maskFactors(boxes: [number, number][], window: number) {
  const rows = new Float32Array(boxes.length * SIDE);
  const cols = new Float32Array(boxes.length * SIDE);
  boxes.forEach(([top, left], b) => {
    rows.fill(1, b * SIDE + top, b * SIDE + top + window);
    cols.fill(1, b * SIDE + left, b * SIDE + left + window);
  });
  return { rows, cols, n: boxes.length };
}

/** TF.js peers (WebGPU, WASM) of a step, given the net and the NHWC input. */
async function peersOf(
  ctx: PipelineContext,
  net: Net,
  fused: boolean,
  image: Float32Array,
  make: (tf: Tf, run: (x: TfTensor) => TfTensor, x: TfTensor, owned: TfTensor[]) => () => TfTensor,
): Promise<PipelinePeer[]> {
  const tf = ctx.tf;
  if (!tf) return [];
  const peers: PipelinePeer[] = [];
  const nhwc = permuteHost(image, [1, 3, SIDE, SIDE], NCHW_TO_NHWC);
  for (const backend of ctx.tfBackends) {
    await tf.setBackend(backend);
    const { run, owned } = await tfGoogLeNet(tf, net, LOGITS, fused);
    const x = tf.tensor(nhwc, [1, SIDE, SIDE, 3], "float32");
    owned.push(x);
    const compute = make(tf, run, x, owned);
    const be = backend === "webgpu" ? tfWebGpuBackend(tf) : null;
    const toOurs = (d: Float32Array, s: number[]) =>
      s.length === 4 ? permuteHost(d, s, NHWC_TO_NCHW) : d;
    const prep = tfPrepared(tf, backend, be, compute, owned, toOurs);
    peers.push({ name: backend === "webgpu" ? "tfjs-webgpu" : "tfjs-wasm", ...prep });
  }
  return peers;
}

const occlusionMap: PipelineBench = {
  name: "occlusion-224",
  description:
    "occlusion map on GoogLeNet at 224²: window 32, stride 8 (625 windows), batches of 25, p(target)",
  async setup(ctx): Promise<PipelineSetup | string> {
    if (ctx.mode === "tiny") return TINY_SKIP;
    const net = await loadGoogLeNet(ctx);
    if (typeof net === "string") return net;
    // A CPU adapter's quick run scores 7 × 7 windows (stride 32): the 625-window map is a TFLOP,
    // half an hour per run on a loaded 2-core machine. Full mode (and any GPU) runs all 625.
    const cpuQuick = ctx.cpu && ctx.mode === "quick";
    // Batches of 25 either way (the full map's rows of windows; occlusion() batches 32).
    const [window, stride, batch] = cpuQuick ? [32, 32, 25] : [32, 8, 25];
    const s = starts(SIDE, window, stride);
    const boxes = s.flatMap((top) => s.map((left): [number, number] => [top, left]));
    const parts = Array.from({ length: Math.ceil(boxes.length / batch) }, (_, i) =>
      maskFactors(boxes.slice(i * batch, (i + 1) * batch), window),
    );
    // a preprocessed (mean-free) image: grey, the occlusion baseline, is 0 here
    const image = uniform(3 * SIDE * SIDE, 31, -100, 100);
    const x = fromHost(image, [1, 3, SIDE, SIDE]);
    const masks = parts.map((p) => ({
      rows: fromHost(p.rows, [p.n, 1, SIDE, 1]),
      cols: fromHost(p.cols, [p.n, 1, 1, SIDE]),
    }));
    const target = 0;
    // one tidy per batch frees its activations before the next batch is enqueued
    const run = () => [
      tidy(() =>
        concat(
          masks.map((m) =>
            tidy(() => {
              // copies = x·(1 − mask), mask = rows ⊗ cols
              const copies = x.mul(m.rows.mul(m.cols).neg().add(1));
              const p = softmax(net.forward(copies, [LOGITS]).get(LOGITS)!, 1);
              return narrow(p, 1, target, 1).reshape(m.rows.shape[0]);
            }),
          ),
          0,
        ),
      ),
    ];
    const peers = await peersOf(ctx, net, true, image, (tf, f, xt, owned) => {
      const tfMasks = parts.map((p) => {
        const rows = tf.tensor(p.rows, [p.n, SIDE, 1, 1], "float32");
        const cols = tf.tensor(p.cols, [p.n, 1, SIDE, 1], "float32");
        owned.push(rows, cols);
        return { rows, cols };
      });
      // one tidy per batch, as ours: a batch's activations are freed before the next is run (one
      // tidy around all 25 batches of the full map held ~24 GB and was killed for memory)
      return () => {
        const parts = tfMasks.map((m) =>
          tf.tidy(() => {
            const copies = tf.mul(xt, tf.sub(1, tf.mul(m.rows, m.cols)));
            const p = tf.softmax(f(copies) as never);
            return tf.reshape(tf.slice(p, [0, target], [-1, 1]), [-1]);
          }),
        );
        const all = tf.concat(parts);
        for (const t of parts) t.dispose();
        return all;
      };
    });
    return {
      config: `224×224, window ${window}, stride ${stride}: ${boxes.length} windows in batches of ${batch}, real weights`,
      step: run,
      output: firstOutput(run),
      tol: 1e-3,
      peers,
      dispose() {
        x.dispose();
        for (const m of masks) {
          m.rows.dispose();
          m.cols.dispose();
        }
      },
    };
  },
};

/** BVLC GoogLeNet's input from RGB in [0, 1]: ×255, minus a mean grey (the bench's stand-in). */
const MEAN = 117;

const pgd20: PipelineBench = {
  name: "pgd20-googlenet",
  description:
    "PGD-20 (L∞, ε = 8/255, α = 2/255) on GoogLeNet at 224²: 20 × (forward, cross-entropy, ∇x, sign step, project)",
  async setup(ctx): Promise<PipelineSetup | string> {
    if (ctx.mode === "tiny") return TINY_SKIP;
    const net = await loadGoogLeNet(ctx);
    if (typeof net === "string") return net;
    // A CPU adapter's quick run times 2 of the 20 steps (every step is the same work: forward,
    // backward to the image, project); full mode (and any GPU) runs all 20.
    const steps = ctx.cpu && ctx.mode === "quick" ? 2 : 20;
    const [eps, alpha, label] = [8 / 255, 2 / 255, 3];
    const image = uniform(3 * SIDE * SIDE, 32, 0, 1);
    const x0 = fromHost(image, [1, 3, SIDE, SIDE]);
    const y = tensor(Int32Array.from([label]));
    // no random start: the same deterministic path in both engines (attack() with randomStart false)
    const loss = valueAndGrad((xa: Tensor) =>
      nn.crossEntropy(net.forward(xa.mul(255).sub(MEAN), [LOGITS]).get(LOGITS)!, y, {
        reduction: "sum",
      }),
    );
    const run = () => {
      let xa = x0.add(0);
      for (let s = 0; s < steps; s++) {
        const next = tidy(() => {
          const { grads } = loss(xa);
          const moved = xa.add(grads[0].sign().mul(alpha));
          return clamp(x0.add(clamp(moved.sub(x0), -eps, eps)), 0, 1);
        });
        xa.dispose();
        xa = next;
      }
      return [xa];
    };
    const peers = await peersOf(ctx, net, false, image, (tf, f, xt, owned) => {
      const onehot = tf.oneHot(tf.tensor1d([label], "int32"), 1000).toFloat();
      owned.push(onehot);
      const lossOf = (xa: TfTensor) =>
        tf.neg(tf.sum(tf.mul(tf.logSoftmax(f(tf.sub(tf.mul(xa, 255), MEAN)) as never), onehot)));
      const grad = tf.grad(lossOf);
      // one tidy per step, as ours: a step's activations and gradients are freed before the next
      return () => {
        let xa: TfTensor = xt;
        for (let s = 0; s < steps; s++) {
          const prev = xa;
          xa = tf.tidy(() => {
            const moved = tf.add(prev, tf.mul(tf.sign(grad(prev)), alpha));
            return tf.clipByValue(tf.add(xt, tf.clipByValue(tf.sub(moved, xt), -eps, eps)), 0, 1);
          });
          if (prev !== xt) prev.dispose();
        }
        return xa;
      };
    });
    return {
      config: `224×224, ${steps === 20 ? "20 steps" : `${steps} of PGD-20's steps (a CPU adapter's quick run)`}, ε 8/255, α 2/255, untargeted (class ${label}), real weights`,
      step: run,
      output: firstOutput(run),
      // sign(∇) flips where a gradient entry is ~0 and the engines round differently: such a
      // pixel moves 2α the other way; a few of them are far below this on a whole image
      tol: 1e-2,
      peers,
      dispose() {
        x0.dispose();
        y.dispose();
      },
    };
  },
};

export const attackPipelines: PipelineBench[] = [occlusionMap, pgd20];
