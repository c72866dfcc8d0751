// Which cases a run measures, by mode and adapter. CPU adapters (lavapipe, SwiftShader) run
// about 1000× slower than a GPU, so their sizes are capped to keep a run within minutes.

import type { Family, KernelCase } from "./case.ts";
import {
  convCase,
  gramCase,
  maxPoolCase,
  STYLE_LAYERS,
  VGG16_CONVS,
  VGG16_POOLS,
} from "./cases-cnn.ts";
import { elementwiseCase, matmulCase, reduceCase } from "./cases-misc.ts";
import type { Mode } from "./types.ts";

export interface Plan {
  /** VGG input sides to measure the conv layers at; the last ones may be time-boxed. */
  convSides: number[];
  /** Side for pools and Gram matrices (as the VGG input side). */
  cnnSide: number;
  square: number[];
  classifier: boolean;
  /** Elements for reductions and elementwise rows. */
  elems: number;
  warmup: number;
  minRuns: number;
  maxRuns: number;
  /** Seconds of timed runs per case and engine that the run count aims for. */
  caseBudgetS: number;
}

export function plan(mode: Mode, cpu: boolean): Plan {
  if (mode === "tiny") {
    const p = { warmup: 1, minRuns: 2, maxRuns: 2, caseBudgetS: 0 };
    return { ...p, convSides: [16], cnnSide: 16, square: [64], classifier: false, elems: 1 << 12 };
  }
  if (cpu) {
    return mode === "quick"
      ? {
          convSides: [64],
          cnnSide: 64,
          square: [256, 512],
          classifier: false,
          elems: 1 << 20,
          warmup: 1,
          minRuns: 3,
          maxRuns: 5,
          caseBudgetS: 2,
        }
      : {
          convSides: [64, 224],
          cnnSide: 224,
          square: [256, 512, 1024],
          classifier: true,
          elems: 1 << 22,
          warmup: 1,
          minRuns: 3,
          maxRuns: 7,
          caseBudgetS: 4,
        };
  }
  return mode === "quick"
    ? {
        convSides: [224],
        cnnSide: 224,
        square: [256, 1024, 2048],
        classifier: true,
        elems: 1 << 24,
        warmup: 2,
        minRuns: 5,
        maxRuns: 10,
        caseBudgetS: 0.5,
      }
    : {
        convSides: [224],
        cnnSide: 224,
        square: [256, 512, 1024, 2048, 4096],
        classifier: true,
        elems: 1 << 24,
        warmup: 3,
        minRuns: 10,
        maxRuns: 30,
        caseBudgetS: 1,
      };
}

/** The tiny mode's few layers: enough to exercise every kernel family in seconds. */
const TINY_CONVS = [VGG16_CONVS[0], VGG16_CONVS[4]];

export function kernelCases(mode: Mode, p: Plan, families: ReadonlySet<Family>): KernelCase[] {
  const out: KernelCase[] = [];
  const want = (f: Family) => families.has(f);
  if (want("matmul")) {
    for (const s of p.square) out.push(matmulCase(s, s, s));
    if (p.classifier) {
      out.push(matmulCase(1, 25088, 4096, "fc1 1×25088×4096"));
      out.push(matmulCase(1, 4096, 4096, "fc2 1×4096×4096"));
      out.push(matmulCase(1, 4096, 1000, "fc3 1×4096×1000"));
    }
  }
  const layers = mode === "tiny" ? TINY_CONVS : VGG16_CONVS;
  // Pass by pass: when a time box cuts the 224² rows on a CPU adapter, the forward and
  // gradient-to-input rows (the ones with targets) have run for every layer first.
  const passes = [
    ["conv", "fwd"],
    ["convGx", "gx"],
    ["convGw", "gw"],
  ] as const;
  for (const res of p.convSides) {
    for (const [family, dir] of passes) {
      if (!want(family)) continue;
      for (const l of layers) {
        // Tiny mode shrinks the deep layers further so every row stays under a few MFLOP.
        const side = mode === "tiny" ? Math.max(4, res / l.div / 2) : res / l.div;
        out.push(convCase(l, side, dir, res));
      }
    }
  }
  const cnn = mode === "tiny" ? [0] : [0, 1, 2, 3, 4];
  for (const i of cnn) {
    const pool = VGG16_POOLS[i];
    if (want("maxpool")) out.push(maxPoolCase(pool.layer, pool.c, p.cnnSide / pool.div));
  }
  for (const i of cnn) {
    const s = STYLE_LAYERS[i];
    if (want("gram")) out.push(gramCase(s.layer, s.c, p.cnnSide / s.div));
  }
  if (want("reduce")) {
    const cols = Math.min(4096, Math.sqrt(p.elems));
    const rows = p.elems / cols;
    out.push(reduceCase("sum all", rows, cols));
    out.push(reduceCase("sum rows", rows, cols));
    out.push(reduceCase("max cols", rows, cols));
    out.push(reduceCase("softmax rows", rows, 1000));
  }
  if (want("elementwise")) {
    const side = Math.sqrt(p.elems / 64);
    out.push(elementwiseCase("add", 64, side));
    out.push(elementwiseCase("bias+relu", 64, side));
    out.push(elementwiseCase("x·sigmoid(1.702x)", 64, side));
  }
  return out;
}
