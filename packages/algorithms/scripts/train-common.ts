// The training loop the two classifier scripts share: seeded shuffles, Adam with a cosine
// schedule, test accuracy in eval mode, and the weights written as safetensors with what was
// measured in the metadata (so the shipped file says how good it is).

import { renameSync, writeFileSync } from "node:fs";
import { saveTensors } from "@sheep/models";
import { nn, optim, type Tensor, tensor, tidy } from "@sheep/tensor";
import type { SmallClassifier } from "../src/classifiers/small.ts";
import { rng } from "../src/common/rng.ts";

export interface Split {
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  out: string;
  /** Said in the file's metadata: where the data came from and how it was split. */
  data: string;
}

/** Rows `idx` of a split as a [B, 1, 28, 28] batch in [0, 1], standardised, and its labels. */
function batch(c: SmallClassifier, s: Split, idx: ArrayLike<number>): [Tensor, Tensor] {
  const b = idx.length;
  const x = new Float32Array(b * 784);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    for (let k = 0; k < 784; k++) x[i * 784 + k] = (s.images[idx[i] * 784 + k] - c.mean) / c.std;
    y[i] = s.labels[idx[i]];
  }
  return [tensor(x, { shape: [b, 1, 28, 28] }), tensor(y)];
}

function shuffled(n: number, seed: number): Int32Array {
  const r = rng(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

export async function accuracy(c: SmallClassifier, s: Split): Promise<number> {
  c.net.eval();
  let right = 0;
  for (let at = 0; at < s.n; at += 500) {
    const idx = Int32Array.from({ length: Math.min(500, s.n - at) }, (_, i) => at + i);
    const [x, y] = batch(c, s, idx);
    const hits = tidy(() => c.net.forward(x).argmax(1).eq(y).sum());
    right += await hits.item();
    for (const t of [x, y, hits]) t.dispose();
  }
  c.net.train();
  return right / s.n;
}

export async function trainClassifier(
  c: SmallClassifier,
  train: Split,
  test: Split,
  o: TrainOptions,
): Promise<void> {
  const started = performance.now();
  const opt = new optim.Adam(c.net.parameters(), { lr: o.lr });
  const sched = new optim.CosineAnnealingLR(opt, o.epochs);
  c.net.train();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = shuffled(train.n, 1000 + epoch);
    let sum = 0;
    let steps = 0;
    const losses: Tensor[] = [];
    for (let at = 0; at + o.batchSize <= train.n; at += o.batchSize) {
      const [x, y] = batch(c, train, order.subarray(at, at + o.batchSize));
      losses.push(
        tidy(() => {
          opt.zeroGrad();
          const l = nn.crossEntropy(c.net.forward(x), y);
          l.backward();
          opt.step();
          return l;
        }),
      );
      x.dispose();
      y.dispose();
      if (losses.length === 50) {
        for (const l of losses) sum += await l.item();
        steps += losses.length;
        for (const l of losses.splice(0)) l.dispose();
        const s = ((performance.now() - started) / 1000).toFixed(0);
        process.stderr.write(
          `\repoch ${epoch + 1}/${o.epochs} step ${steps} loss ${(sum / steps).toFixed(3)} ${s} s`,
        );
      }
    }
    for (const l of losses) l.dispose();
    sched.step();
    const acc = await accuracy(c, test);
    console.log(
      `\nepoch ${epoch + 1}: mean loss ${(sum / Math.max(steps, 1)).toFixed(3)}, test accuracy ${(100 * acc).toFixed(2)}%`,
    );
  }
  const acc = await accuracy(c, test);
  const seconds = (performance.now() - started) / 1000;
  const bytes = await saveTensors(c.net.stateDict(), {
    model: c.name,
    data: o.data,
    test_accuracy: acc.toFixed(4),
    test_images: String(test.n),
    training: `${o.epochs} epochs, batch ${o.batchSize}, Adam lr ${o.lr} cosine, seeded`,
  });
  writeFileSync(`${o.out}.tmp`, bytes);
  renameSync(`${o.out}.tmp`, o.out);
  console.log(
    `${c.name}: test accuracy ${(100 * acc).toFixed(2)}% on ${test.n} images, ${seconds.toFixed(0)} s; wrote ${o.out} (${bytes.length} bytes)`,
  );
}
